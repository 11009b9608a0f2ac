/**
 * google/cadvisor's /metrics (v0.60.5, lib/metrics/prometheus.go and prometheus_machine.go), simulated from
 * its source: /work/shared/fixtures/metric-names/cadvisor-metric-names.txt and the upstream test output
 * (fixtures/upstream/cadvisor/prometheus_metrics.prom, prometheus_machine_metrics.prom).
 *
 * What the real cAdvisor does, and so this one:
 * - Every `container_*` series carries `id` (the cgroup path), `name` (the Docker name), `image`, and one
 *   `container_label_<docker label>` per Docker label, sanitized (`com.docker.swarm.service.name` →
 *   `container_label_com_docker_swarm_service_name`). The label NAMES are the union over all containers;
 *   a container without that label exports it empty (absent once ingested): the root cgroup `/` has
 *   `name=""`, `image=""` and no Swarm labels.
 * - Container and machine samples carry an explicit timestamp: the time cAdvisor COLLECTED the stats, not
 *   the scrape time. Prometheus stores them at that time, drops a repeated timestamp as a duplicate, never
 *   marks them stale, and rejects them as "out of bounds" once they are older than its head block: the
 *   collection time must be recent. It is the `nowMs` argument here (never the clock: pure).
 * - The spec metrics (`container_start_time_seconds`, `container_spec_*`), `container_scrape_error` and
 *   `cadvisor_version_info` have no timestamp.
 * - cgroup v2 has no per-CPU usage: `container_cpu_usage_seconds_total{cpu="total"}`.
 * - Machine metrics carry `boot_id`, `machine_id`, `system_uuid`.
 */
import { bodyOf, gather, type Collected, type Labels, type MetricDescriptor, type ScrapeAnswer } from './exposition';

export interface CadvisorService {
  /** Swarm service name (`com.docker.swarm.service.name`). */
  name: string;
  /** Task containers of this service running on this node (slots 1…n). */
  runningTasks: number;
  /** Image of the task containers (default busybox:1.36). */
  image?: string;
  /** CPU used by each task, in cores (default 0.02). */
  cpuCores?: number;
  /** Memory used by each task, bytes (default 32 MiB). */
  memoryBytes?: number;
}

export interface CadvisorState {
  /** The node's hostname; Swarm node ids and machine ids are derived from it. */
  node: string;
  services: CadvisorService[];
  /** Swarm node id (`com.docker.swarm.node.id`); default derived from `node`. */
  nodeId?: string;
  /** `machine_cpu_cores` (default 2). */
  cpuCores?: number;
  /** `machine_memory_bytes` (default 4 GiB). */
  memoryBytes?: number;
  /** When the task containers started (ms since the epoch; default CADVISOR_DEFAULT_START_MS). */
  startedAtMs?: number;
  /** cAdvisor's HTTP answer fails with this status (the target is down: `up == 0`). */
  httpError?: number;
}

export const CADVISOR_METRICS = {
  cadvisor_version_info: {
    type: 'gauge',
    help: "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.",
  },
  container_cpu_system_seconds_total: { type: 'counter', help: 'Cumulative system cpu time consumed in seconds.' },
  container_cpu_usage_seconds_total: { type: 'counter', help: 'Cumulative cpu time consumed in seconds.' },
  container_cpu_user_seconds_total: { type: 'counter', help: 'Cumulative user cpu time consumed in seconds.' },
  container_last_seen: { type: 'gauge', help: 'Last time a container was seen by the exporter' },
  container_memory_rss: { type: 'gauge', help: 'Size of RSS in bytes.' },
  container_memory_usage_bytes: {
    type: 'gauge',
    help: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
  },
  container_memory_working_set_bytes: { type: 'gauge', help: 'Current working set in bytes.' },
  container_scrape_error: {
    type: 'gauge',
    help: '1 if there was an error while getting container metrics, 0 otherwise',
  },
  container_spec_memory_limit_bytes: { type: 'gauge', help: 'Memory limit for the container.' },
  container_start_time_seconds: { type: 'gauge', help: 'Start time of the container since unix epoch in seconds.' },
  machine_cpu_cores: { type: 'gauge', help: 'Number of logical CPU cores.' },
  machine_cpu_physical_cores: { type: 'gauge', help: 'Number of physical CPU cores.' },
  machine_cpu_sockets: { type: 'gauge', help: 'Number of CPU sockets.' },
  machine_memory_bytes: { type: 'gauge', help: 'Amount of memory installed on the machine.' },
  machine_swap_bytes: { type: 'gauge', help: 'Amount of swap memory available on the machine.' },
} as const satisfies Record<string, MetricDescriptor>;

type CadvisorMetric = keyof typeof CADVISOR_METRICS;

/** The Swarm labels Docker sets on a task container, as cAdvisor names them. */
export const SWARM_TASK_LABELS = [
  'container_label_com_docker_swarm_node_id',
  'container_label_com_docker_swarm_service_id',
  'container_label_com_docker_swarm_service_name',
  'container_label_com_docker_swarm_task_id',
  'container_label_com_docker_swarm_task_name',
] as const;

/** 2026-01-01T00:00:00Z: a fixed default start, so counters grow with `nowMs` and never reset. */
export const CADVISOR_DEFAULT_START_MS = Date.UTC(2026, 0, 1);

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** A deterministic pseudo id (Docker's ids are random; a simulation must be reproducible). */
export function pseudoId(seed: string, length: number, alphabet = '0123456789abcdef'): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    // FNV-1a over seed + round: well spread, no dependency.
    let hash = 0x811c9dc5;
    for (const char of `${seed}#${round}`) {
      hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    }
    for (let i = 0; i < 8 && out.length < length; i++) {
      // Re-mix between characters (xorshift-multiply) so that consecutive ones look independent.
      hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
      out += alphabet[hash % alphabet.length];
    }
  }
  return out;
}

