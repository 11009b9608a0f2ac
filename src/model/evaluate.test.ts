import { evaluateCluster, evaluateUnobservable } from './evaluate';
import { planQuery, SIGNAL_LABEL } from './plan';
import type { CheckSpec, ClusterModel, ComponentSpec, DependencySpec, JobSpec, Sample } from './types';

const NOW = Date.UTC(2026, 11, 4, 16, 0, 0);

const JOBS: JobSpec[] = [
  { job: 'docker', describes: 'Docker engine metrics', role: 'member' },
  { job: 'consul', describes: 'consul_exporter', role: 'exporter', componentUpMetric: 'consul_up' },
];

function aQuorum(overrides: Partial<Extract<CheckSpec, { kind: 'quorum' }>> = {}): CheckSpec {
  return {
    kind: 'quorum',
    id: 'managers',
    title: 'manager quorum',
    job: 'docker',
    members: 'managers',
    live: { expr: 'swarm_node_manager == 1', aggregate: 'count' },
    expected: 3,
    ...overrides,
  };
}

function aComponent(overrides: Partial<ComponentSpec> = {}): ComponentSpec {
  return { id: 'swarm', name: 'Swarm', critical: true, checks: [aQuorum()], ...overrides };
}

function aModel(components: ComponentSpec[]): ClusterModel {
  return { jobs: JOBS, components };
}

function signal(key: string, value: number, labels: Record<string, string> = {}): Sample {
  return { labels: { [SIGNAL_LABEL]: key, ...labels }, value };
}

/** Job signals for a job whose targets are all up. */
function jobUp(job: string, targets: number, extra: Sample[] = []): Sample[] {
  return [signal(`job/${job}/targets`, targets), signal(`job/${job}/up`, targets), ...extra];
}

function evaluate(model: ClusterModel, samples: Sample[]) {
  return evaluateCluster({ model, samples, now: NOW });
}

describe('planQuery', () => {
  it('compiles the whole model to one query with one labelled signal per measure', () => {
    const model = aModel([
      aComponent(),
      aComponent({
        id: 'consul',
        checks: [aQuorum({ job: 'consul', live: { expr: 'consul_serf_lan_member_status == 1', aggregate: 'count' } })],
      }),
    ]);
    const plan = planQuery(model);
    expect(plan.signals).toEqual([
      'swarm/managers/live',
      'consul/managers/live',
      'job/docker/targets',
      'job/docker/up',
      'job/docker/down',
      'job/consul/targets',
      'job/consul/up',
      'job/consul/down',
      'job/consul/reaching',
    ]);
    expect(plan.query.split('\nor\n')).toHaveLength(plan.signals.length);
    // Every live measure is gated on its target being up; exporters also on the exporter reaching its component.
    expect(plan.query).toContain('count(((swarm_node_manager == 1) and on(job, instance) (up{job="docker"} == 1)))');
    expect(plan.query).toContain('and on(job, instance) (consul_up{job="consul"} == 1)');
  });

  it('does not query jobs that no check uses', () => {
    expect(planQuery(aModel([aComponent()])).signals.some((key) => key.startsWith('job/consul'))).toBe(false);
  });

  it('keeps job names that need escaping inside their string', () => {
    const model: ClusterModel = {
      jobs: [{ job: 'we"ird\\job', describes: 'x', role: 'member' }],
      components: [aComponent({ checks: [aQuorum({ job: 'we"ird\\job' })] })],
    };
    expect(planQuery(model).query).toContain('up{job="we\\"ird\\\\job"}');
  });
});

