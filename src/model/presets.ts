import { promString } from './promql';
import type { CheckSpec, ClusterModel, ComponentSpec, JobSpec, MeasureSpec } from './types';

/**
 * Presets: the Docker Swarm cluster of the 2017 design as a model, with parameters.
 * `swarm-mode`: Swarm with Raft built in (Docker ≥ 1.12). `swarm-legacy`: classic Swarm with Consul as
 * its key-value store and leader election (`swarm` depends on `consul`).
 * Dependencies: everything runs on the hosts and Docker; Swarm and Weave need Docker.
 */
export const PRESET_NAMES = ['swarm-mode', 'swarm-legacy'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The preset a datasource evaluates when none is chosen: Swarm mode, the Swarm of today. */
export const DEFAULT_PRESET: PresetName = 'swarm-mode';

export interface PresetParams {
  /** Expected counts; when absent, derived from what Prometheus knows (the reason says so). */
  managers?: number;
  hosts?: number;
  consulServers?: number;
  glusterPeers?: number;
  weavePeers?: number;
  /** Tasks of every Swarm service that should be running (replicas summed, global tasks included). */
  tasks?: number;
  nodeJob: string;
  dockerJob: string;
  glusterJob: string;
  weaveJob: string;
  consulJob: string;
  prometheusJob: string;
  /** Busy CPU, % of all cores. */
  cpuWarning: number;
  cpuCritical: number;
  /** Used memory (total − available), %. */
  memoryWarning: number;
  memoryCritical: number;
  /** Used space of the fullest real filesystem, %. */
  diskWarning: number;
  diskCritical: number;
  /** Used swap, % (0 on hosts without swap). */
  swapWarning: number;
  swapCritical: number;
  /** 5-minute load average divided by the number of cores. */
  loadPerCoreWarning: number;
  loadPerCoreCritical: number;
}

export const DEFAULT_PARAMS: PresetParams = {
  nodeJob: 'node',
  dockerJob: 'docker',
  glusterJob: 'gluster',
  weaveJob: 'weave',
  consulJob: 'consul',
  prometheusJob: 'prometheus',
  cpuWarning: 85,
  cpuCritical: 95,
  memoryWarning: 90,
  memoryCritical: 95,
  diskWarning: 85,
  diskCritical: 95,
  swapWarning: 50,
  swapCritical: 80,
  loadPerCoreWarning: 1.5,
  loadPerCoreCritical: 3,
};

const COUNT_PARAMS = ['managers', 'hosts', 'consulServers', 'glusterPeers', 'weavePeers', 'tasks'] as const;
const JOB_PARAMS = ['nodeJob', 'dockerJob', 'glusterJob', 'weaveJob', 'consulJob', 'prometheusJob'] as const;
const THRESHOLD_PAIRS = [
  ['cpuWarning', 'cpuCritical'],
  ['memoryWarning', 'memoryCritical'],
  ['diskWarning', 'diskCritical'],
  ['swapWarning', 'swapCritical'],
  ['loadPerCoreWarning', 'loadPerCoreCritical'],
] as const;

export const PARAM_NAMES: readonly string[] = [...COUNT_PARAMS, ...JOB_PARAMS, ...THRESHOLD_PAIRS.flat()];

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export type ParamsResult = { params: PresetParams; errors: [] } | { params?: undefined; errors: string[] };

/**
 * Reads preset parameters from strings (CLI `--param key=value`, datasource settings).
 * Errors name the parameter and why: `managers: expected a positive integer, got "three"`.
 */
export function parsePresetParams(raw: Record<string, string | number | undefined>): ParamsResult {
  const errors: string[] = [];
  const params: PresetParams = { ...DEFAULT_PARAMS };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === '') {
      continue;
    }
    const text = String(value).trim();
    if ((COUNT_PARAMS as readonly string[]).includes(key)) {
      const count = Number(text);
      if (!Number.isInteger(count) || count < 1) {
        errors.push(`${key}: expected a positive integer, got ${JSON.stringify(text)}`);
      } else {
        params[key as (typeof COUNT_PARAMS)[number]] = count;
      }
    } else if ((JOB_PARAMS as readonly string[]).includes(key)) {
      if (!/^[A-Za-z0-9_.:/-]+$/.test(text)) {
        errors.push(`${key}: expected a job name (letters, digits, _ . : / -), got ${JSON.stringify(text)}`);
      } else {
        params[key as (typeof JOB_PARAMS)[number]] = text;
      }
    } else if ((THRESHOLD_PAIRS.flat() as readonly string[]).includes(key)) {
      const level = Number(text);
      if (text === '' || !Number.isFinite(level) || level < 0) {
        errors.push(`${key}: expected a non-negative number, got ${JSON.stringify(text)}`);
      } else {
        params[key as (typeof THRESHOLD_PAIRS)[number][number]] = level;
      }
    } else {
      errors.push(`${key}: unknown parameter (known: ${PARAM_NAMES.join(', ')})`);
    }
  }
  for (const [warning, critical] of THRESHOLD_PAIRS) {
    if (params[warning] > params[critical]) {
      errors.push(`${warning}: ${params[warning]} is above ${critical} ${params[critical]}: warning must come first`);
    }
  }
  return errors.length > 0 ? { errors } : { params, errors: [] };
}

