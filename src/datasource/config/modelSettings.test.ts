import { parse } from 'yaml';

import { DEFAULT_PARAMS, PARAM_NAMES, PRESET_NAMES, type PresetName } from '../../model';
import {
  checkModelDocument,
  checkPresetParams,
  DERIVED_PLACEHOLDER,
  paramGroups,
  paramKind,
  paramPlaceholder,
  presetDocument,
  presetError,
  presetOf,
  withoutParams,
  withParam,
} from './modelSettings';
import { createJsonData, deepFreeze, UNKNOWN_DEPENDENCY_DOCUMENT } from './testUtils';

describe('parameters', () => {
  it('offers every parameter of the model exactly once, grouped by kind', () => {
    const groups = paramGroups();
    expect(groups.map((group) => group.kind)).toEqual(['count', 'job', 'threshold']);
    expect(groups.flatMap((group) => group.rows.flat()).sort()).toEqual([...PARAM_NAMES].sort());
  });

  it('pairs each warning threshold with its critical level', () => {
    const thresholds = paramGroups().find((group) => group.kind === 'threshold');
    expect(thresholds?.rows).toContainEqual(['cpuWarning', 'cpuCritical']);
    expect(thresholds?.rows.every((row) => row.length === 2)).toBe(true);
  });

  it.each([
    ['managers', 'count', DERIVED_PLACEHOLDER],
    ['consulServers', 'count', DERIVED_PLACEHOLDER],
    ['nodeJob', 'job', DEFAULT_PARAMS.nodeJob],
    ['cpuWarning', 'threshold', String(DEFAULT_PARAMS.cpuWarning)],
    ['loadPerCoreWarning', 'threshold', String(DEFAULT_PARAMS.loadPerCoreWarning)],
  ])('%s is a %s parameter, empty means %s', (name, kind, placeholder) => {
    expect(paramKind(name)).toBe(kind);
    expect(paramPlaceholder(name)).toBe(placeholder);
  });

  it.each([
    ['a valid value', { managers: '3' }, {}, []],
    ['no value', {}, {}, []],
    ['a word for a count', { managers: 'three' }, { managers: 'expected a positive integer, got "three"' }, []],
    ['a zero count', { hosts: '0' }, { hosts: 'expected a positive integer, got "0"' }, []],
    [
      'a job name with a space',
      { nodeJob: 'node exporter' },
      { nodeJob: 'expected a job name (letters, digits, _ . : / -), got "node exporter"' },
      [],
    ],
    [
      'a warning level above the critical one',
      { cpuWarning: '99' },
      { cpuWarning: '99 is above cpuCritical 95: warning must come first' },
      [],
    ],
    ['a parameter the model does not know', { manager: '3' }, {}, ['manager']],
  ])('%s: errors at their fields', (_, params, byParam, unknown) => {
    const check = checkPresetParams(deepFreeze(params));
    expect(check.byParam).toEqual(byParam);
    expect(check.unknown).toEqual(unknown);
    expect(check.other).toHaveLength(unknown.length);
  });

  it.each([
    ['sets a parameter', { hosts: '4' }, 'managers', '3', { hosts: '4', managers: '3' }],
    ['replaces a parameter', { managers: '3' }, 'managers', '5', { managers: '5' }],
    ['removes an emptied parameter', { managers: '3', hosts: '4' }, 'managers', '', { hosts: '4' }],
    ['removes a blank parameter', { managers: '3' }, 'managers', '  ', {}],
  ])('%s without mutating the parameters', (_, params, name, value, expected) => {
    expect(withParam(deepFreeze(params), name, value)).toEqual(expected);
  });

  it('removes several parameters at once', () => {
    expect(withoutParams(deepFreeze({ a: '1', b: '2', managers: '3' }), ['a', 'b'])).toEqual({ managers: '3' });
  });
});

describe('preset', () => {
  it('falls back to the first preset and says why when the stored one is unknown', () => {
    // As stored by hand or by another version: not one of the preset names.
    const jsonData = createJsonData({ preset: 'swarm-classic' as unknown as PresetName });
    expect(presetOf(jsonData)).toBe(PRESET_NAMES[0]);
    expect(presetError(jsonData)).toBe(`unknown preset "swarm-classic" (known: ${PRESET_NAMES.join(', ')})`);
  });

  it.each(PRESET_NAMES)('%s is kept as chosen', (preset) => {
    expect(presetOf(createJsonData({ preset }))).toBe(preset);
    expect(presetError(createJsonData({ preset }))).toBeUndefined();
  });
});

describe('model document', () => {
  it.each(PRESET_NAMES)('the YAML of %s is a valid model document', (preset) => {
    const document = presetDocument(preset, deepFreeze({ managers: '3', nodeJob: 'hosts' }));
    expect(document.errors).toBeUndefined();
    const text = document.text ?? '';
    expect(checkModelDocument(text).errors).toEqual([]);
    expect(text).toMatch(new RegExp(`^# .*preset ${preset} with managers=3 nodeJob=hosts\\.\\n`));
    // Written out in full: no YAML anchors or aliases, no folded PromQL.
    expect(text).not.toMatch(/[&*]a\d+\b/);
    expect(parse(text)).toHaveProperty('components');
  });

  it('has no YAML while the parameters are invalid', () => {
    expect(presetDocument('swarm-mode', { managers: 'three' })).toEqual({
      errors: ['managers: expected a positive integer, got "three"'],
    });
  });

  it.each([
    ['an empty document', '', ['the model document is empty']],
    [
      'broken YAML',
      'jobs: [\n  - node\ncomponents: []\n',
      [
        'line 2, column 3: Block collections are not allowed within flow collections',
        'line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    ['an unknown dependency', UNKNOWN_DEPENDENCY_DOCUMENT, ['components[2].dependsOn[0]: unknown component "consul"']],
  ])('%s: path-precise errors', (_, text, errors) => {
    expect(checkModelDocument(text)).toEqual({ errors, componentIds: [] });
  });

  it('names the components of a valid document', () => {
    const valid = UNKNOWN_DEPENDENCY_DOCUMENT.replace('dependsOn: [consul]', 'dependsOn: [b]');
    expect(checkModelDocument(valid)).toEqual({ errors: [], componentIds: ['a', 'b', 'c'] });
  });
});
