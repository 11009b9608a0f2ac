/**
 * A simulated, healthy Docker Swarm cluster of N hosts, written as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics`. It carries the real metric names and labels the
 * `swarm-mode` preset reads (node_exporter, the Docker engine with swarmkit, Weave Net, gluster_exporter,
 * Prometheus' self-scrape; see /work/shared/METRICS.md and fixtures/real), so that a real Prometheus
 * answers the planned query exactly as it would for a real cluster of that size – and every component of
 * the preset must come out ok, which is how the bench knows the simulation means something.
 */
import { open } from 'node:fs/promises';

/** Who is who in the simulated cluster. */
export interface ClusterLayout {
  hosts: number;
  /** Hosts 0 … managers−1 are Swarm managers: 3 below 30 hosts, 5 from 30 on (Docker's advice). */
  managers: number;
  /** Index of the one Raft leader, a manager. */
  leader: number;
  /** Hosts 0 … glusterPeers−1 run glusterd with one replica-3 volume, each with a gluster_exporter. */
  glusterPeers: number;
}

/** The layout for a cluster of `hosts` hosts. */
export function layoutFor(hosts: number): ClusterLayout {
  const managers = Math.min(hosts, hosts < 30 ? 3 : 5);
  // Not host 0, so that "the first host" and "the leader" are not silently the same thing.
  return { hosts, managers, leader: managers - 1, glusterPeers: Math.min(hosts, 3) };
}

/**
 * Sample timestamps in Unix SECONDS (what promtool's OpenMetrics parser reads): `minutes` of history at
 * `stepSeconds`, ending exactly at `endSeconds`, oldest first.
 */
export function sampleTimes(endSeconds: number, minutes = 10, stepSeconds = 15): number[] {
  const count = Math.floor((minutes * 60) / stepSeconds) + 1;
  return Array.from({ length: count }, (_, index) => endSeconds - (count - 1 - index) * stepSeconds);
}

/** One series: its rendered label set and its value at a given instant (Unix seconds). */
interface SimulatedSeries {
  labels: string;
  valueAt(time: number): number;
}

/**
 * All series of one metric name. promtool needs every line of a metric name together, so the file is
 * written family by family (and, within a family, series by series in time order).
 */
interface MetricFamily {
  name: string;
  series(layout: ClusterLayout): Iterable<SimulatedSeries>;
}

const GIB = 1024 ** 3;
const GB = 1e9;

/** `host-0042`: zero-padded so that instances sort naturally; never an IP address. */
export function hostName(index: number, layout: ClusterLayout): string {
  return `host-${String(index).padStart(Math.max(4, String(layout.hosts - 1).length), '0')}`;
}