describe('evaluateCluster: checks', () => {
  it('names the lost manager of a degraded quorum', () => {
    const result = evaluate(aModel([aComponent()]), [
      signal('swarm/managers/live', 2),
      signal('job/docker/targets', 3),
      signal('job/docker/up', 2),
      signal('job/docker/down', 0, { instance: '127.0.0.1:9323', job: 'docker' }),
    ]);
    expect(result.status).toBe('warning');
    expect(result.components[0]).toMatchObject({
      status: 'warning',
      live: 2,
      expected: 3,
      reason: '2/3 managers, no further failure tolerated; down: 127.0.0.1:9323',
      rootCause: 'swarm',
    });
  });

  it('counts an absent count signal as 0 live: no quorum', () => {
    const result = evaluate(aModel([aComponent()]), [
      signal('job/docker/targets', 3),
      signal('job/docker/down', 0, { instance: 'a:1' }),
    ]);
    expect(result.components[0]?.status).toBe('critical');
    expect(result.components[0]?.reason).toContain('0/3 managers: no quorum (2 needed)');
  });

  it('uses a derived expectation and says so', () => {
    const check = aQuorum({
      expected: { expr: 'max_over_time(swarm_node_manager[1h]) == 1', aggregate: 'count', ungated: true },
      expectedNote: 'managers seen in the last hour',
    });
    const result = evaluate(aModel([aComponent({ checks: [check] })]), [
      signal('swarm/managers/live', 3),
      signal('swarm/managers/expected', 3),
      ...jobUp('docker', 3),
    ]);
    expect(result.components[0]?.reason).toBe('3/3 managers (expected: managers seen in the last hour)');
    expect(result.status).toBe('ok');
  });

  it('is unknown, never ok, when the expectation cannot be derived', () => {
    const check = aQuorum({ expected: { expr: 'max_over_time(swarm_node_manager[1h]) == 1', aggregate: 'count' } });
    const result = evaluate(aModel([aComponent({ checks: [check] })]), [
      signal('swarm/managers/live', 0),
      ...jobUp('docker', 1),
    ]);
    expect(result.components[0]?.status).toBe('unknown');
  });

  const leader: CheckSpec = {
    kind: 'leader',
    id: 'leader',
    title: 'Raft leader',
    job: 'docker',
    leaders: { expr: 'swarm_manager_leader == 1', aggregate: 'count' },
    claimants: 'swarm_manager_leader == 1',
  };

  it.each([
    [0, 'critical', 'Raft leader: no leader'],
    [1, 'ok', 'Raft leader: one leader: m0'],
    [2, 'critical', 'Raft leader: split brain: 2 leaders: m0, m1'],
  ])('%i leaders → %s', (count, status, reason) => {
    const claimants = Array.from({ length: count }, (_, i) =>
      signal('swarm/leader/claimants', 1, { instance: `m${i}` })
    );
    const samples = [
      ...(count > 0 ? [signal('swarm/leader/leaders', count)] : []),
      ...claimants,
      ...jobUp('docker', 3),
    ];
    const result = evaluate(aModel([aComponent({ checks: [leader] })]), samples);
    expect(result.components[0]).toMatchObject({ status, reason });
  });

  const cpu: CheckSpec = {
    kind: 'threshold',
    id: 'cpu',
    title: 'CPU busy',
    job: 'docker',
    expr: 'cpu',
    warning: 85,
    critical: 95,
    unit: '%',
  };

  it('judges a per-instance threshold by its worst instance, naming it and counting the others', () => {
    const result = evaluate(aModel([aComponent({ checks: [cpu] })]), [
      signal('swarm/cpu/worst', 97.25, { instance: 'h2' }),
      signal('swarm/cpu/worst', 90, { instance: 'h1' }),
      signal('swarm/cpu/warning', 2),
      signal('swarm/cpu/critical', 1),
      ...jobUp('docker', 3),
    ]);
    expect(result.components[0]).toMatchObject({
      status: 'critical',
      reason: 'CPU busy 97.3% on h2 (warning ≥ 85%, critical ≥ 95%)',
    });
    expect(result.components[0]?.checks[0]?.instances).toEqual(['h2', 'h1']);
  });

  it('is unknown when a threshold has no series: a missing series is never ok', () => {
    const result = evaluate(aModel([aComponent({ checks: [cpu] })]), jobUp('docker', 3));
    expect(result.components[0]).toMatchObject({ status: 'unknown', reason: 'CPU busy: no series (3/3 targets up)' });
  });

  it('is unknown when an expected series is missing (presence)', () => {
    const presence: CheckSpec = {
      kind: 'presence',
      id: 'info',
      title: 'engine metrics',
      job: 'docker',
      expr: 'engine_daemon_engine_info',
      hint: 'scrape it',
    };
    const result = evaluate(aModel([aComponent({ checks: [presence] })]), jobUp('docker', 3));
    expect(result.components[0]?.status).toBe('unknown');
    expect(result.components[0]?.reason).toBe(
      'engine metrics: 0 of 1 expected series of engine_daemon_engine_info present: scrape it'
    );
  });

  it('says a job without targets is not scraped, as unknown', () => {
    const result = evaluate(aModel([aComponent()]), []);
    expect(result.components[0]).toMatchObject({
      status: 'unknown',
      reason: 'no series up{job="docker"}: is Docker engine metrics scraped under job docker?',
    });
  });

  const consul = aComponent({
    id: 'consul',
    name: 'Consul',
    checks: [aQuorum({ job: 'consul', members: 'servers', live: { expr: 'x', aggregate: 'count' } })],
  });

  it('makes a component behind a down exporter unknown, not critical', () => {
    const result = evaluate(aModel([consul]), [
      signal('job/consul/targets', 1),
      signal('job/consul/down', 0, { instance: 'c:9107' }),
    ]);
    expect(result.components[0]).toMatchObject({
      status: 'unknown',
      reason: 'consul_exporter not reachable (up == 0 on 1/1 targets: c:9107): state unknown',
    });
  });

  it('makes a component unknown when its exporter cannot reach it', () => {
    const result = evaluate(aModel([consul]), [...jobUp('consul', 1)]);
    expect(result.components[0]?.status).toBe('unknown');
    expect(result.components[0]?.reason).toContain('cannot reach its component (consul_up is 0 or missing)');
  });

  it('judges a component whose exporter is up and reaching it', () => {
    const result = evaluate(aModel([consul]), [
      ...jobUp('consul', 1, [signal('job/consul/reaching', 1)]),
      signal('consul/managers/live', 3),
    ]);
    expect(result.components[0]?.status).toBe('ok');
  });
});

