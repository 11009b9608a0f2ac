/**
 * Proves the real-service harness (tests/harness) against the real things: Prometheus scraping a
 * real node_exporter, real Docker engine captures served as if they were engines, a target made to
 * fail, and a real single-manager Docker Swarm scraped both statically and through
 * dockerswarm_sd_configs. Needs scripts/install-services.sh to have run; runs as root.
 *
 * Run: npx jest --selectProjects integration --runInBand tests/integration/harness.test.ts
 */
import * as fs from 'fs';
import * as path from 'path';

import {
  findOwnedProcesses,
  listProcesses,
  MetricsFileServer,
  NodeExporterHandle,
  PrometheusHandle,
  readProcess,
  startMetricsFileServer,
  startNodeExporter,
  startPrometheus,
  startSwarm,
  swarmNodesScrapeConfig,
  SwarmHandle,
  VectorSample,
} from '../harness';

const FIXTURES = path.join(__dirname, '../fixtures/docker');
const LEADER_CAPTURE = path.join(FIXTURES, 'docker-engine-3mgr-healthy-port9323.prom');
const FOLLOWER_CAPTURE = path.join(FIXTURES, 'docker-engine-3mgr-healthy-port9324.prom');

/** Numeric value of the only sample, or NaN when there is not exactly one. */
function single(samples: VectorSample[]): number {
  return samples.length === 1 && samples[0] ? Number(samples[0].value[1]) : NaN;
}

/** Value by instance label. */
function byInstance(samples: VectorSample[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [s.metric.instance ?? '?', Number(s.value[1])]));
}

describe('harness: Prometheus, node_exporter and file-served engine captures', () => {
  let prometheus: PrometheusHandle | undefined;
  let nodeExporter: NodeExporterHandle | undefined;
  let leader: MetricsFileServer | undefined;
  let follower: MetricsFileServer | undefined;

  /** Narrows the handles set up in beforeAll (a failed beforeAll already failed the tests). */
  function started(): {
    prometheus: PrometheusHandle;
    nodeExporter: NodeExporterHandle;
    leader: MetricsFileServer;
    follower: MetricsFileServer;
  } {
    if (!prometheus || !nodeExporter || !leader || !follower) {
      throw new Error('services did not start (see beforeAll)');
    }
    return { prometheus, nodeExporter, leader, follower };
  }

  beforeAll(async () => {
    [nodeExporter, leader, follower] = await Promise.all([
      startNodeExporter(),
      startMetricsFileServer({ file: LEADER_CAPTURE }),
      startMetricsFileServer({ file: FOLLOWER_CAPTURE }),
    ]);
    prometheus = await startPrometheus({
      scrapeConfigs: [
        { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
        {
          job_name: 'docker-engine',
          scrape_timeout: '1s',
          static_configs: [{ targets: [leader.address, follower.address], labels: { cluster: 'fixture' } }],
        },
      ],
    });
  }, 60000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), nodeExporter?.stop(), leader?.stop(), follower?.stop()]);
  }, 60000);

  test('Prometheus scrapes the real node_exporter: target up, node_load1 present', async () => {
    const s = started();
    const targets = await s.prometheus.waitForTargets({ job: 'node', health: 'up', count: 1 });
    expect(targets).toHaveLength(1);
    expect(targets[0]?.scrapeUrl).toBe(s.nodeExporter.url);
    const load = await s.prometheus.waitForQuery('node_load1{job="node"}', (r) => r.length === 1);
    expect(Number(load[0]?.value[1])).toBeGreaterThanOrEqual(0);
  }, 30000);

  test('two real engine captures served over HTTP are scraped as engines', async () => {
    const s = started();
    await s.prometheus.waitForTargets({ job: 'docker-engine', health: 'up', count: 2 });
    const managers = await s.prometheus.waitForQuery('swarm_node_manager{job="docker-engine"}', (r) => r.length === 2);
    expect(byInstance(managers)).toEqual({ [s.leader.address]: 1, [s.follower.address]: 1 });
    expect(managers.every((m) => m.metric.cluster === 'fixture')).toBe(true);
    const leaders = await s.prometheus.query('swarm_manager_leader{job="docker-engine"}');
    expect(byInstance(leaders)).toEqual({ [s.leader.address]: 1, [s.follower.address]: 0 });
    expect(s.leader.scrapeCount).toBeGreaterThan(0);
  }, 30000);

  test('a metrics server switched to failing makes its target down (up == 0), and back', async () => {
    const s = started();
    s.follower.fail(500);
    const targets = await s.prometheus.waitForTargets({ job: 'docker-engine', health: 'down', count: 1 });
    expect(targets.find((t) => t.health === 'down')?.labels.instance).toBe(s.follower.address);
    expect(targets.find((t) => t.health === 'down')?.lastError).toMatch(/500/);
    const up = await s.prometheus.waitForQuery(
      `up{job="docker-engine",instance="${s.follower.address}"}`,
      (r) => single(r) === 0
    );
    expect(single(up)).toBe(0);
    // The leader capture is unaffected.
    expect(single(await s.prometheus.query(`up{instance="${s.leader.address}"}`))).toBe(1);

    s.follower.recover();
    await s.prometheus.waitForTargets({ job: 'docker-engine', health: 'up', count: 2 });
  }, 30000);

  test('reload() applies a new scrape configuration', async () => {
    const s = started();
    await s.prometheus.reload([
      { job_name: 'node', static_configs: [{ targets: [s.nodeExporter.address] }] },
      { job_name: 'leader-only', static_configs: [{ targets: [s.leader.address] }] },
    ]);
    await s.prometheus.waitForTargets({ job: 'leader-only', health: 'up', count: 1 });
    expect(await s.prometheus.targets('docker-engine')).toHaveLength(0);
  }, 30000);
});

