/**
 * End-to-end failure scenarios on the SIMULATED cluster (issue 5: Consul, Weave and exporters that cannot run
 * here): the BUILT status panel in Chromium, fed by the BUILT datasource (preset `swarm-legacy`) through the
 * host's data proxy from a REAL Prometheus (1 s scrapes) scraping the simulated cluster of
 * tests/simulators/cluster.ts (the demo's fault bed: recorded engines, consul_exporter, Weave routers,
 * gluster_exporters, cAdvisors), a REAL node_exporter and itself.
 *
 * Each scenario switches the cluster to exactly one fault (or none), polls Prometheus until it holds that
 * state (no fixed sleeps), re-renders the same panel and asserts the colour (data-status, the light's
 * aria-label), the word and the reason in the DOM. Screenshots: artifacts/screenshots/sim-scenario-<n>-<name>.png.
 */
import {
  startNodeExporter,
  startPrometheus,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
} from '../harness';
import { startSimulatedCluster, type ClusterFault, type SimulatedCluster } from '../simulators/cluster';
import { openHost, type HostPage } from './browser';
import { buildHost } from './buildHost';
import { ensurePluginBuilt } from './plugin';
import { CALM_HOSTS } from '../calmHosts';
import { readPanel, tileOf, type PanelDom } from './scenarioBed';
import { startHostServer, type HostServer } from './server';

const UID = 'simulated-scenarios';
const PANEL_ID = 1;
const COMPONENTS = ['prometheus', 'hosts', 'docker', 'consul', 'swarm', 'gluster', 'weave'];

/** Three managers pinned, this machine's own state out of reach; everything else as the preset derives it. */
const PARAMS = { managers: '3', ...CALM_HOSTS };

/**
 * What Prometheus holds in each state of the cluster: one PromQL condition per aspect, all of which must
 * hold (each is a one-sample vector when it does). A fault's own condition replaces the healthy one of its
 * aspect, so waiting for a state also waits for the previous fault to be gone.
 */
const HEALTHY = {
  engines: 'count(up{job="docker"} == 1) == 3',
  consulUp: 'up{job="consul"} == 1',
  leader: 'min(consul_raft_leader{job="consul"}) == 1',
  peers: 'max(consul_raft_peers{job="consul"}) == 3',
  weave: 'absent(weave_connections{job="weave",state="failed"})',
  cadvisor: 'count(up{job="cadvisor"} == 1) == 3',
  // cAdvisor's samples carry their collection time: Prometheus must have taken them (4 task containers).
  tasks: 'count(container_last_seen{job="cadvisor",container_label_com_docker_swarm_task_name!=""}) == 4',
};
type Aspect = keyof typeof HEALTHY;

function stateQuery(changed: Partial<Record<Aspect, string>> = {}): string {
  return Object.entries({ ...HEALTHY, ...changed })
    .map(([, condition]) => `(${condition})`)
    .join(' and on () ');
}

