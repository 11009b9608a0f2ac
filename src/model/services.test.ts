/**
 * The swarm-mode preset's `services` component: tasks running in the leader's view against tasks wanted,
 * judged on the samples its planned query would return (signal keys from the planner itself).
 */
import { evaluateCluster } from './evaluate';
import { planQuery, SIGNAL_LABEL } from './plan';
import { buildPreset, DEFAULT_PARAMS, parsePresetParams } from './presets';
import type { ClusterModel, Sample } from './types';
import { validateModel } from './validate';

const NOW = Date.UTC(2026, 11, 4, 16, 0, 0);

function signal(key: string, value: number): Sample {
  return { labels: { [SIGNAL_LABEL]: key }, value };
}

/** The preset reduced to services alone (its dependency on swarm cut), so that only its own signals matter. */
function servicesModel(raw: Record<string, string> = {}): ClusterModel {
  const parsed = parsePresetParams(raw);
  const model = buildPreset('swarm-mode', parsed.params ?? DEFAULT_PARAMS);
  const alone = model.components.filter((c) => c.id === 'services').map((c) => ({ ...c, dependsOn: [] }));
  return { ...model, components: alone };
}

function services(model: ClusterModel, samples: Sample[]) {
  const job = [signal('job/docker/targets', 3), signal('job/docker/up', 3)];
  const result = evaluateCluster({ model, samples: [...job, ...samples], now: NOW });
  return { component: result.components.find((c) => c.id === 'services') };
}

describe('swarm-mode preset: services', () => {
  it('is a valid part of the preset, and only of swarm mode (classic Swarm has no services)', () => {
    expect(validateModel(buildPreset('swarm-mode')).errors).toEqual([]);
    expect(buildPreset('swarm-mode').components.map((c) => c.id)).toContain('services');
    expect(buildPreset('swarm-legacy').components.map((c) => c.id)).not.toContain('services');
    // Failing services leave the cluster partly functional: never red by themselves.
    expect(buildPreset('swarm-mode').components.find((c) => c.id === 'services')?.critical).toBe(false);
  });

  it("asks for the leader's running tasks and, unpinned, the most of the last hour", () => {
    const { query } = planQuery(servicesModel());
    expect(query).toContain(
      'swarm_manager_tasks_total{job="docker",state="running"} and on (job, instance) (swarm_manager_leader{job="docker"} == 1)'
    );
    expect(query).toContain('max_over_time(swarm_manager_tasks_total{job="docker",state="running"}[1h])');
    expect(planQuery(servicesModel({ tasks: '3' })).query).not.toContain('max_over_time');
  });

  it.each([
    [3, 3, 'ok', '3/3 tasks running'],
    [2, 3, 'warning', '2/3 tasks running'],
    [1, 3, 'critical', '1/3 tasks running'],
    [0, 3, 'critical', '0/3 tasks running'],
  ])('%i of %i pinned tasks running → %s', (running, tasks, status, reason) => {
    const { component } = services(servicesModel({ tasks: String(tasks) }), [
      signal('services/tasks/healthy', running),
    ]);
    expect(component?.status).toBe(status);
    expect(component?.reason).toContain(reason);
  });

  it('remembers what was running and says so when the count is not pinned', () => {
    const { component } = services(servicesModel(), [
      signal('services/tasks/healthy', 1),
      signal('services/tasks/total', 3),
    ]);
    expect(component?.status).toBe('critical');
    expect(component?.reason).toContain('1/3 tasks running');
    expect(component?.reason).toContain('most tasks running in the last hour; set tasks to pin it');
  });

  it('is ok when no task ran in the last hour: a swarm without services is not failing', () => {
    const { component } = services(servicesModel(), [
      signal('services/tasks/healthy', 0),
      signal('services/tasks/total', 0),
    ]);
    expect(component?.status).toBe('ok');
    expect(component?.reason).toContain('no tasks running expected');
  });

  it('is unknown without a leader to ask, even when nothing is expected', () => {
    const { component } = services(servicesModel(), [signal('services/tasks/total', 0)]);
    expect(component?.status).toBe('unknown');
    expect(component?.reason).toContain('no value for healthy tasks running');
  });

  it('rejects a tasks parameter that is not a positive integer, naming it', () => {
    expect(parsePresetParams({ tasks: 'three' }).errors).toEqual(['tasks: expected a positive integer, got "three"']);
  });
});