const SWARM_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

interface Container {
  labels: Labels;
  cpuCores: number;
  memoryBytes: number;
  startedAtMs: number;
}

/** The containers cAdvisor sees on the node: the root cgroup, then one per running task. */
function containersOf(state: CadvisorState): Container[] {
  const nodeId = state.nodeId ?? pseudoId(`node:${state.node}`, 25, SWARM_ID_ALPHABET);
  const startedAtMs = state.startedAtMs ?? CADVISOR_DEFAULT_START_MS;
  const tasks: Container[] = state.services.flatMap((service) => {
    const serviceId = pseudoId(`service:${service.name}`, 25, SWARM_ID_ALPHABET);
    return Array.from({ length: service.runningTasks }, (_, index) => {
      const slot = index + 1;
      const taskId = pseudoId(`task:${service.name}.${slot}@${state.node}`, 25, SWARM_ID_ALPHABET);
      const containerId = pseudoId(`container:${taskId}`, 64);
      const taskName = `${service.name}.${slot}.${taskId}`;
      return {
        labels: {
          // systemd cgroup driver on cgroup v2, as on Debian 12.
          id: `/system.slice/docker-${containerId}.scope`,
          image: service.image ?? 'busybox:1.36',
          name: taskName,
          container_label_com_docker_swarm_node_id: nodeId,
          container_label_com_docker_swarm_service_id: serviceId,
          container_label_com_docker_swarm_service_name: service.name,
          container_label_com_docker_swarm_task_id: taskId,
          container_label_com_docker_swarm_task_name: taskName,
        },
        cpuCores: service.cpuCores ?? 0.02,
        memoryBytes: service.memoryBytes ?? 32 * MIB,
        startedAtMs,
      };
    });
  });
  const root: Container = {
    labels: { id: '/', image: '', name: '' },
    // The whole machine: the tasks plus the system's own share.
    cpuCores: 0.1 + tasks.reduce((sum, task) => sum + task.cpuCores, 0),
    memoryBytes: 512 * MIB + tasks.reduce((sum, task) => sum + task.memoryBytes, 0),
    startedAtMs,
  };
  // Every series gets the union of the label names, empty where a container has none (root: no Swarm labels).
  const names = [...new Set([root, ...tasks].flatMap((c) => Object.keys(c.labels)))];
  return [root, ...tasks].map((container) => ({
    ...container,
    labels: Object.fromEntries(names.map((name) => [name, container.labels[name] ?? ''])),
  }));
}

/** What cAdvisor on this node answers, its stats collected at `nowMs` (ms since the epoch). */
export function cadvisorScrape(state: CadvisorState, nowMs: number): ScrapeAnswer {
  if (state.httpError !== undefined) {
    return { ok: false, status: state.httpError, body: `simulated cAdvisor failure ${state.httpError}\n` };
  }
  const out: Collected[] = [];
  const emit = (name: CadvisorMetric, value: number, labels: Labels | undefined, timestampMs?: number) =>
    out.push({ name, value, labels, ...(timestampMs === undefined ? {} : { timestampMs }) });

  emit('cadvisor_version_info', 1, {
    cadvisorRevision: '',
    cadvisorVersion: 'v0.49.1',
    dockerVersion: '20.10.24+dfsg1',
    kernelVersion: '6.1.0-28-amd64',
    osVersion: 'Debian GNU/Linux 12 (bookworm)',
  });
  emit('container_scrape_error', 0, undefined);

  for (const container of containersOf(state)) {
    const { labels } = container;
    // Counters grow linearly with time since the start; a start in the future reads 0.
    const cpuSeconds = (container.cpuCores * Math.max(0, nowMs - container.startedAtMs)) / 1000;
    emit('container_last_seen', nowMs / 1000, labels, nowMs);
    emit('container_cpu_usage_seconds_total', cpuSeconds, { ...labels, cpu: 'total' }, nowMs);
    emit('container_cpu_user_seconds_total', cpuSeconds * 0.7, labels, nowMs);
    emit('container_cpu_system_seconds_total', cpuSeconds * 0.3, labels, nowMs);
    emit('container_memory_usage_bytes', container.memoryBytes, labels, nowMs);
    emit('container_memory_working_set_bytes', Math.round(container.memoryBytes * 0.75), labels, nowMs);
    emit('container_memory_rss', Math.round(container.memoryBytes * 0.6), labels, nowMs);
    emit('container_start_time_seconds', container.startedAtMs / 1000, labels);
    // 0: no limit set.
    emit('container_spec_memory_limit_bytes', 0, labels);
  }

  const machine = {
    boot_id: pseudoId(`boot:${state.node}`, 32),
    machine_id: pseudoId(`machine:${state.node}`, 32),
    system_uuid: pseudoId(`uuid:${state.node}`, 32),
  };
  const cores = state.cpuCores ?? 2;
  emit('machine_cpu_cores', cores, machine, nowMs);
  emit('machine_cpu_physical_cores', cores, machine, nowMs);
  emit('machine_cpu_sockets', 1, machine, nowMs);
  emit('machine_memory_bytes', state.memoryBytes ?? 4 * GIB, machine, nowMs);
  emit('machine_swap_bytes', 0, machine, nowMs);
  return gather(CADVISOR_METRICS, out);
}

/** The exposition of `cadvisorScrape`; throws `ScrapeFailure` when cAdvisor would answer an error. */
export function cadvisorExposition(state: CadvisorState, nowMs: number): string {
  return bodyOf(cadvisorScrape(state, nowMs));
}