describe('evaluateCluster: dependencies and the cluster', () => {
  const healthy = (id: string) => signal(`${id}/managers/live`, 3);
  function chain(edges: Record<string, Array<string | DependencySpec>>, critical: Record<string, boolean> = {}) {
    return aModel(
      Object.entries(edges).map(([id, dependsOn]) =>
        aComponent({ id, name: id.toUpperCase(), dependsOn, critical: critical[id] ?? true })
      )
    );
  }

  it('propagates along a chain A → B → C and names the deepest failing component as root cause', () => {
    const model = chain({ a: ['b'], b: ['c'], c: [] });
    const result = evaluate(model, [healthy('a'), healthy('b'), signal('c/managers/live', 1), ...jobUp('docker', 3)]);
    expect(result.components.map((c) => [c.id, c.status, c.impacted, c.rootCause])).toEqual([
      ['a', 'critical', true, 'c'],
      ['b', 'critical', true, 'c'],
      ['c', 'critical', false, 'c'],
    ]);
    expect(result.components[0]?.reason).toBe('impacted by B ← C (critical): 1/3 managers: no quorum (2 needed)');
    expect(result.components[1]?.reason).toBe('impacted by C (critical): 1/3 managers: no quorum (2 needed)');
    expect(result.rootCause).toBe('c');
    expect(result.reason).toMatch(/^C: 1\/3 managers: no quorum/);
  });

  it.each([
    ['asIs', 'critical', true],
    ['capWarning', 'warning', true],
    ['ignore', 'ok', false],
  ] as const)('propagation %s shows a critical dependency as %s', (propagation, status, impacted) => {
    const model = chain({ a: [{ id: 'c', propagation }], c: [] });
    const result = evaluate(model, [healthy('a'), signal('c/managers/live', 0), ...jobUp('docker', 3)]);
    expect(result.components[0]).toMatchObject({ status, impacted, ownStatus: 'ok' });
  });

  it('keeps its own failure and the impact in the reason', () => {
    const model = chain({ a: ['c'], c: [] });
    const result = evaluate(model, [signal('a/managers/live', 2), signal('c/managers/live', 1), ...jobUp('docker', 3)]);
    expect(result.components[0]?.reason).toBe(
      '2/3 managers, no further failure tolerated; impacted by C (critical): 1/3 managers: no quorum (2 needed)'
    );
    expect(result.components[0]?.rootCause).toBe('c');
  });

  it.each([
    // [critical flag of the failing component, its live count, cluster status]
    [true, 1, 'critical'],
    [false, 1, 'warning'],
    [true, 2, 'warning'],
    [false, 2, 'warning'],
    [true, 3, 'ok'],
  ])('critical=%s with %i/3 live makes the cluster %s', (critical, live, status) => {
    const model = chain({ a: [], b: [] }, { b: critical });
    const result = evaluate(model, [healthy('a'), signal('b/managers/live', live), ...jobUp('docker', 3)]);
    expect(result.status).toBe(status);
  });

  it('makes the cluster warning, not unknown, when only part of it is unobserved', () => {
    const model = aModel([aComponent({ id: 'a' }), { ...consul(), id: 'c' }]);
    const result = evaluate(model, [healthy('a'), ...jobUp('docker', 3), signal('job/consul/targets', 1)]);
    expect(result.components.map((c) => c.status)).toEqual(['ok', 'unknown']);
    expect(result.status).toBe('warning');
  });

  it('is unknown only when nothing could be observed', () => {
    const result = evaluate(chain({ a: [], b: [] }), []);
    expect(result.status).toBe('unknown');
    expect(result.reason).toMatch(/^nothing could be observed/);
  });

  it('reports every component and the cluster unknown when Prometheus cannot be asked', () => {
    const result = evaluateUnobservable({
      model: chain({ a: ['b'], b: [] }),
      error: 'cannot reach Prometheus',
      now: NOW,
    });
    expect(result.status).toBe('unknown');
    expect(result.evaluatedAt).toBe(NOW);
    expect(result.components.map((c) => [c.status, c.reason, c.dependsOn])).toEqual([
      ['unknown', 'cannot reach Prometheus', ['b']],
      ['unknown', 'cannot reach Prometheus', []],
    ]);
  });

  it('terminates on a cyclic model (invalid, but it must never hang)', () => {
    const model = chain({ a: ['b'], b: ['c'], c: ['a'] });
    const result = evaluate(model, [signal('a/managers/live', 1), ...jobUp('docker', 3)]);
    expect(result.components).toHaveLength(3);
    expect(result.status).toBe('critical');
  });

  it('is unknown for a component without checks: it observes nothing', () => {
    const result = evaluate(aModel([aComponent({ checks: [] })]), []);
    expect(result.components[0]?.status).toBe('unknown');
  });

  function consul(): ComponentSpec {
    return aComponent({ id: 'consul', name: 'Consul', checks: [aQuorum({ job: 'consul' })] });
  }
});
