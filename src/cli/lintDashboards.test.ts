/**
 * @jest-environment node
 */
import {
  flattenPanels,
  formatReport,
  judgeSeries,
  lintDashboard,
  parseDashboard,
  toLintJson,
  type DashboardLint,
} from './lintDashboards';

type Json = Record<string, unknown>;

const FILE = 'dash.json';
const TIME = Date.UTC(2026, 11, 4, 16);

/** A graph panel with neutral defaults: one bounded Prometheus query. */
function graph(overrides: Json = {}, exprs: string[] = ['sum(up)']): Json {
  return {
    type: 'timeseries',
    title: 'Graph',
    id: 1,
    datasource: { type: 'prometheus', uid: 'prom' },
    targets: exprs.map((expr, index) => ({ refId: String.fromCharCode(65 + index), expr })),
    ...overrides,
  };
}

function graphs(count: number): Json[] {
  return Array.from({ length: count }, (_, index) => graph({ id: index + 1, title: `Graph ${index + 1}` }));
}

function dashboard(panels: Json[], overrides: Json = {}): Json {
  return { title: 'Test', panels, ...overrides };
}

function lint(panels: Json[]): DashboardLint {
  return lintDashboard({ file: FILE, dashboard: dashboard(panels) });
}

function rules(result: DashboardLint): string[] {
  return result.findings.map((finding) => `${finding.panel?.title ?? 'dashboard'}: ${finding.rule}`);
}

describe('lintDashboard', () => {
  it.each<[string, Json[], number, string[]]>([
    ['6 graphs: ok', graphs(6), 6, []],
    ['7 graphs: too many', graphs(7), 7, ['dashboard: too-many-graphs']],
    [
      'stat, gauge, table, text, row do not count',
      [
        ...graphs(6),
        ...['stat', 'gauge', 'bargauge', 'table', 'text', 'row', 'news', 'dashlist', 'panopticon-status-panel'].map(
          (type) => graph({ type, title: type }, ['up'])
        ),
      ],
      6,
      [],
    ],
    [
      'every graph type counts',
      ['graph', 'barchart', 'heatmap', 'histogram', 'state-timeline', 'status-history', 'trend'].map((type) =>
        graph({ type, title: type })
      ),
      7,
      ['dashboard: too-many-graphs'],
    ],
    [
      'panels inside collapsed rows count',
      [...graphs(4), { type: 'row', title: 'Row', collapsed: true, panels: graphs(3) }],
      7,
      ['dashboard: too-many-graphs'],
    ],
    ['a graph with 7 queries', [graph({ title: 'Busy' }, Array(7).fill('sum(up)'))], 1, ['Busy: too-many-queries']],
    [
      'hidden queries do not count',
      [graph({ title: 'Busy', targets: [...Array(6).fill({ expr: 'sum(up)' }), { expr: 'up', hide: true }] })],
      1,
      [],
    ],
    [
      'rate() without aggregation',
      [graph({ title: 'CPU' }, ['rate(node_cpu_seconds_total[5m])'])],
      1,
      ['CPU: unbounded-query'],
    ],
    ['sum(rate(…))', [graph({ title: 'CPU' }, ['sum(rate(node_cpu_seconds_total[5m]))'])], 1, []],
    ['sum by (instance)', [graph({ title: 'CPU' }, ['sum by (instance) (rate(x[5m]))'])], 1, ['CPU: unbounded-query']],
    ['topk(5, …)', [graph({ title: 'Top' }, ['topk(5, node_filesystem_avail_bytes)'])], 1, []],
    ['topk(20, …)', [graph({ title: 'Top' }, ['topk(20, node_filesystem_avail_bytes)'])], 1, ['Top: unbounded-query']],
    [
      'template variables',
      [graph({ title: 'CPU' }, ['sum(rate(x{instance=~"$node"}[$__rate_interval])) / ${cores}'])],
      1,
      [],
    ],
    ['invalid PromQL', [graph({ title: 'Broken' }, ['sum(rate(x[5m])'])], 1, ['Broken: invalid-promql']],
    ['an unbounded stat is no graph', [graph({ type: 'stat' }, ['up'])], 0, []],
    [
      'non-Prometheus targets are skipped',
      [
        graph({ title: 'Logs', datasource: { type: 'loki', uid: 'l' } }, ['rate({job="x"}[5m])']),
        graph({ title: 'SQL', targets: [{ refId: 'A', rawSql: 'SELECT 1' }] }),
        graph({ title: 'Mixed', datasource: { type: 'datasource', uid: '-- Mixed --' } }, ['sum(up)']),
      ],
      3,
      [],
    ],
    ['a graph without targets', [graph({ targets: undefined })], 1, []],
  ])('%s', (_, panels, graphCount, expected) => {
    const result = lint(panels);
    expect(result.graphs).toHaveLength(graphCount);
    expect(rules(result)).toEqual(expected);
  });

  it('names file, dashboard, panel title and id, and says what to do', () => {
    const result = lint([graph({ id: 12, title: 'CPU per core' }, ['rate(node_cpu_seconds_total[5m])'])]);
    expect(result.findings).toEqual([
      {
        file: FILE,
        dashboard: 'Test',
        panel: { id: 12, title: 'CPU per core' },
        rule: 'unbounded-query',
        message:
          'query A: no aggregation: one series per node_cpu_seconds_total series; aggregate it (sum, avg, …) or ' +
          'use topk(≤6, …): rate(node_cpu_seconds_total[5m])',
      },
    ]);
    expect(lint(graphs(7)).findings[0]).toMatchObject({
      panel: null,
      rule: 'too-many-graphs',
      message: '7 graphs (at most 6): split the dashboard',
    });
  });

  it('reports library panels and repeated graphs as not checked', () => {
    const result = lint([
      { id: 3, title: 'Shared CPU', libraryPanel: { uid: 'abc', name: 'CPU' } },
      graph({ id: 4, title: 'Per node', repeat: 'node' }),
    ]);
    expect(result.graphs).toHaveLength(1);
    expect(result.findings).toEqual([]);
    expect(result.notChecked.map((note) => note.message)).toEqual([
      'library panel "CPU" (uid abc): not checked',
      'repeated for each value of $node: counted as one graph',
    ]);
  });

  it('keeps queries with an unknown variable from the live check', () => {
    const result = lint([graph({}, ['topk($k, up)', 'sum(rate(up[$__rate_interval]))'])]);
    expect(result.graphs[0]?.queries).toEqual([
      { refId: 'A', expr: 'topk(__grafana_var_k, up)', runnable: false },
      { refId: 'B', expr: 'sum(rate(up[5m]))', runnable: true },
    ]);
    expect(result.notChecked.map((note) => note.message)).toEqual([
      'query A not run against Prometheus: $k has no value here',
    ]);
  });
});

