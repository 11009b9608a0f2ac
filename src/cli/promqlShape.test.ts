/**
 * @jest-environment node
 */
import { judgeShape, substituteVariables } from './promqlShape';

describe('judgeShape', () => {
  it.each([
    ['sum(rate(node_cpu_seconds_total[5m]))', 'bounded'],
    ['sum by (mode) (rate(node_cpu_seconds_total[5m]))', 'bounded'],
    ['sum(rate(node_cpu_seconds_total[5m])) by (job)', 'bounded'],
    ['count(node_cpu_seconds_total)', 'bounded'],
    ['topk(5, node_filesystem_avail_bytes)', 'bounded'],
    ['topk(6, node_filesystem_avail_bytes)', 'bounded'],
    ['bottomk(3, up)', 'bounded'],
    ['quantile(0.9, up)', 'bounded'],
    ['count_values("version", node_exporter_build_info)', 'bounded'],
    ['group(up)', 'bounded'],
    ['sum(x) / 1024', 'bounded'],
    ['sum(x) / sum(y)', 'bounded'],
    ['(1 - avg(rate(x[1m]))) * 100', 'bounded'],
    ['-sum(x) offset 5m', 'bounded'],
    ['histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))', 'bounded'],
    ['label_replace(sum(x), "a", "b", "c", "d")', 'bounded'],
    ['vector(1)', 'bounded'],
    ['absent(up{job="node"})', 'bounded'],
    ['max_over_time(sum(up)[1h:1m])', 'bounded'],
    ['time()', 'scalar'],
    ['42', 'scalar'],
    ['rate(node_cpu_seconds_total[5m])', 'unbounded'],
    ['up', 'unbounded'],
    ['{job="node"}', 'unbounded'],
    ['sum by (instance) (rate(node_cpu_seconds_total[5m]))', 'unbounded'],
    ['sum by (job, pod) (x)', 'unbounded'],
    ['sum without (cpu) (rate(node_cpu_seconds_total[5m]))', 'unbounded'],
    ['topk(20, node_filesystem_avail_bytes)', 'unbounded'],
    ['topk(5, x) by (instance)', 'unbounded'],
    ['limit_ratio(0.5, up)', 'unbounded'],
    ['histogram_quantile(0.9, rate(x_bucket[5m]))', 'unbounded'],
    ['x / 1024', 'unbounded'],
    ['sum(x) / x', 'unbounded'],
    ['up and on() vector(1)', 'unbounded'],
    ['sum(x) or up', 'unbounded'],
    ['sum(up) unless up', 'bounded'],
  ])('%s: %s', (expr, kind) => {
    expect(judgeShape(expr).kind).toBe(kind);
  });

  it.each([
    ['rate(node_cpu_seconds_total[5m])', 'no aggregation: one series per node_cpu_seconds_total series'],
    ['sum by (instance) (x)', 'sum by (instance): one series per instance'],
    ['topk(20, x)', 'topk(20, …): 20 series (at most 6)'],
    ['sum without (cpu) (x)', 'sum without (cpu) keeps every other label'],
  ])('says why %s is unbounded', (expr, reason) => {
    const shape = judgeShape(expr);
    expect(shape.kind === 'unbounded' && shape.reason).toContain(reason);
  });

  it.each(['sum(', 'rate(x[5m]', 'x +', 'sum by (instance (x)', ''])('%j is invalid', (expr) => {
    expect(judgeShape(expr).kind).toBe('invalid');
  });
});

describe('substituteVariables', () => {
  it.each([
    ['rate(x[$__rate_interval])', 'rate(x[5m])', []],
    ['rate(x[$__interval])', 'rate(x[5m])', []],
    ['increase(x[$__range])', 'increase(x[5m])', []],
    ['rate(x[${window}])', 'rate(x[5m])', []],
    ['rate(x[[[window]]])', 'rate(x[5m])', []],
    ['up{instance=~"$node"}', 'up{instance=~".*"}', []],
    ['up{instance=~"${node:regex}|[[other]]"}', 'up{instance=~".*|.*"}', []],
    ['x offset $shift', 'x offset 5m', []],
    ['x / $__range_s', 'x / 60', []],
    ['topk($k, x)', 'topk(__grafana_var_k, x)', ['k']],
    ['sum(x) > ${threshold}', 'sum(x) > __grafana_var_threshold', ['threshold']],
    ['sum by ($group) (x)', 'sum by (__grafana_var_group) (x)', ['group']],
    ['up{job="\\"$job\\""}', 'up{job="\\".*\\""}', []],
  ])('%s', (expr, text, freeVariables) => {
    expect(substituteVariables(expr)).toEqual({ text, freeVariables });
  });

  it.each([
    ['sum(rate(x{instance=~"$node"}[$__rate_interval]))', 'bounded'],
    ['rate(x{instance=~"$node"}[$__rate_interval])', 'unbounded'],
    ['topk($k, x)', 'bounded'],
    ['sum(x) > $threshold', 'bounded'],
    ['x > $threshold', 'unbounded'],
  ])('%s parses after substitution: %s', (expr, kind) => {
    expect(judgeShape(substituteVariables(expr).text).kind).toBe(kind);
  });
});