/** `metric{job="x"}` or `metric{job="x",extra}`. */
function sel(metric: string, job: string, matchers = ''): string {
  return `${metric}{job=${promString(job)}${matchers ? `,${matchers}` : ''}}`;
}

/**
 * For metrics whose absence means zero (counters created on first failure, Weave's omitted states):
 * a 0 for every target of the job that has no series of its own. Stated per expression, so that
 * elsewhere a missing series stays unknown.
 */
function zeroWhenAbsent(job: string): string {
  return `or on (job, instance) (0 * up{job=${promString(job)}})`;
}

/** Each component links to its provisioned detail dashboard (dashboards/, fixed uids). */
function dashboardLink(uid: string): string {
  return `/d/${uid}`;
}

const count = (expr: string): MeasureSpec => ({ expr, aggregate: 'count' });
const max = (expr: string): MeasureSpec => ({ expr, aggregate: 'max' });

/** How many of a job's targets Prometheus knows, including those down now: the fallback expectation. */
function knownTargets(job: string): MeasureSpec {
  return { expr: `up{job=${promString(job)}}`, aggregate: 'count', ungated: true };
}

function expectedCount(given: number | undefined, job: string, param: string) {
  return given === undefined
    ? { expected: knownTargets(job), note: `${job} targets Prometheus knows; set ${param} to pin it` }
    : { expected: given, note: undefined };
}

function reachable(id: string, job: string, items: string, given: number | undefined, param: string): CheckSpec {
  const { expected, note } = expectedCount(given, job, param);
  return {
    kind: 'kOfN',
    id,
    title: `${items} reachable`,
    job,
    items,
    healthy: count(`up{job=${promString(job)}} == 1`),
    total: expected,
    ...(note ? { totalNote: note } : {}),
    warningAtLeast: '50%',
  };
}

