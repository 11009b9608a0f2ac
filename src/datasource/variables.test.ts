import { escapePromString, formatPromqlVariable, interpolatePromql } from './variables';
import { templateSrvWith } from './testServices';

describe('formatPromqlVariable', () => {
  it.each<[string, unknown, { multi?: boolean; includeAll?: boolean } | undefined, string]>([
    ['a plain value', 'node', undefined, 'node'],
    ['a path, without the \\/ Prometheus rejects', '/metrics', undefined, '/metrics'],
    ['quotes cannot close the string', 'a"} or vector(1) or {x="', undefined, 'a\\"} or vector(1) or {x=\\"'],
    ['backslashes stay literal', 'C:\\temp', undefined, 'C:\\\\temp'],
    ['newlines are escaped', 'a\nb', undefined, 'a\\nb'],
    [
      'multi values become a regex alternation, regex-escaped',
      ['h1:9100', 'h.2'],
      { multi: true },
      '(h1:9100|h\\\\.2)',
    ],
    ['regex metacharacters match literally', ['a|b', '(x)*'], { multi: true }, '(a\\\\|b|\\\\(x\\\\)\\\\*)'],
    ['a single value of a multi variable is still a regex', 'h.2', { multi: true }, '(h\\\\.2)'],
    ['All', ['a', 'b'], { includeAll: true }, '(a|b)'],
  ])('%s', (_, value, variable, expected) => {
    expect(formatPromqlVariable(value, variable)).toBe(expected);
  });

  it('keeps a hostile value inside its label matcher', () => {
    const templateSrv = templateSrvWith({ job: { value: 'x"} or up{job="' } });
    expect(interpolatePromql('up{job="$job"}', templateSrv)).toBe('up{job="x\\"} or up{job=\\""}');
  });

  it('escapes for a PromQL double-quoted string', () => {
    expect(escapePromString('"\\\r')).toBe('\\"\\\\\\r');
  });
});
