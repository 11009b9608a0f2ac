import * as fs from 'node:fs';

import { CALM_HOSTS } from '../calmHosts';
import {
  RECORDED_ENGINE_CAPTURES,
  startMetricsFileServer,
  startRecordedEngines,
  startNodeExporter,
  startPrometheus,
  type MetricsFileServer,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  type VectorSample,
} from '../harness';
import {
  buildPreset,
  evaluateCluster,
  parseInstantResponse,
  parsePresetParams,
  planQuery,
  type ClusterEvaluation,
  type ComponentResult,
  type PresetName,
  type PresetParams,
} from '../../src/model';
import {
  consulCluster,
  consulScrape,
  glusterCluster,
  glusterScrape,
  ingestedLabels,
  parseExposition,
  serveScrape,
  weaveMesh,
  weaveScrape,
  withMemberStatus,
  withVolume,
  CONSUL_METRICS,
  GLUSTER_METRICS,
  WEAVE_METRICS,
  type ConsulState,
  type GlusterState,
  type ScrapeAnswer,
  type WeaveMeshFaults,
} from '../simulators';

/**
 * The `swarm-legacy` and `swarm-mode` presets, evaluated in process on a real Prometheus (scrape interval
 * 1 s) that scrapes simulated consul_exporter, Weave Net routers and gluster_exporter (tests/simulators,
 * each served by a metrics file server), the real engine captures of a healthy three-manager Swarm, a real
 * node_exporter and Prometheus itself. A fault is a new state served by the simulated exporters (or a
 * failed scrape); every scenario waits until Prometheus holds exactly what is served before it evaluates.
 */

// This machine's own state is not under test here: out-of-reach thresholds keep it quiet.
const PARAMS: PresetParams = (() => {
  const parsed = parsePresetParams(CALM_HOSTS);
  if (!parsed.params) {
    throw new Error(parsed.errors.join('; '));
  }
  return parsed.params;
})();

/** Consul: three servers (each with its own consul_exporter on its agent) and two clients. */
const CONSUL_HEALTHY = consulCluster(3, 2);
const GLUSTER_HEALTHY = glusterCluster(2);
const WEAVE_ROUTERS = 3;

/** Series Prometheus adds itself to every target. */
const META = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
]);

function seriesKey(labels: Record<string, string>, value: number): string {
  const names = Object.keys(labels).sort();
  return `${names.map((name) => `${name}=${JSON.stringify(labels[name])}`).join(',')} ${value}`;
}

/** A scrape job of simulated exporters: one metrics file server per target, and what each answers now. */
class SimulatedJob {
  readonly answers: ScrapeAnswer[];

  constructor(
    readonly job: string,
    readonly servers: MetricsFileServer[],
    initial: ScrapeAnswer[]
  ) {
    this.answers = [...initial];
  }

  static async start(job: string, initial: ScrapeAnswer[]): Promise<SimulatedJob> {
    const servers: MetricsFileServer[] = [];
    for (const answer of initial) {
      const server = await startMetricsFileServer();
      serveScrape(server, answer);
      servers.push(server);
    }
    return new SimulatedJob(job, servers, initial);
  }

  get addresses(): string[] {
    return this.servers.map((server) => server.address);
  }

  /** Serves one answer per target (the same for all when given one). */
  serve(answers: ScrapeAnswer | ScrapeAnswer[]): void {
    this.servers.forEach((server, index) => {
      const answer = Array.isArray(answers) ? answers[index] : answers;
      if (!answer) {
        throw new Error(`${this.job}: no answer for target ${index}`);
      }
      this.answers[index] = answer;
      serveScrape(server, answer);
    });
  }