function hosts(p: PresetParams): ComponentSpec {
  const job = p.nodeJob;
  const threshold = (id: string, title: string, expr: string, warning: number, critical: number, unit = '%') => ({
    kind: 'threshold' as const,
    id,
    title,
    job,
    expr,
    warning,
    critical,
    unit,
  });
  const cores = `count by (job, instance) (${sel('node_cpu_seconds_total', job, 'mode="idle"')})`;
  return {
    id: 'hosts',
    name: 'Hosts',
    link: dashboardLink('panopticon-hosts'),
    critical: false,
    checks: [
      reachable('reachable', job, 'hosts', p.hosts, 'hosts'),
      threshold(
        'cpu',
        'CPU busy',
        // Busy share of ALL cores: idle averaged over every core of the host.
        `100 * (1 - avg by (job, instance) (rate(${sel('node_cpu_seconds_total', job, 'mode="idle"')}[2m])))`,
        p.cpuWarning,
        p.cpuCritical
      ),
      threshold(
        'memory',
        'memory used',
        // Used = total − available (MemFree alone ignores reclaimable caches; the 2017 check was inverted).
        `100 * (1 - ${sel('node_memory_MemAvailable_bytes', job)} / ${sel('node_memory_MemTotal_bytes', job)})`,
        p.memoryWarning,
        p.memoryCritical
      ),
      {
        ...threshold(
          'disk',
          'disk used',
          `100 * (1 - ${sel('node_filesystem_avail_bytes', job, 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"')} / ${sel('node_filesystem_size_bytes', job, 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"')})`,
          p.diskWarning,
          p.diskCritical
        ),
        nameBy: ['instance', 'mountpoint'],
      },
      threshold(
        'swap',
        'swap used',
        // A host without swap has SwapTotal 0: clamp the divisor so it reads 0 % used, not NaN.
        `100 * (${sel('node_memory_SwapTotal_bytes', job)} - ${sel('node_memory_SwapFree_bytes', job)}) / clamp_min(${sel('node_memory_SwapTotal_bytes', job)}, 1)`,
        p.swapWarning,
        p.swapCritical
      ),
      threshold(
        'load',
        'load per core',
        // Load is only meaningful per core: load5 divided by the host's number of CPUs.
        `${sel('node_load5', job)} / on (job, instance) ${cores}`,
        p.loadPerCoreWarning,
        p.loadPerCoreCritical,
        ''
      ),
    ],
  };
}

function docker(p: PresetParams): ComponentSpec {
  const job = p.dockerJob;
  return {
    id: 'docker',
    name: 'Docker engines',
    link: dashboardLink('panopticon-docker-swarm'),
    critical: true,
    // One host down is a warning on hosts; it must not turn every component orange by itself.
    dependsOn: [{ id: 'hosts', propagation: 'capWarning' }],
    checks: [
      reachable('engines', job, 'engines', p.hosts, 'hosts'),
      {
        kind: 'presence',
        id: 'engine-info',
        title: 'engine metrics',
        job,
        expr: sel('engine_daemon_engine_info', job),
        hint: `is the Docker engine's metrics-addr scraped under job ${job}?`,
      },
    ],
  };
}

function swarm(p: PresetParams, legacy: boolean): ComponentSpec {
  const job = p.dockerJob;
  const managerSelector = sel('swarm_node_manager', job);
  const expected: MeasureSpec | number = p.managers ?? {
    // Counts are cluster-wide per manager and a down manager stops reporting: remember who was a manager.
    expr: `max_over_time(${managerSelector}[1h]) == 1`,
    aggregate: 'count',
    ungated: true,
  };
  return {
    id: 'swarm',
    name: 'Swarm managers',
    link: dashboardLink('panopticon-docker-swarm'),
    critical: true,
    dependsOn: ['docker', ...(legacy ? ['consul'] : [])],
    checks: [
      {
        kind: 'quorum',
        id: 'managers',
        title: 'manager quorum',
        job,
        members: 'managers',
        live: count(`${managerSelector} == 1`),
        expected,
        ...(p.managers === undefined ? { expectedNote: 'managers seen in the last hour; set managers to pin it' } : {}),
      },
      {
        kind: 'leader',
        id: 'leader',
        title: 'Raft leader',
        job,
        leaders: count(`${sel('swarm_manager_leader', job)} == 1`),
        claimants: `${sel('swarm_manager_leader', job)} == 1`,
      },
      {
        kind: 'kOfN',
        id: 'nodes',
        title: 'nodes ready',
        job,
        items: 'nodes ready',
        // The leader's view only: every manager exports the same cluster-wide counts (never sum them), and
        // a manager that lost quorum keeps exporting stale ones. A leader is itself a ready node: the 0 a new
        // leader exports for its first seconds (measured 1–5 s) is no view yet, unknown rather than red.
        healthy: max(
          `${sel('swarm_manager_nodes', job, 'state="ready"')} > 0 and on (job, instance) (${sel('swarm_manager_leader', job)} == 1)`
        ),
        total: max(
          `sum by (job, instance) (${sel('swarm_manager_nodes', job)}) and on (job, instance) (${sel('swarm_manager_leader', job)} == 1)`
        ),
        warningAtLeast: '50%',
      },
    ],
  };
}