describe('failure scenarios: the built panel on the simulated cluster (swarm-legacy)', () => {
  let cluster: SimulatedCluster | undefined;
  let nodeExporter: NodeExporterHandle | undefined;
  let prometheus: PrometheusHandle | undefined;
  let server: HostServer | undefined;
  let host: HostPage;
  const timings: Record<string, number> = {};
  let started = Date.now();

  function prom(): PrometheusHandle {
    if (!prometheus) {
      throw new Error('Prometheus is not running');
    }
    return prometheus;
  }

  const scrapeConfigs = (self: string): ScrapeConfig[] => [
    { job_name: 'prometheus', static_configs: [{ targets: [self] }] },
    { job_name: 'node', static_configs: [{ targets: [nodeExporter?.address ?? ''] }] },
    ...(cluster?.scrapeConfigs() ?? []),
  ];

  /** Switches the cluster to exactly this fault (`heal`: none) and waits until Prometheus holds that state. */
  async function only(fault: ClusterFault, changed: Partial<Record<Aspect, string>>): Promise<void> {
    cluster?.heal();
    cluster?.inject(fault);
    await prom().waitForQuery(stateQuery(changed), (samples) => samples.length === 1, {
      timeoutMs: 30_000,
      what: `the cluster in state "${fault}"`,
    });
  }

  /** Re-renders the SAME panel with the SAME query and reads it. */
  async function refresh(title: string): Promise<{ dom: PanelDom; selector: string; errors: unknown[] }> {
    const rendered = await host.renderPanel({
      id: PANEL_ID,
      title,
      width: 1100,
      height: 460,
      options: { sort: 'model' },
      query: { datasourceUid: UID, targets: [{ refId: 'A' }], range: { from: 'now-5m', to: 'now' } },
    });
    const dom = await readPanel(host, rendered.selector);
    return { dom, selector: rendered.selector, errors: rendered.query?.errors ?? [] };
  }

  const statuses = (dom: PanelDom) => dom.tiles.map((tile) => [tile.component, tile.status]);

  beforeAll(async () => {
    started = Date.now();
    const hostBuild = ensurePluginBuilt().then(() => buildHost());
    [cluster, nodeExporter] = await Promise.all([startSimulatedCluster(), startNodeExporter()]);
    const first = await startPrometheus({ scrapeConfigs: [], scrapeInterval: '1s' });
    prometheus = first;
    await first.reload(scrapeConfigs(new URL(first.url).host));
    const targets = cluster.targetCount + 2;
    await first.waitForQuery('up == 1', (samples) => samples.length === targets, {
      timeoutMs: 60_000,
      what: `${targets} targets up`,
    });
    // rate() needs two samples of every CPU counter in its window before the hosts' CPU check has a value.
    await first.waitForQuery('count_over_time(up{job="node"}[2m]) >= 4', (samples) => samples.length > 0, {
      timeoutMs: 60_000,
      what: 'four scrapes of node_exporter',
    });
    timings.prometheusReadyMs = Date.now() - started;
    server = await startHostServer({ host: await hostBuild, datasources: { [UID]: first.url } });
    host = await openHost({ serverUrl: server.url, theme: 'light' });
    await host.createDatasource({
      uid: UID,
      jsonData: { modelSource: 'preset', preset: 'swarm-legacy', presetParams: PARAMS },
    });
    timings.beforeAllMs = Date.now() - started;
  }, 300_000);

  afterAll(async () => {
    await host?.close();
    await server?.stop();
    await prometheus?.stop();
    await nodeExporter?.stop();
    await cluster?.stop();
    timings.totalMs = Date.now() - started;
    process.stdout.write(`simulated scenario timings: ${JSON.stringify(timings)}\n`);
  }, 120_000);

  afterEach(() => host?.assertNoBrowserErrors());

  it('a. healthy: green, every component ok', async () => {
    const t = Date.now();
    await only('heal', {});
    const { dom, selector, errors } = await refresh('a. healthy');
    expect(errors).toEqual([]);
    expect(statuses(dom)).toEqual(COMPONENTS.map((id) => [id, 'ok']));
    expect(dom.word).toBe('OK');
    expect(dom.light).toMatch(/^Cluster status: OK\b/);
    expect(dom.text).toContain('3/3 managers');
    await host.screenshot('sim-scenario-a-healthy', selector);
    timings.scenarioAMs = Date.now() - t;
  });

  it('b. Consul loses its leader: consul critical, the cluster red, the reason names the leader loss', async () => {
    const t = Date.now();
    await only('consul-leader', { leader: 'max(consul_raft_leader{job="consul"}) == 0' });
    const { dom, selector, errors } = await refresh('b. Consul leader lost');
    expect(errors).toEqual([]);
    const noLeader = '0/1 agents seeing a Raft leader (at least 1 needed)';
    expect(tileOf(dom, 'consul')).toMatchObject({ status: 'critical', reason: noLeader });
    // Classic Swarm keeps its state and elects its manager in Consul: without a leader it is down too.
    expect(tileOf(dom, 'swarm')).toMatchObject({
      status: 'critical',
      reason: `impacted by Consul (critical): ${noLeader}`,
    });
    expect(statuses(dom).filter(([, status]) => status !== 'ok')).toEqual([
      ['consul', 'critical'],
      ['swarm', 'critical'],
    ]);
    expect(dom.word).toBe('Critical');
    expect(dom.reason).toBe(`Consul: ${noLeader} (+1 more component not ok)`);
    expect(dom.light).toMatch(
      /^Cluster status: Critical\. Consul: 0\/1 agents seeing a Raft leader .*Root cause: Consul\.$/
    );
    await host.screenshot('sim-scenario-b-consul-leader-lost', selector);
    timings.scenarioBMs = Date.now() - t;
  });

  it('c. a Consul server gone (Raft peer): consul warning, 2/3 servers, the cluster orange', async () => {
    const t = Date.now();
    await only('consul-raft-peer-gone', { peers: 'max(consul_raft_peers{job="consul"}) == 2' });
    const { dom, selector, errors } = await refresh('c. Consul server gone');
    expect(errors).toEqual([]);
    // Right for an SRE: two of three servers keep the Raft quorum, one more failure would lose it: orange.
    const reason =
      '2/3 servers, no further failure tolerated (expected: servers Consul lists; set consulServers to pin it); ' +
      '2/3 Raft peers, no further failure tolerated (expected: servers Consul lists; set consulServers to pin it); ' +
      'failing node checks 1 (warning ≥ 1)';
    expect(tileOf(dom, 'consul')).toMatchObject({ status: 'warning', reason });
    expect(tileOf(dom, 'swarm')).toMatchObject({
      status: 'warning',
      reason: `impacted by Consul (warning): ${reason}`,
    });
    expect(statuses(dom).filter(([, status]) => status !== 'ok')).toEqual([
      ['consul', 'warning'],
      ['swarm', 'warning'],
    ]);
    expect(dom.word).toBe('Warning');
    expect(dom.reason).toBe(`Consul: ${reason} (+1 more component not ok)`);
    expect(dom.light).toMatch(/^Cluster status: Warning\. Consul: 2\/3 servers.*Root cause: Consul\.$/);
    await host.screenshot('sim-scenario-c-consul-server-gone', selector);
    timings.scenarioCMs = Date.now() - t;
  });

  it('d. Weave connections failing: weave not ok, the failed connections named', async () => {
    const t = Date.now();
    await only('weave-connections-failing', {
      weave: 'sum(weave_connections{job="weave",state="failed"}) == 2',
    });
    const { dom, selector, errors } = await refresh('d. Weave connections failing');
    expect(errors).toEqual([]);
    // The link between routers 1 and 2 fails: each of them has one failed connection, router 3 none.
    const [first = '', second = ''] = cluster?.targets.weave ?? [];
    const reason = new RegExp(`^failed connections 1 on (${first}|${second}) and 1 more \\(warning ≥ 1\\)$`);
    expect(tileOf(dom, 'weave')).toMatchObject({ status: 'warning', reason: expect.stringMatching(reason) });
    // Every router still reaches every other (directly or through router 3): meshed, IPAM fine.
    expect(statuses(dom).filter(([, status]) => status !== 'ok')).toEqual([['weave', 'warning']]);
    expect(dom.word).toBe('Warning');
    expect(dom.reason).toMatch(/^Weave Net: failed connections 1 on /);
    expect(dom.light).toMatch(/^Cluster status: Warning\. Weave Net: failed connections .*Root cause: Weave Net\.$/);
    await host.screenshot('sim-scenario-d-weave-connections-failing', selector);
    timings.scenarioDMs = Date.now() - t;
  });

  it('e. consul_exporter stopped (HTTP 503): consul grey, the cluster not green', async () => {
    const t = Date.now();
    // Its series go stale at the failed scrape: the leader and peer conditions have nothing left to read.
    await only('stop-exporter', {
      consulUp: 'up{job="consul"} == 0',
      leader: 'absent(consul_raft_leader{job="consul"})',
      peers: 'absent(consul_raft_peers{job="consul"})',
    });
    const { dom, selector, errors } = await refresh('e. consul_exporter stopped');
    expect(errors).toEqual([]);
    const address = cluster?.targets.consul[0] ?? '';
    const unseen = `consul_exporter not reachable (up == 0 on 1/1 targets: ${address}): state unknown`;
    expect(tileOf(dom, 'consul')).toMatchObject({ status: 'unknown', reason: unseen });
    expect(tileOf(dom, 'swarm')).toMatchObject({
      status: 'unknown',
      reason: `impacted by Consul (unknown): ${unseen}`,
    });
    // Never green on doubt. The model makes an unobservable component orange for the cluster (clusterImpact):
    // not known to be down, so neither red nor green.
    expect(dom.word).toBe('Warning');
    expect(dom.reason).toBe(`Consul: ${unseen} (+1 more component not ok)`);
    expect(dom.light).toMatch(/^Cluster status: Warning\b/);
    await host.screenshot('sim-scenario-e-exporter-stopped', selector);
    timings.scenarioEMs = Date.now() - t;
  });

  it('f. healed: green again', async () => {
    const t = Date.now();
    await only('heal', {});
    const { dom, selector, errors } = await refresh('f. healed');
    expect(errors).toEqual([]);
    expect(statuses(dom)).toEqual(COMPONENTS.map((id) => [id, 'ok']));
    expect(dom.word).toBe('OK');
    expect(dom.light).toMatch(/^Cluster status: OK\b/);
    await host.screenshot('sim-scenario-f-healed', selector);
    timings.scenarioFMs = Date.now() - t;
  });
});