/** `{job="node",instance="host-0042:9100",cpu="0"}`; JSON string escaping is valid OpenMetrics escaping. */
function renderLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',')}}`;
}

/**
 * A deterministic number in [0, 1) per host and purpose (`salt`): hosts differ from each other, but every
 * run generates the same cluster, so runs are comparable.
 */
function unit(host: number, salt: number): number {
  let x = Math.imul(host + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 32;
}

/** ±2 % over a few minutes, so gauges are not constant (as real ones are not: it changes chunk sizes). */
function wobble(time: number, host: number): number {
  return 1 + 0.02 * Math.sin(time / 97 + host);
}

const constant = (value: number) => () => value;
/** The same constant value on every target. */
const everywhere = (value: number) => () => constant(value);

/** Every host index of the cluster, as a range. */
function* hostIndexes(count: number): Iterable<number> {
  for (let index = 0; index < count; index++) {
    yield index;
  }
}

/** The per-host targets of each job, with the ports the real exporters listen on. */
const JOBS = {
  node: { job: 'node', port: 9100 },
  docker: { job: 'docker', port: 9323 },
  weave: { job: 'weave', port: 6782 },
  gluster: { job: 'gluster', port: 9189 },
  prometheus: { job: 'prometheus', port: 9090 },
} as const;

type JobName = keyof typeof JOBS;

function target(job: JobName, host: number, layout: ClusterLayout): Record<string, string> {
  return { job: JOBS[job].job, instance: `${hostName(host, layout)}:${JOBS[job].port}` };
}

/** How many hosts run a target of the job: every host, except gluster peers and the one Prometheus. */
function targetCount(job: JobName, layout: ClusterLayout): number {
  switch (job) {
    case 'gluster':
      return layout.glusterPeers;
    case 'prometheus':
      return 1;
    default:
      return layout.hosts;
  }
}

/**
 * A family with one series per target of `job` (optionally per extra label set), valued by `value`.
 * Most families are exactly this shape.
 */
function perTarget(
  name: string,
  job: JobName,
  value: (host: number, layout: ClusterLayout, extra: Record<string, string>) => (time: number) => number,
  extras: Array<Record<string, string>> = [{}]
): MetricFamily {
  return {
    name,
    *series(layout) {
      for (const host of hostIndexes(targetCount(job, layout))) {
        for (const extra of extras) {
          yield {
            labels: renderLabels({ ...target(job, host, layout), ...extra }),
            valueAt: value(host, layout, extra),
          };
        }
      }
    },
  };
}

/** `up` of every target of every job: one family, because promtool wants one metric name together. */
const upFamily: MetricFamily = {
  name: 'up',
  *series(layout) {
    for (const job of Object.keys(JOBS) as JobName[]) {
      for (const host of hostIndexes(targetCount(job, layout))) {
        yield { labels: renderLabels(target(job, host, layout)), valueAt: constant(1) };
      }
    }
  },
};

const CPU_MODES = ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'nice', 'steal'] as const;
/** How the busy time splits over the non-idle modes (sums to 1). */
const BUSY_SHARE: Record<(typeof CPU_MODES)[number], number> = {
  idle: 0,
  user: 0.6,
  system: 0.2,
  iowait: 0.05,
  irq: 0.02,
  softirq: 0.05,
  nice: 0.03,
  steal: 0.05,
};
const CPUS = ['0', '1'];

/** Hosts booted within 30 days before this instant (Unix seconds), so counters have plausible sizes. */
const BOOT_EPOCH = 1_700_000_000;

/** `node_cpu_seconds_total{cpu,mode}`: increasing counters, 5–45 % busy per host (below the 85 % warning). */
function cpuSeconds(host: number, _layout: ClusterLayout, extra: Record<string, string>): (time: number) => number {
  const mode = (extra.mode ?? 'idle') as (typeof CPU_MODES)[number];
  const busy = (0.05 + 0.4 * unit(host, 1)) * (extra.cpu === '0' ? 1.05 : 0.95);
  const share = mode === 'idle' ? 1 - busy : busy * BUSY_SHARE[mode];
  const bootedAt = BOOT_EPOCH - 86400 * 30 * unit(host, 2);
  return (time) => share * (time - bootedAt);
}

const memTotal = (host: number) => (unit(host, 3) < 0.5 ? 8 : 16) * GIB;
/** Swapless hosts (every fourth) exercise the preset's clamp on SwapTotal 0. */
const swapTotal = (host: number) => (host % 4 === 3 ? 0 : 2 * GIB);

const FILESYSTEMS = [
  { device: '/dev/vda1', fstype: 'ext4', mountpoint: '/' },
  { device: '/dev/vdb', fstype: 'xfs', mountpoint: '/var/lib/docker' },
];
const fsSize = (extra: Record<string, string>) => (extra.mountpoint === '/' ? 50 : 200) * GB;

const SWARM_NODE_STATES = ['disconnected', 'down', 'ready', 'unknown'].map((state) => ({ state }));

/** The node_exporter families: CPU, memory, swap, filesystems, load. */
const nodeFamilies: MetricFamily[] = [
  perTarget(
    'node_cpu_seconds_total',
    'node',
    cpuSeconds,
    CPUS.flatMap((cpu) => CPU_MODES.map((mode) => ({ cpu, mode })))
  ),
  perTarget(
    'node_filesystem_avail_bytes',
    'node',
    (host, _layout, extra) => {
      const free = 0.3 + 0.5 * unit(host, extra.mountpoint === '/' ? 4 : 5);
      return (time) => Math.round(fsSize(extra) * free * wobble(time, host));
    },
    FILESYSTEMS
  ),
  perTarget('node_filesystem_size_bytes', 'node', (_host, _layout, extra) => constant(fsSize(extra)), FILESYSTEMS),
  perTarget('node_load5', 'node', (host) => {
    const perCore = 0.1 + 0.9 * unit(host, 6);
    return (time) => Math.round(CPUS.length * perCore * wobble(time, host) * 100) / 100;
  }),
  perTarget('node_memory_MemAvailable_bytes', 'node', (host) => {
    const available = 0.3 + 0.5 * unit(host, 7);
    return (time) => Math.round(memTotal(host) * available * wobble(time, host));
  }),
  perTarget('node_memory_MemTotal_bytes', 'node', (host) => constant(memTotal(host))),
  perTarget('node_memory_SwapFree_bytes', 'node', (host) =>
    constant(Math.round(swapTotal(host) * (0.8 + 0.2 * unit(host, 8))))
  ),
  perTarget('node_memory_SwapTotal_bytes', 'node', (host) => constant(swapTotal(host))),
];

/**
 * The Docker engine families. Every engine exports every `swarm_*` series, 0 where it does not apply
 * (REAL: fixtures/real/docker/docker-engine-noswarm.prom), so workers carry `swarm_manager_nodes` as 0;
 * managers carry the same cluster-wide counts, all N nodes ready.
 */
const dockerFamilies: MetricFamily[] = [
  perTarget('swarm_manager_leader', 'docker', (host, layout) => constant(host === layout.leader ? 1 : 0)),
  perTarget(
    'swarm_manager_nodes',
    'docker',
    (host, layout, extra) => constant(host < layout.managers && extra.state === 'ready' ? layout.hosts : 0),
    SWARM_NODE_STATES
  ),
  perTarget('swarm_node_manager', 'docker', (host, layout) => constant(host < layout.managers ? 1 : 0)),
];

/** engine_daemon_engine_info's labels as a real 20.10 engine has them, with a per-host daemon id. */
const engineInfoFamily: MetricFamily = {
  name: 'engine_daemon_engine_info',
  *series(layout) {
    for (const host of hostIndexes(layout.hosts)) {
      const labels = {
        ...target('docker', host, layout),
        architecture: 'x86_64',
        commit: '5d6db84',
        daemon_id: `SIM${String(host).padStart(5, '0')}:BENCH`,
        graphdriver: 'overlay2',
        kernel: '6.1.0-28-amd64',
        os: 'Debian GNU/Linux 12 (bookworm)',
        os_type: 'linux',
        os_version: '12',
        version: '20.10.24+dfsg1',
      };
      yield { labels: renderLabels(labels), valueAt: constant(1) };
    }
  },
};

/** Weave Net routers on every host, in a full mesh: n−1 established connections each, nothing failed. */
const weaveFamilies: MetricFamily[] = [
  perTarget('weave_connections', 'weave', (_host, layout) => constant(layout.hosts - 1), [
    { state: 'established', type: 'fastdp', encryption: 'no' },
  ]),
  perTarget('weave_ipam_unreachable_percentage', 'weave', everywhere(0)),
];

/** gluster_exporter on the gluster peers: one started volume `data`, nothing pending heal. */
const glusterFamilies: MetricFamily[] = [
  perTarget('gluster_heal_info_files_count', 'gluster', everywhere(0), [{ volume: 'data' }]),
  perTarget('gluster_peers_connected', 'gluster', (_host, layout) => constant(layout.glusterPeers - 1)),
  perTarget('gluster_up', 'gluster', everywhere(1)),
  perTarget('gluster_volume_status', 'gluster', everywhere(1), [{ volume: 'data' }]),
  perTarget('gluster_volumes_available', 'gluster', everywhere(1)),
];

/** Every family of the simulated cluster, in the order they are written. */
export const FAMILIES: readonly MetricFamily[] = [
  upFamily,
  ...nodeFamilies,
  engineInfoFamily,
  ...dockerFamilies,
  ...weaveFamilies,
  ...glusterFamilies,
  perTarget('prometheus_config_last_reload_successful', 'prometheus', everywhere(1)),
];

/** What was written, for the report. */
export interface GeneratedFile {
  path: string;
  series: number;
  samples: number;
  bytes: number;
}

/** Lines are buffered and written in chunks of about this many characters. */
const CHUNK_CHARS = 1 << 20;

/** Formats a sample value compactly: integers as such, fractions to the millisecond. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * Streams the cluster's OpenMetrics text to `path` (millions of lines for 3,000 hosts: never held in
 * memory at once). No `# TYPE`/`# HELP` lines – promtool accepts no `#` line but the final `# EOF`.
 */
export async function writeOpenMetrics(args: {
  path: string;
  layout: ClusterLayout;
  times: number[];
}): Promise<GeneratedFile> {
  const handle = await open(args.path, 'w');
  let chunk = '';
  let series = 0;
  let bytes = 0;
  const flush = async () => {
    bytes += Buffer.byteLength(chunk);
    await handle.write(chunk);
    chunk = '';
  };
  try {
    for (const family of FAMILIES) {
      for (const one of family.series(args.layout)) {
        series += 1;
        const prefix = `${family.name}${one.labels} `;
        for (const time of args.times) {
          chunk += `${prefix}${formatValue(one.valueAt(time))} ${time}\n`;
        }
        if (chunk.length >= CHUNK_CHARS) {
          await flush();
        }
      }
    }
    chunk += '# EOF\n';
    await flush();
  } finally {
    await handle.close();
  }
  return { path: args.path, series, samples: series * args.times.length, bytes };
}
