import {
  startRecordedEngines,
  startNodeExporter,
  startPrometheus,
  type MetricsFileServer,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
} from '../harness';
import { calmHostArgs } from '../calmHosts';
import { panopticon } from './runCli';
import { judgeThreshold } from '../../src/model/rules';
import { DEFAULT_PARAMS } from '../../src/model/presets';
import type { StatusJson } from '../../src/cli/format';

/**
 * The CLI against a real Prometheus scraping a real node_exporter and the real engine captures of a
 * healthy three-manager Swarm (served as files, one target per manager). Faults are real scrape
 * failures: a capture's server answers 500, so Prometheus records `up == 0` for that manager.
 */

function component(json: StatusJson, id: string) {
  const found = json.components.find((c) => c.id === id);
  if (!found) {
    throw new Error(`no component ${id} in ${JSON.stringify(json)}`);
  }
  return found;
}

// The same scenarios on both PromQL engines: the planned query must mean the same on VictoriaMetrics.
// VictoriaMetrics has no prometheus_* metrics of its own, so there the `prometheus` job is not scraped.
describe.each(['prometheus', 'victoriametrics'] as const)('panopticon status against a real %s', (engine) => {
  let prometheus: PrometheusHandle;
  let nodeExporter: NodeExporterHandle;
  const engines: MetricsFileServer[] = [];

  beforeAll(async () => {
    nodeExporter = await startNodeExporter();
    engines.push(...(await startRecordedEngines()));
    const scrapeConfigs = (self?: string): ScrapeConfig[] => [
      { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
      { job_name: 'docker', static_configs: [{ targets: engines.map((engine) => engine.address) }] },
      ...(self ? [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }] : []),
    ];
    prometheus = await startPrometheus({ scrapeConfigs: scrapeConfigs(), scrapeInterval: '1s', engine });
    if (engine === 'prometheus') {
      await prometheus.reload(scrapeConfigs(new URL(prometheus.url).host));
      await prometheus.waitForTargets({ job: 'prometheus', health: 'up', count: 1 });
    }
    await liveEngines(3);
    // rate() needs two samples of every CPU counter in its window before the hosts' CPU check has a value,
    // also at an instant a second in the past (the first test evaluates at a whole second).
    await prometheus.waitForQuery('count_over_time(up{job="node"}[2m]) >= 4', (samples) => samples.length > 0, {
      what: 'four scrapes of node_exporter',
    });
  });

  /**
   * Waits until the engine's answers show `count` engines up. The query API, not the target list:
   * VictoriaMetrics makes new samples queryable seconds after the scrape.
   */
  async function liveEngines(count: number) {
    await prometheus.waitForQuery(
      'up{job="docker"}',
      (samples) => samples.length === 3 && samples.filter((s) => s.value[1] === '1').length === count,
      { timeoutMs: 60_000, what: `${count} of 3 engines up` }
    );
  }

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await Promise.all(engines.map((engine) => engine.stop()));
  });

  // This machine's own state is not under test in the Swarm scenarios (the CPU test checks the hosts'
  // verdict against an independent computation): out of reach thresholds keep it from propagating.
  const CALM_HOSTS = calmHostArgs();

  async function status(extra: string[] = [], hostThresholds: string[] = CALM_HOSTS) {
    const run = await panopticon([
      'status',
      '--prometheus',
      prometheus.url,
      '--preset',
      'swarm-mode',
      '--json',
      ...hostThresholds,
      ...extra,
    ]);
    expect(run.stderr).toBe('');
    return { ...run, json: JSON.parse(run.stdout) as StatusJson };
  }

  it('reports a healthy Swarm, with the components it cannot see as unknown, and the exact JSON contract', async () => {
    const time = Math.floor(Date.now() / 1000);
    const { code, json } = await status(['--time', String(time)]);

    expect(Object.keys(json).sort()).toEqual(['components', 'evaluatedAt', 'reason', 'rootCause', 'status']);
    expect(json.evaluatedAt).toBe(new Date(time * 1000).toISOString());
    for (const c of json.components) {
      expect(c).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          name: expect.any(String),
          status: expect.any(String),
          critical: expect.any(Boolean),
          reason: expect.any(String),
        })
      );
      expect(c).toHaveProperty('rootCause');
    }
    expect(json.components.map((c) => c.id)).toEqual([
      'prometheus',
      'hosts',
      'docker',
      'swarm',
      'services',
      'gluster',
      'weave',
    ]);

    expect(component(json, 'swarm')).toMatchObject({
      status: 'ok',
      live: 3,
      expected: 3,
      impacted: false,
      rootCause: null,
    });
    expect(component(json, 'swarm').reason).toContain('3/3 managers');
    expect(component(json, 'swarm').reason).toContain(`Raft leader: one leader: ${engines[0]?.address}`);
    expect(component(json, 'docker')).toMatchObject({ status: 'ok', live: 3, expected: 3, impacted: false });
    expect(component(json, 'prometheus').status).toBe(engine === 'prometheus' ? 'ok' : 'unknown');
    // No gluster_exporter and no Weave router are scraped here: unknown with the hint, never ok.
    expect(component(json, 'gluster')).toMatchObject({ status: 'unknown' });
    expect(component(json, 'gluster').reason).toContain(
      'no series up{job="gluster"}: is gluster_exporter scraped under job gluster?'
    );
    expect(component(json, 'weave').status).toBe('unknown');
    expect(component(json, 'hosts').status).not.toBe('unknown');
    expect(json).toMatchObject({ status: 'warning', rootCause: engine === 'prometheus' ? 'gluster' : 'prometheus' });
    expect(code).toBe(1);
  });

  it("judges this machine's CPU as Prometheus sees it at that instant, and propagates it capped at warning", async () => {
    const time = Math.floor(Date.now() / 1000);
    const { json } = await status(['--time', String(time)], []);
    const cpu = await prometheus.queryRaw(
      `100 * (1 - avg(rate(node_cpu_seconds_total{job="node",mode="idle"}[2m])))`,
      time
    );
    if (cpu.resultType !== 'vector' || !cpu.result[0]) {
      throw new Error('no CPU value');
    }
    const busy = Number(cpu.result[0].value[1]);
    const cpuStatus = judgeThreshold({
      value: busy,
      warning: DEFAULT_PARAMS.cpuWarning,
      critical: DEFAULT_PARAMS.cpuCritical,
    });
    const hosts = component(json, 'hosts');
    if (cpuStatus === 'ok') {
      // A CPU that is fine is not among the hosts' problems (its load may be: that is another check).
      expect(hosts.reason).not.toMatch(/CPU busy [\d.]+%/);
      if (hosts.status === 'ok') {
        expect(hosts.reason).toMatch(/^1\/1 hosts .*; CPU busy: worst [\d.]+% on 127\.0\.0\.1/);
      }
    } else {
      // A hot host is a symptom for everything running on it, capped at warning by the dependency edge.
      expect(hosts.reason).toMatch(/CPU busy [\d.]+% on 127\.0\.0\.1/);
      expect(component(json, 'docker')).toMatchObject({ impacted: true, status: 'warning', rootCause: 'hosts' });
    }
  });

  it('prints a table with the cluster line first', async () => {
    const run = await panopticon(['status', '--prometheus', prometheus.url, '--preset', 'swarm-mode', ...CALM_HOSTS]);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^CLUSTER (WARNING|CRITICAL) - /);
    expect(run.stdout).toMatch(/^swarm\s+OK\s+yes\s+.*3\/3 managers/m);
    expect(run.stdout).toMatch(/^gluster\s+UNKNOWN\s+yes/m);
  });

  it('names the lost manager when one follower stops answering: degraded quorum, orange', async () => {
    const follower = engines[2];
    if (!follower) {
      throw new Error('missing engine');
    }
    follower.fail(500);
    try {
      await liveEngines(2);
      const { code, json } = await status();
      // The engine's metrics endpoint is the member: its failure is an engine down, the deeper cause.
      expect(component(json, 'swarm')).toMatchObject({ status: 'warning', live: 2, expected: 3, rootCause: 'docker' });
      expect(component(json, 'swarm').reason).toContain(
        `2/3 managers, no further failure tolerated; down: ${follower.address}`
      );
      expect(component(json, 'docker')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(code).toBeGreaterThanOrEqual(1);
    } finally {
      follower.recover();
      await liveEngines(3);
    }
  });

  it('loses quorum with two of three managers gone: red, exit 2, even with a leader still exporting 1', async () => {
    const [, second, third] = engines;
    if (!second || !third) {
      throw new Error('missing engines');
    }
    second.fail(500);
    third.fail(500);
    try {
      await liveEngines(1);
      const { code, json } = await status();
      expect(component(json, 'swarm').status).toBe('critical');
      expect(component(json, 'swarm').reason).toContain('1/3 managers: no quorum (2 needed)');
      expect(json.status).toBe('critical');
      expect(component(json, 'docker')).toMatchObject({ status: 'critical', live: 1, expected: 3 });
      expect(json.rootCause).toBe('docker');
      expect(code).toBe(2);
    } finally {
      second.recover();
      third.recover();
      await liveEngines(3);
    }
  });

  it('pins expectations from --param and says when a model cannot be judged', async () => {
    const { json } = await status(['--param', 'managers=5']);
    expect(component(json, 'swarm')).toMatchObject({ status: 'warning', live: 3, expected: 5 });
    expect(component(json, 'swarm').reason).toContain('3/5 managers, no further failure tolerated');
  });

  it('reads jobs from parameters: an unscraped job is unknown, not ok', async () => {
    const { json } = await status(['--param', 'dockerJob=engines']);
    expect(component(json, 'docker').status).toBe('unknown');
    expect(component(json, 'swarm').status).toBe('unknown');
    expect(component(json, 'docker').reason).toContain('no series up{job="engines"}');
  });

  it('answers a Prometheus error with exit 3 and the error, never a stack trace', async () => {
    const run = await panopticon([
      'status',
      '--prometheus',
      `${prometheus.url}/not-prometheus`,
      '--preset',
      'swarm-mode',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Prometheus at .* answered HTTP 4\d\d without JSON|Prometheus error/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
