/**
 * The simulated cAdvisor against cAdvisor's own source (the metric-name fixture: names, types, help
 * strings) and its upstream test output (explicit timestamps, which series carry none).
 */
import * as fs from 'fs';
import {
  CADVISOR_METRICS,
  SWARM_TASK_LABELS,
  cadvisorExposition,
  cadvisorScrape,
  parseExposition,
  type CadvisorState,
  type ParsedSample,
} from '.';

const FIXTURES = '/work/shared/fixtures';

interface FixtureMetric {
  type: string;
  help: string;
}

/** `name<TAB>type=…<TAB>…<TAB>help='…'<TAB>src=…` lines of cadvisor-metric-names.txt. */
function fixtureMetrics(): Map<string, FixtureMetric> {
  const text = fs.readFileSync(`${FIXTURES}/metric-names/cadvisor-metric-names.txt`, 'utf8');
  const metrics = new Map<string, FixtureMetric>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') {
      continue;
    }
    const [name = '', ...fields] = line.split('\t');
    const field = (key: string) => fields.find((f) => f.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';
    // help='…' or help="…" (when the text holds a single quote).
    metrics.set(name, { type: field('type'), help: field('help').slice(1, -1) });
  }
  return metrics;
}

/** `# HELP` and `# TYPE` lines of the upstream test output: what cAdvisor writes. */
function upstreamMetrics(): Map<string, FixtureMetric> {
  const metrics = new Map<string, FixtureMetric>();
  for (const file of ['prometheus_metrics.prom', 'prometheus_machine_metrics.prom']) {
    const text = fs.readFileSync(`${FIXTURES}/upstream/cadvisor/${file}`, 'utf8');
    for (const match of text.matchAll(/^# HELP (\S+) (.*)\n# TYPE \S+ (\S+)$/gm)) {
      metrics.set(match[1] ?? '', { help: match[2] ?? '', type: match[3] ?? '' });
    }
  }
  return metrics;
}

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const STATE: CadvisorState = {
  node: 'node-1',
  services: [
    { name: 'web', runningTasks: 2 },
    { name: 'db', runningTasks: 1 },
  ],
};

const samplesOf = (state: CadvisorState, now = NOW): ParsedSample[] =>
  parseExposition(cadvisorExposition(state, now)).samples;

describe('simulated cAdvisor', () => {
  it("declares cAdvisor's own names, types and help strings", () => {
    const fixture = fixtureMetrics();
    const upstream = upstreamMetrics();
    for (const [name, descriptor] of Object.entries(CADVISOR_METRICS)) {
      const declared = { name, type: descriptor.type, help: descriptor.help };
      // container_scrape_error is only in the list's header notes: its upstream output is the reference.
      expect({ name, ...(fixture.get(name) ?? upstream.get(name)) }).toEqual(declared);
      if (upstream.has(name)) {
        expect({ name, ...upstream.get(name) }).toEqual(declared);
      }
    }
  });

  it('writes a document Prometheus can read: HELP and TYPE per family, one family per block', () => {
    const parsed = parseExposition(cadvisorExposition(STATE, NOW));
    expect([...parsed.type.keys()].sort()).toEqual(Object.keys(CADVISOR_METRICS).sort());
    for (const [name, type] of parsed.type) {
      expect(type).toBe(CADVISOR_METRICS[name as keyof typeof CADVISOR_METRICS].type);
    }
  });

  it('labels each running task container with its Swarm service, task and node', () => {
    const lastSeen = samplesOf(STATE).filter((s) => s.name === 'container_last_seen');
    const tasks = lastSeen.filter((s) => s.labels.container_label_com_docker_swarm_service_name !== '');
    expect(tasks.map((s) => s.labels.container_label_com_docker_swarm_service_name).sort()).toEqual([
      'db',
      'web',
      'web',
    ]);
    for (const task of tasks) {
      const { name, container_label_com_docker_swarm_task_name: taskName } = task.labels;
      expect(taskName).toMatch(/^(web|db)\.\d\.[a-z0-9]{25}$/);
      expect(name).toBe(taskName);
      expect(task.labels.id).toMatch(/^\/system\.slice\/docker-[0-9a-f]{64}\.scope$/);
      expect(task.labels.container_label_com_docker_swarm_node_id).toMatch(/^[a-z0-9]{25}$/);
    }
    expect(new Set(tasks.map((t) => t.labels.container_label_com_docker_swarm_node_id)).size).toBe(1);
    expect(new Set(tasks.map((t) => t.labels.id)).size).toBe(3);
  });

  it("gives every container the union of the label names, empty where it has none (the root cgroup '/')", () => {
    const usage = samplesOf(STATE).filter((s) => s.name === 'container_memory_usage_bytes');
    const names = usage.map((s) => Object.keys(s.labels).sort().join(','));
    expect(new Set(names).size).toBe(1);
    const root = usage.find((s) => s.labels.id === '/');
    expect(root?.labels).toMatchObject({ name: '', image: '' });
    for (const label of SWARM_TASK_LABELS) {
      expect(root?.labels[label]).toBe('');
    }
  });

  it('stamps container and machine samples with the collection time, not the spec and info metrics', () => {
    const samples = samplesOf(STATE);
    const stamped = new Set(samples.filter((s) => s.timestampMs !== undefined).map((s) => s.name));
    expect(samples.filter((s) => s.timestampMs !== undefined).every((s) => s.timestampMs === NOW)).toBe(true);
    expect([...stamped].sort()).toEqual(
      [
        'container_cpu_system_seconds_total',
        'container_cpu_usage_seconds_total',
        'container_cpu_user_seconds_total',
        'container_last_seen',
        'container_memory_rss',
        'container_memory_usage_bytes',
        'container_memory_working_set_bytes',
        'machine_cpu_cores',
        'machine_cpu_physical_cores',
        'machine_cpu_sockets',
        'machine_memory_bytes',
        'machine_swap_bytes',
      ].sort()
    );
    expect(samples.find((s) => s.name === 'container_last_seen')?.value).toBe(NOW / 1000);
    // As upstream writes it: the value in seconds (Go's %g), then the timestamp in ms.
    expect(cadvisorExposition(STATE, NOW)).toContain(' 1.7963856e+09 1796385600000\n');
  });

  it('reports the machine and cgroup v2 CPU usage (cpu="total"), counters growing with time', () => {
    const at = (now: number) =>
      samplesOf({ ...STATE, cpuCores: 4, memoryBytes: 8 * 2 ** 30 }, now).filter(
        (s) => s.name === 'container_cpu_usage_seconds_total' || s.name.startsWith('machine_')
      );
    const before = at(NOW);
    const after = at(NOW + 60_000);
    expect(before.find((s) => s.name === 'machine_cpu_cores')?.value).toBe(4);
    expect(before.find((s) => s.name === 'machine_memory_bytes')?.value).toBe(8 * 2 ** 30);
    const cpu = before.filter((s) => s.name === 'container_cpu_usage_seconds_total');
    expect(cpu.map((s) => s.labels.cpu)).toEqual(['total', 'total', 'total', 'total']);
    for (const [index, sample] of before.entries()) {
      if (sample.name === 'container_cpu_usage_seconds_total') {
        expect(after[index]?.value).toBeGreaterThan(sample.value);
      }
    }
    for (const sample of before.filter((s) => s.name.startsWith('machine_'))) {
      expect(Object.keys(sample.labels).sort()).toEqual(['boot_id', 'machine_id', 'system_uuid']);
    }
  });

  it('is pure: the same state and time give the same document, another node other ids', () => {
    expect(cadvisorExposition(STATE, NOW)).toBe(cadvisorExposition(STATE, NOW));
    const ids = (node: string) =>
      samplesOf({ ...STATE, node })
        .filter((s) => s.name === 'container_last_seen')
        .map((s) => s.labels.id);
    expect(ids('node-2')).not.toEqual(ids('node-1'));
  });

  it('has only the root cgroup when no task runs, and answers an HTTP error when told to', () => {
    const empty = samplesOf({ node: 'node-3', services: [{ name: 'web', runningTasks: 0 }] });
    expect(empty.filter((s) => s.name === 'container_last_seen').map((s) => s.labels.id)).toEqual(['/']);
    expect(cadvisorScrape({ ...STATE, httpError: 503 }, NOW)).toMatchObject({ ok: false, status: 503 });
  });
});