  /** What Prometheus must hold for this job once it scraped every target: series (without meta) and `up`. */
  expected(): Set<string> {
    const keys = new Set<string>();
    this.servers.forEach((server, index) => {
      const answer = this.answers[index];
      const target = { job: this.job, instance: server.address };
      keys.add(seriesKey({ __name__: 'up', ...target }, answer?.ok ? 1 : 0));
      if (answer?.ok) {
        for (const sample of parseExposition(answer.body).samples) {
          keys.add(seriesKey(ingestedLabels(sample, target), sample.value));
        }
      }
    });
    return keys;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}

/** Prometheus' instant view of a job, as the same keys (meta series other than `up` left out). */
function observed(samples: VectorSample[]): Set<string> {
  return new Set(
    samples
      .filter((sample) => sample.metric.__name__ === 'up' || !META.has(sample.metric.__name__ ?? ''))
      .map((sample) => seriesKey(sample.metric, Number(sample.value[1])))
  );
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((key) => b.has(key));
}

function component(evaluation: ClusterEvaluation, id: string): ComponentResult {
  const found = evaluation.components.find((c) => c.id === id);
  if (!found) {
    throw new Error(`no component ${id} in ${evaluation.components.map((c) => c.id).join(', ')}`);
  }
  return found;
}

function check(evaluation: ClusterEvaluation, componentId: string, checkId: string) {
  const found = component(evaluation, componentId).checks.find((c) => c.id === checkId);
  if (!found) {
    throw new Error(`no check ${componentId}/${checkId}`);
  }
  return found;
}

function nth<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) {
    throw new Error(`no item ${index} in a list of ${list.length}`);
  }
  return item;
}

/** Status, reason and check statuses: what a failed assertion should show. */
function summary(result: ComponentResult | ClusterEvaluation) {
  return {
    status: result.status,
    rootCause: result.rootCause,
    reason: result.reason,
    ...('checks' in result ? { checks: Object.fromEntries(result.checks.map((c) => [c.id, c.status])) } : {}),
  };
}

/** Statuses by component id, for one readable assertion. */
function statuses(evaluation: ClusterEvaluation, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, component(evaluation, id).status]));
}