describe('harness: a real single-manager Docker Swarm', () => {
  let swarm: SwarmHandle | undefined;
  let prometheus: PrometheusHandle | undefined;

  function started(): { swarm: SwarmHandle; prometheus: PrometheusHandle } {
    if (!swarm || !prometheus) {
      throw new Error('swarm or Prometheus did not start (see beforeAll)');
    }
    return { swarm, prometheus };
  }

  beforeAll(async () => {
    swarm = await startSwarm({ managers: 1 });
    prometheus = await startPrometheus({
      scrapeConfigs: [
        { job_name: 'engines', static_configs: [{ targets: swarm.engines.map((e) => e.metricsAddress) }] },
        swarmNodesScrapeConfig('swarm-sd', swarm),
      ],
    });
  }, 90000);

  afterAll(async () => {
    await prometheus?.stop();
    await swarm?.stop();
  }, 60000);

  test('engine metrics scraped by Prometheus: swarm_manager_leader == 1, swarm_node_manager == 1', async () => {
    const s = started();
    await s.prometheus.waitForTargets({ job: 'engines', health: 'up', count: 1 });
    const leader = await s.prometheus.waitForQuery('swarm_manager_leader{job="engines"}', (r) => r.length === 1);
    expect(single(leader)).toBe(1);
    expect(single(await s.prometheus.query('swarm_node_manager{job="engines"}'))).toBe(1);
  }, 30000);

  test('dockerswarm_sd_configs discovers the manager node and its target is up', async () => {
    const s = started();
    const targets = await s.prometheus.waitForTargets({ job: 'swarm-sd', health: 'up', count: 1 });
    expect(targets).toHaveLength(1);
    expect(targets[0]?.labels.swarm_role).toBe('manager');
    expect(targets[0]?.labels.instance).toBe(s.swarm.engines[0]?.metricsAddress);
    expect(targets[0]?.discoveredLabels.__meta_dockerswarm_node_id).toBe(s.swarm.engines[0]?.nodeId);
    const leader = await s.prometheus.waitForQuery('swarm_manager_leader{job="swarm-sd"}', (r) => r.length === 1);
    expect(leader[0]?.metric.swarm_role).toBe('manager');
    expect(single(leader)).toBe(1);
  }, 30000);

  test('a replicated service runs on the offline busybox image', async () => {
    const s = started();
    const id = await s.swarm.createService({ name: 'sleeper', replicas: 1 });
    expect(id).toMatch(/^[a-z0-9]{25}$/);
    expect(await s.swarm.waitForServiceTasks('sleeper', 1)).toBe(1);
    const nodes = await s.swarm.nodes();
    expect(nodes).toEqual([expect.objectContaining({ role: 'manager', state: 'ready', leader: true })]);
  }, 60000);

  test('stop() leaves no process, mount, bridge or directory behind', async () => {
    const s = started();
    const dir = s.swarm.dir;
    const bridges = s.swarm.engines.map((e) => e.gatewayBridge);
    // dockerd, containerd, the shim and the container's own process (a descendant of the shim).
    const owned = findOwnedProcesses({ pgids: [], markers: [`${dir}/`] });
    const commands = owned.map((p) => p.cmdline);
    expect(commands.some((c) => c.startsWith('/usr/sbin/dockerd'))).toBe(true);
    expect(commands.some((c) => c.startsWith('containerd '))).toBe(true);
    expect(commands.some((c) => c.includes('containerd-shim'))).toBe(true);
    expect(commands).toContain('sleep 1d');
    await s.prometheus.stop();
    await s.swarm.stop();
    const leftovers = listProcesses().filter((p) => p.cmdline.includes(dir));
    expect(leftovers.map((p) => `${p.pid} ${p.cmdline}`)).toEqual([]);
    const alive = owned.filter((p) => {
      const now = readProcess(p.pid);
      return now !== undefined && now.startTime === p.startTime && now.state !== 'Z';
    });
    expect(alive.map((p) => `${p.pid} ${p.cmdline}`)).toEqual([]);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    expect(bridges.filter((b) => fs.existsSync(`/sys/class/net/${b}`))).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(prometheus?.dir ?? '')).toBe(false);
  }, 60000);
});
