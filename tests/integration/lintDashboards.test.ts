import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNodeExporter, startPrometheus, type NodeExporterHandle, type PrometheusHandle } from '../harness';
import { panopticon, ROOT } from './runCli';

/**
 * `panopticon lint-dashboards`, the real CLI: statically on the fixture dashboards, and live against a
 * real Prometheus scraping a real node_exporter (node_cpu_seconds_total: 8 modes per core, always > 6).
 */
const FIXTURES = path.join(ROOT, 'tests/fixtures/dashboards');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

function graph(id: number, title: string, expr: string) {
  return { id, type: 'timeseries', title, targets: [{ refId: 'A', expr }] };
}

describe('panopticon lint-dashboards on the fixtures', () => {
  it.each([
    ['seven-graphs.json', 1, ['too-many-graphs  dashboard "Seven graphs": 7 graphs (at most 6): split the dashboard']],
    [
      'unbounded.json',
      1,
      [
        'unbounded-query  panel "CPU per core" (id 1): query A: no aggregation',
        'unbounded-query  panel "Memory by instance" (id 2): query A: sum by (instance): one series per instance',
      ],
    ],
    ['good.json', 0, ['good.json: dashboard "Good": ok, 5 graphs', '1 dashboard, 5 graphs, 0 findings']],
  ])('%s: exit %d', async (file, code, lines) => {
    const run = await panopticon(['lint-dashboards', path.join('tests/fixtures/dashboards', file)]);
    expect(run.stderr).toBe('');
    for (const line of lines) {
      expect(run.stdout).toContain(line);
    }
    expect(run.code).toBe(code);
  });

  it('walks a directory and answers JSON', async () => {
    const run = await panopticon(['lint-dashboards', FIXTURES, '--json']);
    const json = JSON.parse(run.stdout) as {
      findings: Array<{ file: string; rule: string; panel: { title: string } | null }>;
      summary: Record<string, number>;
    };
    expect(json.summary).toEqual({ dashboards: 3, graphs: 15, findings: 3, notChecked: 0 });
    expect(json.findings.map((f) => `${path.basename(f.file)} ${f.rule} ${f.panel?.title ?? '-'}`)).toEqual([
      'seven-graphs.json too-many-graphs -',
      'unbounded.json unbounded-query CPU per core',
      'unbounded.json unbounded-query Memory by instance',
    ]);
    expect(run.code).toBe(1);
  });

  it.each([
    [['lint-dashboards'], /expected at least one PATH/],
    [['lint-dashboards', 'package.json'], /package\.json: not a Grafana dashboard/],
    [['lint-dashboards', 'no-such-dir'], /cannot read no-such-dir/],
    [['lint-dashboards', FIXTURES, '--prometheus', 'localhost:9090'], /expected an http\(s\) URL/],
    [['lint-dashboards', FIXTURES, '--bogus'], /Unknown option '--bogus'/],
  ])('%j: exit 3', async (args, message) => {
    const run = await panopticon(args);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(3);
  });

  it('--prometheus at a closed port: exit 3, says so', async () => {
    const port = await closedPort();
    const run = await panopticon(['lint-dashboards', FIXTURES, '--prometheus', `http://127.0.0.1:${port}`]);
    expect(run.stderr).toContain(`cannot reach Prometheus at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(3);
  });
});

describe('panopticon lint-dashboards --prometheus against a real Prometheus', () => {
  let prometheus: PrometheusHandle;
  let nodeExporter: NodeExporterHandle;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lint-dashboards-'));
    nodeExporter = await startNodeExporter();
    prometheus = await startPrometheus({
      scrapeConfigs: [{ job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] }],
      scrapeInterval: '1s',
    });
    // Several scrapes, so that a whole second in the past (`--time`) has the series too.
    await prometheus.waitForQuery('count_over_time(up{job="node"}[1m]) >= 3', (samples) => samples.length > 0, {
      timeoutMs: 60_000,
      what: 'three scrapes of node_exporter',
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, dashboard: unknown): string {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(dashboard));
    return file;
  }

  it('counts the series of each graph at --time: raw node_cpu_seconds_total is too many, count() is one', async () => {
    const file = write('live.json', {
      title: 'Live',
      panels: [
        graph(1, 'All CPU counters', 'node_cpu_seconds_total{job="node"}'),
        graph(2, 'CPU counters', 'count(node_cpu_seconds_total{job="node"})'),
        graph(3, 'Broken at runtime', 'node_cpu_seconds_total{job="node"} / on() node_load1'),
      ],
    });
    const time = Math.floor(Date.now() / 1000);
    const expected = (await prometheus.query('count(node_cpu_seconds_total{job="node"})'))[0]?.value[1];
    const run = await panopticon([
      'lint-dashboards',
      file,
      '--prometheus',
      prometheus.url,
      '--time',
      String(time),
      '--json',
    ]);
    const json = JSON.parse(run.stdout) as {
      findings: Array<{ rule: string; panel: { title: string }; message: string }>;
    };
    const live = json.findings.filter((f) => f.rule === 'too-many-series' || f.rule === 'query-failed');
    expect(live.map((f) => `${f.panel.title}: ${f.rule}`)).toEqual([
      'All CPU counters: too-many-series',
      'Broken at runtime: query-failed',
    ]);
    expect(live[0]?.message).toBe(
      `${expected} series at ${new Date(time * 1000).toISOString()} (at most 6): A ${expected}`
    );
    expect(live[1]?.message).toMatch(/^query A: Prometheus error: /);
    expect(run.code).toBe(1);
  });

  it('a dashboard whose graphs stay within six series: exit 0', async () => {
    const file = write('calm.json', {
      dashboard: {
        title: 'Calm',
        panels: [
          graph(1, 'CPU counters', 'count(node_cpu_seconds_total)'),
          graph(2, 'Busy', 'sum by (mode) (rate(node_cpu_seconds_total{mode=~"user|system"}[$__rate_interval]))'),
        ],
      },
    });
    const run = await panopticon(['lint-dashboards', file, '--prometheus', prometheus.url]);
    expect(run.stdout).toContain('1 dashboard, 2 graphs, 0 findings');
    expect(run.code).toBe(0);
  });

  it('a URL that is not Prometheus: exit 3 before any finding', async () => {
    const run = await panopticon(['lint-dashboards', FIXTURES, '--prometheus', `${prometheus.url}/nothing-here`]);
    expect(run.stderr).toMatch(/Prometheus at .* answered HTTP 404 without JSON/);
    expect(run.code).toBe(3);
  });
});
