/**
 * The BUILT datasource (dist/datasource/module.js) in Chromium, through the data proxy, against a real
 * Prometheus – and the same against VictoriaMetrics – scraping a real single-manager Docker Swarm
 * (discovered with dockerswarm_sd_configs) and a real node_exporter: every query type, the health
 * check's words, variables, and the number of HTTP requests per refresh.
 */
import {
  startNodeExporter,
  startPrometheus,
  startSwarm,
  swarmNodesScrapeConfig,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  type SwarmHandle,
} from '../harness';
import { openHost, type HostPage } from './browser';
import { buildHost } from './buildHost';
import { CALM_HOSTS, frameNamed, rows } from './frames';
import { ensurePluginBuilt } from './plugin';
import { startHostServer, type HostServer } from './server';

const UID = 'panopticon';

interface DatasourceMethods {
  testDatasource(): Promise<{ status: string; message: string }>;
  metricFindQuery(query: string): Promise<Array<{ text: string; value?: string | number }>>;
}

describe.each(['prometheus', 'victoriametrics'] as const)('the built datasource in Chromium on %s', (engine) => {
  let swarm: SwarmHandle | undefined;
  let nodeExporter: NodeExporterHandle | undefined;
  let prometheus: PrometheusHandle | undefined;
  let server: HostServer | undefined;
  let host: HostPage;

  beforeAll(async () => {
    const dist = ensurePluginBuilt();
    const hostBuild = dist.then(() => buildHost());
    swarm = await startSwarm({ managers: 1 });
    nodeExporter = await startNodeExporter();
    const scrapeConfigs = (self?: string): ScrapeConfig[] => [
      { job_name: 'node', static_configs: [{ targets: [nodeExporter?.address ?? ''] }] },
      swarmNodesScrapeConfig('docker', swarm as SwarmHandle),
      ...(self ? [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }] : []),
    ];
    prometheus = await startPrometheus({ scrapeConfigs: scrapeConfigs(), scrapeInterval: '1s', engine });
    if (engine === 'prometheus') {
      await prometheus.reload(scrapeConfigs(new URL(prometheus.url).host));
    }
    // Waits on the query API, not the target list: VictoriaMetrics makes samples queryable seconds later.
    await prometheus.waitForQuery('up{job="docker"} == 1', (samples) => samples.length === 1, {
      timeoutMs: 60_000,
      what: 'the engine scraped',
    });
    await prometheus.waitForQuery('count_over_time(up{job="node"}[2m]) >= 4', (samples) => samples.length > 0, {
      what: 'four scrapes of node_exporter',
    });
    server = await startHostServer({ host: await hostBuild, datasources: { [UID]: prometheus.url } });
    host = await openHost({ serverUrl: server.url, theme: 'light' });
    await host.createDatasource({ uid: UID, jsonData: { preset: 'swarm-mode', presetParams: CALM_HOSTS } });
  }, 300_000);

  afterAll(async () => {
    await host?.close();
    await server?.stop();
    await prometheus?.stop();
    await nodeExporter?.stop();
    await swarm?.stop();
  }, 120_000);

  afterEach(() => host?.assertNoBrowserErrors());

  async function refresh(
    targets: Array<Record<string, unknown> & { refId: string }>,
    range = { from: 'now-5m', to: 'now' },
    intervalMs?: number
  ) {
    server?.resetProxyLog();
    const result = await host.query(UID, { targets, range, ...(intervalMs ? { intervalMs } : {}) });
    expect(result.thrown).toBeUndefined();
    return { ...result, requests: server?.proxyCount(UID) ?? -1 };
  }

  it('answers status and component targets together with ONE request per refresh', async () => {
    const result = await refresh([
      { refId: 'A', queryType: 'status' },
      { refId: 'B', queryType: 'status' },
      { refId: 'C', queryType: 'component', component: 'swarm' },
    ]);
    expect(result.requests).toBe(1);
    expect(result.errors).toEqual([]);
    const components = rows(frameNamed(result.frames, 'components'));
    const swarmRow = components.find((c) => c.id === 'swarm');
    expect(swarmRow).toMatchObject({ status: 'ok', live: 1, expected: 1, impacted: false, dependsOn: 'docker' });
    expect(components.find((c) => c.id === 'docker')).toMatchObject({ status: 'ok', live: 1, expected: 1 });
    expect(components.find((c) => c.id === 'gluster')).toMatchObject({ status: 'unknown' });
    expect(rows(frameNamed(result.frames, 'cluster'))[0]).toMatchObject({ status: 'warning' });

    const checks = rows(result.frames.find((f) => f.name === 'checks' && f.refId === 'C'));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['managers', 'ok'],
      ['leader', 'ok'],
      ['nodes', 'ok'],
    ]);
    const instances = rows(result.frames.find((f) => f.name === 'instances' && f.refId === 'C'));
    expect(instances).toEqual([{ instance: swarm?.engines[0]?.metricsAddress, job: 'docker', up: 'ok' }]);
  });

  it('draws the statuses over the range from ONE range query, for State timeline', async () => {
    // One-second steps, so the last step is within a second of the newest samples.
    const result = await refresh([{ refId: 'T', queryType: 'timeline' }], { from: 'now-2m', to: 'now' }, 1000);
    expect(result.requests).toBe(1);
    const timeline = frameNamed(result.frames, 'timeline');
    expect(timeline.fields.map((f) => f.name)).toEqual([
      'time',
      'cluster',
      'prometheus',
      'hosts',
      'docker',
      'swarm',
      'services',
      'gluster',
      'weave',
    ]);
    const points = rows(timeline);
    expect(points.length).toBeGreaterThan(100);
    // Before the engine was first scraped the swarm is unknown, never ok; for the first seconds it is impacted
    // (warning) by hosts whose CPU rate has no two samples yet; from then on it is ok. Gluster is never observed.
    expect(points.map((p) => p.swarm).join(' ')).toMatch(/^(unknown )+(warning )*ok( ok)*$/);
    expect(points[points.length - 1]).toMatchObject({ swarm: 'ok', docker: 'ok', gluster: 'unknown' });
    expect(points.every((p) => p.gluster === 'unknown')).toBe(true);
  });

  it('passes PromQL through with a multi-value variable escaped as a regex', async () => {
    await host.setVariables([{ name: 'jobs', value: ['node', 'docker'], multi: true }]);
    // One-second steps: this Prometheus is seconds old, 15 s steps may all lie before its first scrape.
    const result = await refresh(
      [{ refId: 'P', queryType: 'promql', expr: 'up{job=~"$jobs"}', legendFormat: '{{job}}' }],
      { from: 'now-1m', to: 'now' },
      1000
    );
    expect(result.requests).toBe(1);
    expect(result.errors).toEqual([]);
    expect(result.frames.map((f) => f.name).sort()).toEqual(['docker', 'node']);
  });

  it('keeps a hostile variable value inside its label matcher', async () => {
    await host.setVariables([{ name: 'job', value: 'node"} or vector(1) or up{job="' }]);
    const result = await refresh([{ refId: 'P', queryType: 'promql', expr: 'up{job="$job"}' }]);
    expect(result.errors).toEqual([]);
    // Escaped, the value is one (non-existent) job name: no series, and certainly not vector(1).
    expect(result.frames).toEqual([]);
  });

  it('finds variable values: components and the instances of a component', async () => {
    const components = await host.call(
      'components()',
      (uid) => (window.panopticonHost.getDatasource(uid) as DatasourceMethods).metricFindQuery('components()'),
      UID
    );
    expect(components.map((c) => c.value)).toEqual([
      'prometheus',
      'hosts',
      'docker',
      'swarm',
      'services',
      'gluster',
      'weave',
    ]);
    const instances = await host.call(
      'instances(docker)',
      (uid) => (window.panopticonHost.getDatasource(uid) as DatasourceMethods).metricFindQuery('instances(docker)'),
      UID
    );
    expect(instances).toEqual([{ text: swarm?.engines[0]?.metricsAddress, value: swarm?.engines[0]?.metricsAddress }]);
  });

  it('checks its health: version, and what is missing with what to do', async () => {
    const health = await host.call(
      'testDatasource',
      (uid) => (window.panopticonHost.getDatasource(uid) as DatasourceMethods).testDatasource(),
      UID
    );
    expect(health.status).toBe('warning');
    expect(health.message).toMatch(/: \d of 7 components observed\./);
    expect(health.message).toContain(
      'gluster: no series up{job="gluster"}: is gluster_exporter scraped under job gluster?'
    );
    expect(health.message).toContain(
      'weave: no series up{job="weave"}: is the Weave Net routers\' metrics endpoint scraped under job weave?'
    );
    if (engine === 'prometheus') {
      expect(health.message).toMatch(/^Prometheus 2\.42\.\d/);
      expect(health.message).not.toContain('prometheus: ');
    } else {
      expect(health.message).toMatch(/^a Prometheus API \(version not reported\): /);
      expect(health.message).toContain('prometheus: no series up{job="prometheus"}');
    }
  });

  it('turns red through the browser when the engine dies, with one request per refresh', async () => {
    await swarm?.stopEngine(0);
    // Wait for the data, not the target list: VictoriaMetrics makes new samples queryable seconds later.
    await prometheus?.waitForQuery('up{job="docker"} == 0', (samples) => samples.length === 1, {
      timeoutMs: 60_000,
      what: 'the dead engine recorded as down',
    });
    const result = await refresh([{ refId: 'A' }]);
    expect(result.requests).toBe(1);
    const components = rows(frameNamed(result.frames, 'components'));
    expect(components.find((c) => c.id === 'docker')).toMatchObject({
      status: 'critical',
      live: 0,
      rootCause: 'docker',
    });
    expect(components.find((c) => c.id === 'swarm')).toMatchObject({
      status: 'critical',
      impacted: true,
      rootCause: 'docker',
    });
    expect(rows(frameNamed(result.frames, 'cluster'))[0]).toMatchObject({ status: 'critical', rootCause: 'docker' });
  }, 120_000);
});