/**
 * The services Swarm runs: tasks running against tasks wanted, in the leader's view (the store's task
 * states; engines export no per-service replica gauge). A crash-looping service drops out of `running`
 * within seconds. A task on a node that just died still counts as running until the orchestrator notices;
 * that loss shows on docker and swarm. Not critical: failing services leave the cluster itself working.
 */
function services(p: PresetParams): ComponentSpec {
  const job = p.dockerJob;
  const running = sel('swarm_manager_tasks_total', job, 'state="running"');
  const expected: MeasureSpec | number = p.tasks ?? {
    // Every manager exports the same cluster-wide count; the highest of the last hour is what was wanted.
    expr: `max_over_time(${running}[1h])`,
    aggregate: 'max',
    ungated: true,
  };
  return {
    id: 'services',
    name: 'Swarm services',
    link: dashboardLink('panopticon-docker-swarm'),
    critical: false,
    dependsOn: ['swarm'],
    checks: [
      {
        kind: 'kOfN',
        id: 'tasks',
        title: 'tasks running',
        job,
        items: 'tasks running',
        healthy: max(`${running} and on (job, instance) (${sel('swarm_manager_leader', job)} == 1)`),
        total: expected,
        ...(p.tasks === undefined ? { totalNote: 'most tasks running in the last hour; set tasks to pin it' } : {}),
        warningAtLeast: '50%',
        // A swarm that runs no service is not a failing one.
        noneExpected: 'ok',
      },
    ],
  };
}

function gluster(p: PresetParams): ComponentSpec {
  const job = p.glusterJob;
  const peers = p.glusterPeers;
  return {
    id: 'gluster',
    name: 'GlusterFS',
    link: dashboardLink('panopticon-glusterfs'),
    critical: true,
    dependsOn: [{ id: 'hosts', propagation: 'capWarning' }],
    checks: [
      {
        kind: 'kOfN',
        id: 'volumes',
        title: 'volumes started',
        job,
        items: 'volumes started',
        // gluster_volume_status is 1 for Started (0 Created, 2 Stopped).
        healthy: { expr: `${sel('gluster_volume_status', job)} == 1`, aggregate: 'count', distinctBy: 'volume' },
        total: { expr: sel('gluster_volume_status', job), aggregate: 'count', distinctBy: 'volume' },
        warningAtLeast: '100%',
      },
      {
        kind: 'threshold',
        id: 'volumes-available',
        title: 'volumes available',
        job,
        // Both generations of gluster_exporter: gluster_volumes_available, formerly gluster_volumes_count.
        expr: `${sel('gluster_volumes_available', job)} or ${sel('gluster_volumes_count', job)}`,
        aggregate: 'max',
        direction: 'below',
        warning: 0,
        critical: 0,
        unit: '',
      },
      {
        kind: 'presence',
        id: 'heal-info',
        title: 'heal info',
        job,
        // A down brick makes the exporter's heal parsing fail and the series of THAT volume vanish (the other
        // volumes keep theirs): missing is not healthy. An exporter's heal series only count while none of the
        // still-started volumes it reported heal info for in the last hour is missing now.
        expr: `${sel('gluster_heal_info_files_count', job)} unless on (job, instance) ((max_over_time(${sel('gluster_heal_info_files_count', job)}[1h]) and on (job, instance, volume) (${sel('gluster_volume_status', job)} == 1)) unless on (job, instance, volume) ${sel('gluster_heal_info_files_count', job)})`,
        hint: 'heal info vanishes when a brick is down (port N/A): check `gluster volume status`',
      },
      {
        kind: 'threshold',
        id: 'heal-pending',
        title: 'files pending heal',
        job,
        expr: `max by (job, instance, volume) (${sel('gluster_heal_info_files_count', job)})`,
        warning: 1,
        critical: 1000,
        unit: ' files',
        nameBy: ['volume'],
      },
      ...(peers === undefined
        ? []
        : [
            {
              kind: 'kOfN' as const,
              id: 'peers',
              title: 'peers listed',
              job,
              items: 'peers listed',
              // gluster_peers_connected counts listed peers whatever their state, without the node itself.
              healthy: max(`${sel('gluster_peers_connected', job)} + 1`),
              total: peers,
              warningAtLeast: '50%' as const,
            },
          ]),
    ],
  };
}