describe('flattenPanels', () => {
  it('walks nested rows and the pre-5.0 rows schema', () => {
    const nested = dashboard([graph({ id: 1 }), { type: 'row', id: 2, panels: [graph({ id: 3 })] }], {
      rows: [{ panels: [graph({ id: 4 })] }],
    });
    expect(flattenPanels(nested).map((panel) => panel.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('parseDashboard', () => {
  it.each<[string, string, boolean]>([
    ['a bare dashboard', JSON.stringify(dashboard(graphs(1))), true],
    ['the export wrapper', JSON.stringify({ dashboard: dashboard(graphs(1)), meta: { slug: 'x' } }), true],
    ['the pre-5.0 rows schema', JSON.stringify({ title: 'Old', rows: [] }), true],
    ['invalid JSON', '{ "panels": [', false],
    ['not a dashboard', JSON.stringify({ name: 'panopticon' }), false],
    ['an array', '[]', false],
  ])('%s', (_, text, ok) => {
    expect(parseDashboard(text).ok).toBe(ok);
  });

  it('says why', () => {
    expect(parseDashboard('{')).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid JSON/) });
    expect(parseDashboard('{}')).toEqual({
      ok: false,
      error: 'not a Grafana dashboard (no "panels" or "rows", nor a "dashboard" wrapping them)',
    });
  });
});

describe('judgeSeries', () => {
  const result = lint([graph({ title: 'CPU', id: 5 }, ['a', 'b'])]);
  const cpu = result.graphs[0];

  it.each<[string, Array<{ refId: string; series: number } | { refId: string; error: string }>, string[]]>([
    [
      '6 series: ok',
      [
        { refId: 'A', series: 5 },
        { refId: 'B', series: 1 },
      ],
      [],
    ],
    [
      '7 series in total',
      [
        { refId: 'A', series: 6 },
        { refId: 'B', series: 1 },
      ],
      ['too-many-series'],
    ],
    [
      'a failed query',
      [
        { refId: 'A', series: 1 },
        { refId: 'B', error: 'Prometheus error: bad_data: x' },
      ],
      ['query-failed'],
    ],
  ])('%s', (_, counts, expected) => {
    if (!cpu) {
      throw new Error('no graph');
    }
    expect(judgeSeries({ lint: result, graph: cpu, counts, time: TIME }).map((f) => f.rule)).toEqual(expected);
  });

  it('says how many series, when and from which queries', () => {
    if (!cpu) {
      throw new Error('no graph');
    }
    const [finding] = judgeSeries({
      lint: result,
      graph: cpu,
      counts: [
        { refId: 'A', series: 8 },
        { refId: 'B', series: 1 },
      ],
      time: TIME,
    });
    expect(finding).toEqual({
      file: FILE,
      dashboard: 'Test',
      panel: { id: 5, title: 'CPU' },
      rule: 'too-many-series',
      message: '9 series at 2026-12-04T16:00:00.000Z (at most 6): A 8, B 1',
    });
  });
});

describe('formatReport and toLintJson', () => {
  const bad = lint([graph({ id: 2, title: 'CPU' }, ['rate(x[5m])'])]);
  const good = lintDashboard({ file: 'good.json', dashboard: dashboard(graphs(2), { title: 'Good' }) });

  it('one line per finding, grouped by file, then the summary', () => {
    expect(formatReport([bad, good]).split('\n')).toEqual([
      'dash.json: dashboard "Test": 1 finding',
      expect.stringMatching(/^ {2}unbounded-query {2}panel "CPU" \(id 2\): query A: no aggregation/),
      'good.json: dashboard "Good": ok, 2 graphs',
      '2 dashboards, 3 graphs, 1 finding',
      '',
    ]);
  });

  it('JSON: the findings and the summary', () => {
    expect(toLintJson([bad, good])).toEqual({
      findings: bad.findings,
      notChecked: [],
      summary: { dashboards: 2, graphs: 3, findings: 1, notChecked: 0 },
    });
  });
});
