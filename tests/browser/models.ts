import { stringify } from 'yaml';
import type { ClusterModel, ComponentSpec } from '../../src/model';

/**
 * A model of `count` components on the `docker` job of a three-engine cluster, with a mix of statuses
 * that the real Prometheus produces: most ok, every third warning (3 of 5 expected managers), every tenth
 * critical (3 of 7: no quorum, impacting the next one), every seventh unknown (a metric that does not
 * exist). For tile and wall-screen tests of the panel fed by the real datasource.
 */
export function tilesModel(count: number): ClusterModel {
  const components: ComponentSpec[] = Array.from({ length: count }, (_, index) => {
    const id = `c${String(index).padStart(4, '0')}`;
    const expected = index % 10 === 2 ? 7 : index % 3 === 1 ? 5 : 3;
    const missing = index % 7 === 6;
    return {
      id,
      name: `Component ${index + 1}`,
      critical: index % 2 === 0,
      ...(index % 10 === 3 ? { dependsOn: [`c${String(index - 1).padStart(4, '0')}`] } : {}),
      checks: [
        missing
          ? { kind: 'presence', id: 'present', title: 'metric', job: 'docker', expr: 'panopticon_no_such_metric' }
          : {
              kind: 'quorum',
              id: 'managers',
              title: 'managers',
              job: 'docker',
              members: 'managers',
              live: { expr: 'swarm_node_manager{job="docker"} == 1', aggregate: 'count' },
              expected,
            },
      ],
    };
  });
  return { name: `${count} components`, jobs: [{ job: 'docker', describes: 'engines', role: 'member' }], components };
}

export function tilesModelDocument(count: number): string {
  return stringify(tilesModel(count));
}