function weave(p: PresetParams): ComponentSpec {
  const job = p.weaveJob;
  const liveRouters = `count(up{job=${promString(job)}} == 1)`;
  return {
    id: 'weave',
    name: 'Weave Net',
    link: dashboardLink('panopticon-weave'),
    critical: true,
    dependsOn: ['docker'],
    checks: [
      reachable('routers', job, 'routers', p.weavePeers, 'weavePeers'),
      {
        kind: 'kOfN',
        id: 'mesh',
        title: 'mesh connections',
        job,
        items: 'routers meshed',
        // Judge routers, not connections: a full mesh has n·(n−1) connections, so one router cut off from
        // three already takes 4 of the 6 away and a connection count turns red on one lost peer (the 2017
        // prototype's mistake). A live router is meshed when it has established connections to at least
        // half of the other live routers (Weave omits zero series: an isolated router has none at all, and
        // a count of routers is 0, not "no value", when no router has any); a lost router shows on
        // `routers`. A lone router has nothing to mesh with: nothing expected.
        healthy: count(
          `sum by (job, instance) (${sel('weave_connections', job, 'state="established"')}) >= scalar(${liveRouters} - 1) / 2`
        ),
        total: count(`up{job=${promString(job)}} == 1 and on () (${liveRouters} > 1)`),
        warningAtLeast: '50%',
      },
      {
        kind: 'threshold',
        id: 'failed',
        title: 'failed connections',
        job,
        // Weave omits states without connections: no failed series is 0 failed on a live router.
        expr: `sum by (job, instance) (${sel('weave_connections', job, 'state="failed"')}) ${zeroWhenAbsent(job)}`,
        warning: 1,
        unit: '',
      },
      {
        kind: 'threshold',
        id: 'ipam',
        title: 'IPAM unreachable',
        job,
        // Each router's view of the address space owned by peers it cannot reach. A router cut off from the
        // mesh sees every other range as unreachable: that is its own isolation (on `mesh`), not the cluster's
        // IPAM. Judge the best-connected router's view.
        expr: sel('weave_ipam_unreachable_percentage', job),
        aggregate: 'min',
        warning: 1,
        critical: 50,
        unit: '%',
      },
    ],
  };
}