describe('simulated exporters', () => {
  it('write the help strings and types of their metric descriptors, parseable, sorted, without duplicates', () => {
    const documents: Array<[string, Record<string, { help: string; type: string }>]> = [
      [consulScrape(CONSUL_HEALTHY).body, CONSUL_METRICS],
      [consulScrape({ ...CONSUL_HEALTHY, legacyNoStatusLabel: true }).body, CONSUL_METRICS],
      ...weaveMesh(3, { isolated: [0], failedLinks: [[1, 2]] }).map(
        (state) => [weaveScrape(state).body, WEAVE_METRICS] as [string, Record<string, { help: string; type: string }>]
      ),
      [glusterScrape(GLUSTER_HEALTHY).body, GLUSTER_METRICS],
      [glusterScrape({ ...GLUSTER_HEALTHY, generation: 'legacy' }).body, GLUSTER_METRICS],
    ];
    for (const [body, descriptors] of documents) {
      const parsed = parseExposition(body);
      expect(parsed.samples.length).toBeGreaterThan(0);
      for (const [name, help] of parsed.help) {
        expect({ name, help, type: parsed.type.get(name) }).toEqual({ name, ...descriptors[name] });
      }
      const names = [...parsed.help.keys()];
      expect(names).toEqual([...names].sort());
      const keys = parsed.samples.map((sample) => seriesKey({ __name__: sample.name, ...sample.labels }, 0));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('consul: one-hot node checks (four series per check), member info valued by Serf status', () => {
    const state = withMemberStatus(CONSUL_HEALTHY, 4, 'consul-server-3');
    const samples = parseExposition(consulScrape(state).body).samples;
    const checks = samples.filter((s) => s.name === 'consul_health_node_status');
    expect(checks).toHaveLength(5 * 4);
    expect(checks.filter((s) => s.value === 1)).toHaveLength(5);
    expect(checks.find((s) => s.labels.node === 'consul-server-3' && s.labels.status === 'critical')?.value).toBe(1);
    expect(
      samples.find((s) => s.name === 'consul_serf_lan_member_info' && s.labels.member === 'consul-server-3')
    ).toEqual({
      name: 'consul_serf_lan_member_info',
      labels: { member: 'consul-server-3', role: 'consul', version: '1.15.4' },
      value: 4,
    });
    expect(samples.filter((s) => s.name === 'consul_serf_lan_member_info' && s.labels.role === 'node')).toHaveLength(2);
    // Agent unreachable: consul_up 0 and nothing else.
    expect(parseExposition(consulScrape({ ...CONSUL_HEALTHY, up: false }).body).samples).toEqual([
      { name: 'consul_up', labels: {}, value: 0 },
    ]);
  });

  it('weave: series only for states with connections, two per (state, type); n·(n−1) in a full mesh', () => {
    const established = (states: ReturnType<typeof weaveMesh>) =>
      states
        .flatMap((state) => parseExposition(weaveScrape(state).body).samples)
        .filter((s) => s.name === 'weave_connections' && s.labels.state === 'established')
        .reduce((sum, s) => sum + s.value, 0);
    expect(established(weaveMesh(3))).toBe(6);
    expect(established(weaveMesh(5))).toBe(20);
    const mesh = weaveMesh(3, { isolated: [2], lostAs: 'gone' });
    const isolated = parseExposition(weaveScrape(nth(mesh, 2)).body).samples;
    expect(isolated.filter((s) => s.name === 'weave_connections')).toEqual([]);
    const other = parseExposition(weaveScrape(nth(mesh, 0)).body).samples;
    expect(other.filter((s) => s.name === 'weave_connections')).toEqual([
      { name: 'weave_connections', labels: { encryption: '', state: 'established', type: 'fastdp' }, value: 1 },
      { name: 'weave_connections', labels: { encryption: 'yes', state: 'established', type: 'fastdp' }, value: 0 },
    ]);
    expect(other.find((s) => s.name === 'weave_ipam_unreachable_count')?.value).toBe(1);
    const failed = weaveMesh(3, { failedLinks: [[0, 1]] }).map(
      (state) => parseExposition(weaveScrape(state).body).samples
    );
    expect(failed[0]?.find((s) => s.labels.state === 'failed' && s.labels.encryption === '')).toMatchObject({
      labels: { type: 'unknown' },
      value: 1,
    });
    // Still reachable through the third router: no IPAM range is lost.
    expect(failed[0]?.find((s) => s.name === 'weave_ipam_unreachable_count')?.value).toBe(0);
    expect(weaveScrape(nth(weaveMesh(3, { down: [1] }), 1))).toMatchObject({
      ok: false,
      status: 503,
    });
  });

  it('gluster: heal info vanishes for a volume with a down brick, node metrics from it on; volume info failure is HTTP 500', () => {
    const names = (state: GlusterState) => parseExposition(glusterScrape(state).body).samples;
    const twoReplicas: GlusterState = {
      ...GLUSTER_HEALTHY,
      volumes: [
        { name: 'v2', status: 1, bricks: 3, healPending: 'vanished' },
        { name: 'v3', status: 1, bricks: 3, healPending: 5 },
      ],
    };
    const samples = names(twoReplicas);
    expect(samples.filter((s) => s.name === 'gluster_heal_info_files_count')).toEqual([
      { name: 'gluster_heal_info_files_count', labels: { volume: 'v3' }, value: 5 },
    ]);
    expect(samples.filter((s) => s.name === 'gluster_node_size_free_bytes')).toEqual([]);
    // The healthy pool: the distribute volume v1 never has heal info.
    expect(
      names(GLUSTER_HEALTHY)
        .filter((s) => s.name === 'gluster_heal_info_files_count')
        .map((s) => s.labels.volume)
    ).toEqual(['v2']);
    const legacy = names({ ...GLUSTER_HEALTHY, generation: 'legacy' }).map((s) => s.name);
    expect(legacy).toEqual(expect.arrayContaining(['gluster_volumes_count', 'gluster_brick_count']));
    expect(legacy).not.toEqual(expect.arrayContaining(['gluster_volumes_available']));
    expect(glusterScrape({ ...GLUSTER_HEALTHY, volumeInfoFails: true })).toMatchObject({ ok: false, status: 500 });
    expect(names({ ...GLUSTER_HEALTHY, peers: 4 }).find((s) => s.name === 'gluster_peers_connected')?.value).toBe(4);
  });
});

describe('presets on a real Prometheus scraping simulated Consul, Weave and Gluster', () => {
  let prometheus: PrometheusHandle;
  let nodeExporter: NodeExporterHandle;
  const engines: MetricsFileServer[] = [];
  let consul: SimulatedJob;
  let weave: SimulatedJob;
  let gluster: SimulatedJob;

  const consulAnswers = (states: ConsulState | ConsulState[]) =>
    (Array.isArray(states) ? states : [states, states, states]).map(consulScrape);
  const weaveAnswers = (faults: WeaveMeshFaults = {}) => weaveMesh(WEAVE_ROUTERS, faults).map(weaveScrape);
  const glusterAnswers = (state: GlusterState) => [state, state, state].map(glusterScrape);
  const healthy = () => ({
    consul: consulAnswers(CONSUL_HEALTHY),
    weave: weaveAnswers(),
    gluster: glusterAnswers(GLUSTER_HEALTHY),
  });

  /** Waits until Prometheus' instant view of the job is exactly what its targets serve now. */
  async function synced(job: SimulatedJob): Promise<void> {
    const expected = job.expected();
    await prometheus.waitForQuery(`{job="${job.job}"}`, (samples) => sameSet(observed(samples), expected), {
      timeoutMs: 30_000,
      what: `Prometheus to hold what the ${job.job} targets serve`,
    });
  }

  /** Serves the answers and waits until Prometheus has scraped them. */
  async function serve(job: SimulatedJob, answers: ScrapeAnswer | ScrapeAnswer[]): Promise<void> {
    job.serve(answers);
    await synced(job);
  }

  /** The preset's one query at one fixed instant, evaluated in process. */
  async function evaluate(preset: PresetName = 'swarm-legacy'): Promise<ClusterEvaluation> {
    const model = buildPreset(preset, PARAMS);
    const time = Date.now() / 1000;
    const raw = await prometheus.queryRaw(planQuery(model).query, time);
    const parsed = parseInstantResponse({ status: 'success', data: raw });
    if (!parsed.ok) {
      throw new Error(parsed.error);
    }
    return evaluateCluster({ model, samples: parsed.samples, now: time * 1000 });
  }

  beforeAll(async () => {
    const initial = healthy();
    nodeExporter = await startNodeExporter();
    engines.push(...(await startRecordedEngines()));
    consul = await SimulatedJob.start('consul', initial.consul);
    weave = await SimulatedJob.start('weave', initial.weave);
    gluster = await SimulatedJob.start('gluster', initial.gluster);
    const scrapeConfigs = (self?: string): ScrapeConfig[] => [
      { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
      { job_name: 'docker', static_configs: [{ targets: engines.map((engine) => engine.address) }] },
      ...[consul, weave, gluster].map((job) => ({ job_name: job.job, static_configs: [{ targets: job.addresses }] })),
      ...(self ? [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }] : []),
    ];
    prometheus = await startPrometheus({ scrapeConfigs: scrapeConfigs(), scrapeInterval: '1s' });
    await prometheus.reload(scrapeConfigs(new URL(prometheus.url).host));
    await prometheus.waitForTargets({ job: 'prometheus', health: 'up', count: 1 });
    await prometheus.waitForTargets({ job: 'docker', health: 'up', count: 3 });
    await Promise.all([consul, weave, gluster].map(synced));
    // rate() needs two samples of the CPU counters in its window before the hosts' CPU check has a value.
    await prometheus.waitForQuery('count_over_time(up{job="node"}[2m]) >= 3', (samples) => samples.length > 0, {
      what: 'three scrapes of node_exporter',
    });
  });

  afterEach(async () => {
    // Back to the healthy cluster (immediate when a scenario left a job as it was).
    const initial = healthy();
    consul.serve(initial.consul);
    weave.serve(initial.weave);
    gluster.serve(initial.gluster);
    await Promise.all([consul, weave, gluster].map(synced));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await Promise.all([...engines.map((engine) => engine.stop()), consul?.stop(), weave?.stop(), gluster?.stop()]);
  });

  describe('swarm-legacy', () => {
    it('is ok on a healthy cluster: 3 Consul servers, a full Weave mesh, Gluster with a replica volume', async () => {
      const evaluation = await evaluate();
      expect(evaluation.components.map((c) => c.id)).toEqual([
        'prometheus',
        'hosts',
        'docker',
        'consul',
        'swarm',
        'gluster',
        'weave',
      ]);
      expect(statuses(evaluation, ['consul', 'weave', 'gluster', 'swarm', 'docker'])).toEqual({
        consul: 'ok',
        weave: 'ok',
        gluster: 'ok',
        swarm: 'ok',
        docker: 'ok',
      });
      expect(component(evaluation, 'consul')).toMatchObject({ live: 3, expected: 3, impacted: false, rootCause: null });
      expect(component(evaluation, 'consul').reason).toContain('3/3 servers');
      expect(check(evaluation, 'consul', 'leader')).toMatchObject({
        status: 'ok',
        reason: '3/3 agents seeing a Raft leader',
      });
      expect(check(evaluation, 'consul', 'node-health')).toMatchObject({ status: 'ok', value: 0 });
      expect(component(evaluation, 'weave').reason).toContain('3/3 routers');
      expect(check(evaluation, 'weave', 'mesh')).toMatchObject({ status: 'ok' });
      expect(check(evaluation, 'gluster', 'volumes')).toMatchObject({ status: 'ok', live: 2, expected: 2 });
      expect(check(evaluation, 'gluster', 'heal-info')).toMatchObject({
        status: 'ok',
        reason: 'heal info: 3 series present',
      });
      expect(component(evaluation, 'swarm').dependsOn).toEqual(['docker', 'consul']);
      // What is left is this machine (hosts) and Prometheus itself: both must be ok here as well.
      expect(statuses(evaluation, ['hosts', 'prometheus'])).toEqual({ hosts: 'ok', prometheus: 'ok' });
      expect(evaluation).toMatchObject({ status: 'ok', rootCause: null, reason: 'all 7 components ok' });
    });

    it('Consul without a leader: consul critical, swarm impacted (critical, root cause consul), cluster critical', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, leaderSeen: false }));
      const evaluation = await evaluate();
      expect(component(evaluation, 'consul')).toMatchObject({
        status: 'critical',
        impacted: false,
        rootCause: 'consul',
      });
      expect(component(evaluation, 'consul').reason).toContain('0/3 agents seeing a Raft leader (at least 3 needed)');
      expect(component(evaluation, 'swarm')).toMatchObject({
        status: 'critical',
        ownStatus: 'ok',
        impacted: true,
        rootCause: 'consul',
      });
      expect(component(evaluation, 'swarm').reason).toContain('impacted by Consul (critical)');
      expect(evaluation).toMatchObject({ status: 'critical', rootCause: 'consul' });
    });

    it('one of three Consul servers failed: warning, no further failure tolerated', async () => {
      const state = withMemberStatus(CONSUL_HEALTHY, 4, 'consul-server-3');
      // The failed server's own exporter cannot reach its agent: consul_up 0 there.
      await serve(consul, consulAnswers([state, state, { ...state, up: false }]));
      const evaluation = await evaluate();
      expect(check(evaluation, 'consul', 'servers')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(component(evaluation, 'consul')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(component(evaluation, 'consul').reason).toContain('2/3 servers, no further failure tolerated');
      expect(component(evaluation, 'swarm')).toMatchObject({ status: 'warning', impacted: true, rootCause: 'consul' });
      expect(evaluation).toMatchObject({ status: 'warning', rootCause: 'consul' });
    });

    it('a server taken out of Raft while alive in Serf: 3/3 servers, but 2/3 Raft peers is a warning', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, raftPeers: 2 }));
      const evaluation = await evaluate();
      expect(check(evaluation, 'consul', 'servers')).toMatchObject({ status: 'ok', live: 3, expected: 3 });
      expect(check(evaluation, 'consul', 'raft-peers')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(component(evaluation, 'consul').reason).toContain('2/3 Raft peers, no further failure tolerated');
      expect(evaluation).toMatchObject({ status: 'warning', rootCause: 'consul' });
    });

    it('two of three Consul servers failed: critical, no quorum', async () => {
      const state = withMemberStatus({ ...CONSUL_HEALTHY, leaderSeen: false }, 4, 'consul-server-2', 'consul-server-3');
      await serve(consul, consulAnswers([state, { ...state, up: false }, { ...state, up: false }]));
      const evaluation = await evaluate();
      expect(check(evaluation, 'consul', 'servers')).toMatchObject({ status: 'critical', live: 1, expected: 3 });
      expect(component(evaluation, 'consul').status).toBe('critical');
      expect(component(evaluation, 'consul').reason).toContain('1/3 servers: no quorum (2 needed)');
      expect(component(evaluation, 'swarm')).toMatchObject({ status: 'critical', impacted: true, rootCause: 'consul' });
      expect(evaluation).toMatchObject({ status: 'critical', rootCause: 'consul' });
    });

    it('consul_exporter scrapes fail (HTTP 500): consul unknown, never ok nor critical; swarm impacted; cluster not ok', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, httpError: 500 }));
      const evaluation = await evaluate();
      const result = component(evaluation, 'consul');
      expect(result.status).toBe('unknown');
      expect(result.checks.map((c) => c.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
      expect(result.reason).toContain('consul_exporter not reachable (up == 0 on 3/3 targets');
      expect(component(evaluation, 'swarm')).toMatchObject({
        status: 'unknown',
        ownStatus: 'ok',
        impacted: true,
        rootCause: 'consul',
      });
      expect(evaluation.status).toBe('warning');
      expect(evaluation.rootCause).toBe('consul');
    });

    it('consul_exporters up but Consul agents unreachable (consul_up 0): consul unknown', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, up: false }));
      const evaluation = await evaluate();
      expect(component(evaluation, 'consul').status).toBe('unknown');
      expect(component(evaluation, 'consul').reason).toContain(
        'consul_exporter cannot reach its component (consul_up is 0 or missing)'
      );
      expect(evaluation.status).not.toBe('ok');
    });

    it('a critical Consul node check (one-hot status="critical" series 1): warning naming the count', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, failingNodeChecks: ['consul-client-1'] }));
      const evaluation = await evaluate();
      expect(check(evaluation, 'consul', 'node-health')).toMatchObject({ status: 'warning', value: 1 });
      expect(component(evaluation, 'consul')).toMatchObject({ status: 'warning', rootCause: 'consul' });
      expect(component(evaluation, 'consul').reason).toContain('failing node checks 1');
      expect(check(evaluation, 'consul', 'servers').status).toBe('ok');
      expect(evaluation.status).toBe('warning');
    });

    it('a 2017-era consul_exporter (node checks without status label) never reads as healthy', async () => {
      await serve(
        consul,
        consulAnswers({ ...CONSUL_HEALTHY, legacyNoStatusLabel: true, failingNodeChecks: ['consul-client-1'] })
      );
      const evaluation = await evaluate();
      expect(check(evaluation, 'consul', 'node-health').status).not.toBe('ok');
      expect(component(evaluation, 'consul').status).not.toBe('ok');
    });

    it.each([
      ['its connections gone (no weave_connections series at all)', 'gone'],
      ['its peers failed targets', 'failed'],
    ] as const)(
      'Weave: one router isolated, %s, its target up: not ok, and not critical on its own',
      async (_, lostAs) => {
        await serve(weave, weaveAnswers({ isolated: [2], lostAs }));
        const evaluation = await evaluate();
        expect(check(evaluation, 'weave', 'routers')).toMatchObject({ status: 'ok', live: 3, expected: 3 });
        // Not ok: the mesh lost a router (and the others lost its third of the IPAM ranges). But one lost peer is
        // not an outage: the two others are still meshed and allocate addresses (the 2017 prototype went red).
        expect(summary(component(evaluation, 'weave'))).toEqual(expect.objectContaining({ status: 'warning' }));
        expect(summary(evaluation)).toEqual(expect.objectContaining({ status: 'warning', rootCause: 'weave' }));
      }
    );

    it('Weave: the mesh collapsed (every router isolated, targets up): critical', async () => {
      await serve(weave, weaveAnswers({ isolated: [0, 1, 2], lostAs: 'failed' }));
      const evaluation = await evaluate();
      expect(check(evaluation, 'weave', 'routers')).toMatchObject({ status: 'ok', live: 3, expected: 3 });
      // No router has an established connection: no weave_connections{state="established"} series at all.
      expect(summary(component(evaluation, 'weave'))).toEqual(
        expect.objectContaining({ status: 'critical', checks: expect.objectContaining({ mesh: 'critical' }) })
      );
      expect(evaluation).toMatchObject({ status: 'critical', rootCause: 'weave' });
    });

    it('Weave: one router target down: warning "2/3 routers", cluster warning', async () => {
      await serve(weave, weaveAnswers({ down: [2] }));
      const evaluation = await evaluate();
      expect(check(evaluation, 'weave', 'routers')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(component(evaluation, 'weave')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
      expect(component(evaluation, 'weave').reason).toContain(`2/3 routers (3 wanted); down: ${weave.addresses[2]}`);
      // The lost router shows on `routers`; the mesh of the two live ones is complete.
      expect(check(evaluation, 'weave', 'mesh').status).toBe('ok');
      expect(evaluation).toMatchObject({ status: 'warning', rootCause: 'weave' });
    });

    it('Weave: a failing link (state="failed" on both ends, mesh still connected): warning', async () => {
      await serve(weave, weaveAnswers({ failedLinks: [[0, 1]] }));
      const evaluation = await evaluate();
      expect(check(evaluation, 'weave', 'failed')).toMatchObject({ status: 'warning', value: 1 });
      expect(component(evaluation, 'weave').reason).toContain('failed connections 1 on');
      expect(component(evaluation, 'weave').status).toBe('warning');
      expect(evaluation.status).toBe('warning');
    });

    it('Gluster healthy: ok, with the distribute volume that never has heal info', async () => {
      const evaluation = await evaluate();
      expect(component(evaluation, 'gluster')).toMatchObject({ status: 'ok', impacted: false, rootCause: null });
      expect(check(evaluation, 'gluster', 'volumes-available')).toMatchObject({ status: 'ok', value: 2 });
      expect(check(evaluation, 'gluster', 'heal-pending')).toMatchObject({ status: 'ok', value: 0 });
    });

    it('Gluster: heal info vanished (a brick of the replica volume down): unknown, not ok', async () => {
      await serve(gluster, glusterAnswers(withVolume(GLUSTER_HEALTHY, 'v2', { healPending: 'vanished' })));
      const evaluation = await evaluate();
      expect(check(evaluation, 'gluster', 'heal-info').status).toBe('unknown');
      expect(component(evaluation, 'gluster').status).toBe('unknown');
      expect(component(evaluation, 'gluster').reason).toContain('heal info vanishes when a brick is down');
      expect(evaluation.status).not.toBe('ok');
    });

    it('Gluster: heal info of one replica volume vanished while another still reports: unknown, not ok', async () => {
      const pool: GlusterState = {
        ...GLUSTER_HEALTHY,
        volumes: [...GLUSTER_HEALTHY.volumes, { name: 'v3', status: 1, bricks: 3, healPending: 0 }],
      };
      await serve(gluster, glusterAnswers(pool));
      const before = await evaluate();
      expect(component(before, 'gluster').status).toBe('ok');
      await serve(gluster, glusterAnswers(withVolume(pool, 'v2', { healPending: 'vanished' })));
      const evaluation = await evaluate();
      // The same fault as above, on a pool with one more replica volume: still unknown, never ok.
      expect(summary(component(evaluation, 'gluster'))).toEqual(
        expect.objectContaining({ status: 'unknown', checks: expect.objectContaining({ 'heal-info': 'unknown' }) })
      );
      expect(component(evaluation, 'gluster').reason).toContain('heal info vanishes when a brick is down');
      expect(evaluation.status).not.toBe('ok');
    });

    it('Gluster: a volume stopped (status 2): critical', async () => {
      await serve(gluster, glusterAnswers(withVolume(GLUSTER_HEALTHY, 'v2', { status: 2 })));
      const evaluation = await evaluate();
      expect(check(evaluation, 'gluster', 'volumes')).toMatchObject({ status: 'critical', live: 1, expected: 2 });
      expect(component(evaluation, 'gluster').reason).toContain('1/2 volumes started');
      expect(component(evaluation, 'gluster').status).toBe('critical');
      expect(evaluation).toMatchObject({ status: 'critical', rootCause: 'gluster' });
    });

    it('Gluster: the legacy generation of names is judged exactly like the current one', async () => {
      const current = await evaluate();
      await serve(gluster, glusterAnswers({ ...GLUSTER_HEALTHY, generation: 'legacy' }));
      const legacy = await evaluate();
      expect(component(legacy, 'gluster')).toEqual(component(current, 'gluster'));
      expect(check(legacy, 'gluster', 'volumes-available')).toMatchObject({ status: 'ok', value: 2 });
      await serve(
        gluster,
        glusterAnswers(withVolume({ ...GLUSTER_HEALTHY, generation: 'legacy' }, 'v2', { status: 2 }))
      );
      expect(component(await evaluate(), 'gluster').status).toBe('critical');
    });

    it('Gluster: gluster_up 0 (volume info with an error code): unknown', async () => {
      await serve(gluster, glusterAnswers({ ...GLUSTER_HEALTHY, up: false }));
      const evaluation = await evaluate();
      expect(component(evaluation, 'gluster').status).toBe('unknown');
      expect(component(evaluation, 'gluster').reason).toContain(
        'gluster_exporter cannot reach its component (gluster_up is 0 or missing)'
      );
      expect(evaluation.status).not.toBe('ok');
    });

    it('Gluster: volume info fails, gluster_up is collected twice and the scrape fails (HTTP 500): unknown', async () => {
      await serve(gluster, glusterAnswers({ ...GLUSTER_HEALTHY, volumeInfoFails: true }));
      const evaluation = await evaluate();
      expect(component(evaluation, 'gluster').status).toBe('unknown');
      expect(component(evaluation, 'gluster').reason).toContain(
        'gluster_exporter not reachable (up == 0 on 3/3 targets'
      );
      expect(evaluation.status).not.toBe('ok');
    });
  });

  describe('swarm-mode', () => {
    it('has no consul component and swarm does not depend on Consul, even when Consul is unobservable', async () => {
      await serve(consul, consulAnswers({ ...CONSUL_HEALTHY, httpError: 500 }));
      const evaluation = await evaluate('swarm-mode');
      expect(evaluation.components.map((c) => c.id)).toEqual([
        'prometheus',
        'hosts',
        'docker',
        'swarm',
        'services',
        'gluster',
        'weave',
      ]);
      expect(component(evaluation, 'swarm')).toMatchObject({ status: 'ok', impacted: false, dependsOn: ['docker'] });
      expect(planQuery(buildPreset('swarm-mode', PARAMS)).query).not.toContain('consul');
      expect(evaluation).toMatchObject({ status: 'ok', rootCause: null });
    });

    it("a new leader's first seconds (0 ready nodes exported): nodes unknown, never red", async () => {
      const [leader] = engines;
      const capture = fs.readFileSync(RECORDED_ENGINE_CAPTURES[0] ?? '', 'utf8');
      const blank = capture.replace(
        /^swarm_manager_nodes\{state="ready"\} \d+$/m,
        'swarm_manager_nodes{state="ready"} 0'
      );
      expect(blank).not.toBe(capture);
      leader?.setBody(blank);
      try {
        await prometheus.waitForQuery(
          `swarm_manager_nodes{job="docker",state="ready"} == 0 and on (instance) swarm_manager_leader == 1`,
          (samples) => samples.length === 1,
          { timeoutMs: 30_000, what: 'the leader exporting 0 ready nodes' }
        );
        const evaluation = await evaluate('swarm-mode');
        expect(check(evaluation, 'swarm', 'nodes')).toMatchObject({
          status: 'unknown',
          reason: 'nodes ready: no value for healthy nodes ready',
        });
        // Quorum and leader are intact: the swarm is not seen whole, not broken.
        expect(check(evaluation, 'swarm', 'managers')).toMatchObject({ status: 'ok' });
        expect(component(evaluation, 'swarm').status).toBe('unknown');
      } finally {
        leader?.setBody(capture);
      }
      await prometheus.waitForQuery(
        `swarm_manager_nodes{job="docker",state="ready"} == 3 and on (instance) swarm_manager_leader == 1`,
        (samples) => samples.length === 1,
        { timeoutMs: 30_000, what: 'the leader exporting 3 ready nodes again' }
      );
    });
  });
});