function consul(p: PresetParams): ComponentSpec {
  const job = p.consulJob;
  // Servers are the members whose role is "consul"; every exporter reports every member: dedupe by member.
  const aliveServers = `${sel('consul_serf_lan_member_status', job)} == 1 and on (job, instance, member) ${sel('consul_serf_lan_member_info', job, 'role="consul"')}`;
  const expected: MeasureSpec | number = p.consulServers ?? {
    expr: sel('consul_serf_lan_member_info', job, 'role="consul"'),
    aggregate: 'count',
    distinctBy: 'member',
  };
  const expectedNote =
    p.consulServers === undefined ? { expectedNote: 'servers Consul lists; set consulServers to pin it' } : {};
  return {
    id: 'consul',
    name: 'Consul',
    link: dashboardLink('panopticon-consul'),
    critical: true,
    dependsOn: ['docker'],
    checks: [
      {
        kind: 'quorum',
        id: 'servers',
        title: 'server quorum',
        job,
        members: 'servers',
        live: { expr: aliveServers, aggregate: 'count', distinctBy: 'member' },
        expected,
        ...expectedNote,
      },
      {
        kind: 'quorum',
        id: 'raft-peers',
        title: 'Raft peers',
        job,
        members: 'Raft peers',
        // The voters Raft itself counts (every agent reports the same configuration). A server taken out of
        // Raft (remove-peer, autopilot) while alive in Serf leaves fewer voters than servers: the quorum
        // above cannot see that.
        live: max(sel('consul_raft_peers', job)),
        expected,
        ...expectedNote,
      },
      {
        kind: 'kOfN',
        id: 'leader',
        title: 'Raft leader seen',
        job,
        // consul_raft_leader is "this agent sees a leader", not "is the leader": every agent must see one,
        // and any that does not is critical (writes and elections stall there).
        items: 'agents seeing a Raft leader',
        healthy: count(`${sel('consul_raft_leader', job)} == 1`),
        total: count(sel('consul_raft_leader', job)),
        warningAtLeast: '100%',
      },
      {
        kind: 'threshold',
        id: 'node-health',
        title: 'failing node checks',
        job,
        // One-hot on status: four series per check, the status="critical" one is 1 for a failing check and 0
        // otherwise, so it exists on a healthy cluster. Every exporter sees every node: take one exporter's sum.
        expr: `sum by (job, instance) (${sel('consul_health_node_status', job, 'status="critical"')})`,
        aggregate: 'max',
        warning: 1,
        unit: '',
      },
    ],
  };
}

function prometheus(p: PresetParams): ComponentSpec {
  const job = p.prometheusJob;
  return {
    id: 'prometheus',
    name: 'Prometheus',
    link: dashboardLink('panopticon-prometheus'),
    critical: false,
    checks: [
      reachable('self', job, 'Prometheus servers', undefined, 'prometheusJob'),
      {
        kind: 'threshold',
        id: 'config',
        title: 'config reload',
        job,
        expr: sel('prometheus_config_last_reload_successful', job),
        direction: 'below',
        warning: 0,
        unit: '',
      },
      {
        kind: 'threshold',
        id: 'rules',
        title: 'rule groups failing (10m)',
        job,
        // Without rule groups the counter does not exist at all: that is 0 failures on a live target.
        expr: `sum by (job, instance) (increase(${sel('prometheus_rule_evaluation_failures_total', job)}[10m])) ${zeroWhenAbsent(job)}`,
        aggregate: 'sum',
        warning: 1,
        unit: '',
      },
    ],
  };
}

function jobs(p: PresetParams, legacy: boolean): JobSpec[] {
  return [
    { job: p.prometheusJob, describes: 'Prometheus itself', role: 'member' },
    { job: p.nodeJob, describes: 'node_exporter', role: 'member' },
    { job: p.dockerJob, describes: "the Docker engines' metrics endpoint", role: 'member' },
    { job: p.glusterJob, describes: 'gluster_exporter', role: 'exporter', componentUpMetric: 'gluster_up' },
    { job: p.weaveJob, describes: "the Weave Net routers' metrics endpoint", role: 'member' },
    ...(legacy
      ? [{ job: p.consulJob, describes: 'consul_exporter', role: 'exporter' as const, componentUpMetric: 'consul_up' }]
      : []),
  ];
}

/**
 * Builds a preset's model. Components: prometheus, hosts, docker, swarm, gluster, weave; swarm-mode adds
 * services (classic Swarm has no services), swarm-legacy adds consul.
 */
export function buildPreset(name: PresetName, params: PresetParams = DEFAULT_PARAMS): ClusterModel {
  const legacy = name === 'swarm-legacy';
  return {
    name: legacy ? 'Docker Swarm (classic, Consul)' : 'Docker Swarm (swarm mode)',
    jobs: jobs(params, legacy),
    components: [
      prometheus(params),
      hosts(params),
      docker(params),
      ...(legacy ? [consul(params)] : []),
      swarm(params, legacy),
      ...(legacy ? [] : [services(params)]),
      gluster(params),
      weave(params),
    ],
  };
}
