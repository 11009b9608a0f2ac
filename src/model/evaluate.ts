import { evaluateCheck, readJobView, type JobView } from './checks';
import { groupBySignal } from './plan';
import { capAtWarning, statusRank, worse, worstOf, type Status } from './status';
import type {
  CheckResult,
  ClusterEvaluation,
  ClusterModel,
  ComponentResult,
  ComponentSpec,
  DependencySpec,
  Sample,
} from './types';

export function normalizeDependency(dependency: string | DependencySpec): Required<DependencySpec> {
  return typeof dependency === 'string'
    ? { id: dependency, propagation: 'asIs' }
    : { id: dependency.id, propagation: dependency.propagation ?? 'asIs' };
}

/**
 * What a component means for the cluster: a critical component that is critical makes the cluster
 * critical; a non-critical one that is critical only makes it warning; any warning or unknown makes it at
 * least warning.
 */
export function clusterImpact(component: Pick<ComponentResult, 'status' | 'critical'>): Status {
  if (component.status === 'critical') {
    return component.critical ? 'critical' : 'warning';
  }
  return component.status === 'ok' ? 'ok' : 'warning';
}

const IMPACTED_BY = 'impacted by ';

/**
 * Checks' reasons, worst first. Identical reasons are said once: every check of an unobserved job has the
 * same one ("no series up{job=\"gluster\"}: …").
 */
function describeChecks(checks: CheckResult[], status: Status): string {
  const relevant = status === 'ok' ? checks : checks.filter((check) => check.status !== 'ok');
  const sorted = [...relevant].sort((a, b) => statusRank(b.status) - statusRank(a.status));
  return [...new Set(sorted.map((check) => check.reason))].join('; ');
}

/**
 * "impacted by Docker engines (critical): 0/3 engines …", or when the dependency is itself failing
 * because of a deeper one, the first hop and the root cause: "impacted by Docker engines ← Hosts
 * (critical): …". Bounded: never the whole chain, however deep.
 */
function describeImpact(dependency: ComponentResult, root: ComponentResult | undefined): string {
  const origin = root && root.id !== dependency.id ? root : undefined;
  return origin
    ? `${IMPACTED_BY}${dependency.name} ← ${origin.name} (${origin.status}): ${origin.reason}`
    : `${IMPACTED_BY}${dependency.name} (${dependency.status}): ${dependency.reason}`;
}

interface OwnResult {
  spec: ComponentSpec;
  checks: CheckResult[];
  ownStatus: Status;
}

/**
 * Components in dependency order (dependencies first), by an iterative depth-first search: a deep chain
 * cannot overflow the stack, and an edge back into a component still being visited (a cycle, which the
 * validator rejects) is skipped, so a bad model can never hang the evaluation.
 */
function dependencyOrder(own: Map<string, OwnResult>): string[] {
  const followed = (id: string) =>
    (own.get(id)?.spec.dependsOn ?? [])
      .map(normalizeDependency)
      .filter((edge) => edge.propagation !== 'ignore' && own.has(edge.id))
      .map((edge) => edge.id);
  const order: string[] = [];
  const seen = new Set<string>();
  for (const root of own.keys()) {
    if (seen.has(root)) {
      continue;
    }
    seen.add(root);
    const stack = [{ id: root, dependencies: followed(root), next: 0 }];
    for (let top = stack[0]; top; top = stack[stack.length - 1]) {
      const dependency = top.dependencies[top.next++];
      if (dependency === undefined) {
        order.push(top.id);
        stack.pop();
      } else if (!seen.has(dependency)) {
        seen.add(dependency);
        stack.push({ id: dependency, dependencies: followed(dependency), next: 0 });
      }
    }
  }
  return order;
}

/** Propagates failures along `dependsOn`, per edge as is, capped at warning, or not at all. */
function propagate(own: Map<string, OwnResult>): Map<string, ComponentResult> {
  const done = new Map<string, ComponentResult>();
  for (const id of dependencyOrder(own)) {
    const mine = own.get(id);
    if (!mine) {
      continue;
    }
    const edges = (mine.spec.dependsOn ?? []).map(normalizeDependency);
    let status = mine.ownStatus;
    let culprit: { dependency: ComponentResult; contributed: Status } | undefined;
    for (const edge of edges) {
      // Not done yet only on a cycle's closing edge: skipped.
      const dependency = edge.propagation === 'ignore' ? undefined : done.get(edge.id);
      if (!dependency || dependency.status === 'ok') {
        continue;
      }
      const contributed = edge.propagation === 'capWarning' ? capAtWarning(dependency.status) : dependency.status;
      status = worse(status, contributed);
      if (!culprit || statusRank(contributed) > statusRank(culprit.contributed)) {
        culprit = { dependency, contributed };
      }
    }
    const ownWords = describeChecks(mine.checks, mine.ownStatus);
    const root = culprit?.dependency.rootCause ? done.get(culprit.dependency.rootCause) : undefined;
    const impactWords = culprit ? describeImpact(culprit.dependency, root) : '';
    const reason =
      mine.ownStatus === 'ok' && culprit ? impactWords : [ownWords, impactWords].filter(Boolean).join('; ');
    const counted = mine.checks.find((check) => check.live !== undefined && check.expected !== undefined);
    done.set(id, {
      id: mine.spec.id,
      name: mine.spec.name,
      critical: mine.spec.critical,
      status,
      ownStatus: mine.ownStatus,
      impacted: culprit !== undefined,
      reason,
      // The deepest failing component: a failing dependency explains us better than our own symptoms.
      rootCause: status === 'ok' ? null : (culprit?.dependency.rootCause ?? mine.spec.id),
      dependsOn: edges.map((edge) => edge.id),
      checks: mine.checks,
      ...(counted ? { live: counted.live, expected: counted.expected } : {}),
      ...(mine.spec.link ? { link: mine.spec.link } : {}),
    });
  }
  return done;
}

/** Aggregates component results into the cluster's status, reason and root cause. */
export function summarizeCluster(components: ComponentResult[], evaluatedAt: number): ClusterEvaluation {
  if (components.length === 0) {
    return { status: 'unknown', reason: 'the model has no components', rootCause: null, components, evaluatedAt };
  }
  if (components.every((component) => component.ownStatus === 'unknown')) {
    return {
      status: 'unknown',
      reason: `nothing could be observed: ${components[0]?.reason ?? ''}`,
      rootCause: null,
      components,
      evaluatedAt,
    };
  }
  // When no component is seen ok or warning, the cluster is at least unknown: one more thing seen failing
  // in a cluster we cannot otherwise see must never make it look better (orange) than not seeing it (grey).
  const nothingFine = components.every((component) => statusRank(component.ownStatus) >= statusRank('unknown'));
  const status = worse(worstOf(components.map(clusterImpact)), nothingFine ? 'unknown' : 'ok');
  if (status === 'ok') {
    return { status, reason: `all ${components.length} components ok`, rootCause: null, components, evaluatedAt };
  }
  // The component that sets the cluster's status, preferring an origin over a component merely impacted.
  const ranked = components
    .filter((component) => component.status !== 'ok')
    .sort(
      (a, b) =>
        statusRank(clusterImpact(b)) - statusRank(clusterImpact(a)) ||
        statusRank(b.status) - statusRank(a.status) ||
        Number(a.impacted) - Number(b.impacted)
    );
  const lead = ranked[0];
  const others = ranked.length - 1;
  const more = others > 0 ? ` (+${others} more component${others === 1 ? '' : 's'} not ok)` : '';
  return {
    status,
    reason: lead ? `${lead.name}: ${lead.reason}${more}` : '',
    rootCause: lead?.rootCause ?? null,
    components,
    evaluatedAt,
  };
}

export interface EvaluationInput {
  model: ClusterModel;
  /** The samples of the plan's instant query (see `planQuery`). */
  samples: Sample[];
  /** Unix milliseconds of the evaluated instant: passed in, never read from a clock. */
  now: number;
}

/** Evaluates a valid model on the result of its planned query. */
export function evaluateCluster({ model, samples, now }: EvaluationInput): ClusterEvaluation {
  const signals = groupBySignal(samples);
  const jobs = new Map<string, JobView>(model.jobs.map((job) => [job.job, readJobView(signals, job)]));
  const own = new Map<string, OwnResult>();
  for (const spec of model.components) {
    const checks = spec.checks.map((check) => {
      const job = jobs.get(check.job);
      return job
        ? evaluateCheck(check, { componentId: spec.id, signals, job })
        : {
            id: check.id,
            kind: check.kind,
            title: check.title,
            status: 'unknown' as const,
            reason: `unknown job "${check.job}"`,
          };
    });
    // A component without checks observes nothing: unknown, never ok.
    const ownStatus = checks.length === 0 ? 'unknown' : worstOf(checks.map((check) => check.status));
    own.set(spec.id, { spec, checks, ownStatus });
  }
  const results = propagate(own);
  const components = model.components.flatMap((spec) => results.get(spec.id) ?? []);
  return summarizeCluster(components, now);
}

/**
 * The evaluation when Prometheus could not be asked (unreachable, error, timeout): every component is
 * unknown with the error as its reason, and so is the cluster. Never ok.
 */
export function evaluateUnobservable({
  model,
  error,
  now,
}: {
  model: ClusterModel;
  error: string;
  now: number;
}): ClusterEvaluation {
  const components: ComponentResult[] = model.components.map((spec) => ({
    id: spec.id,
    name: spec.name,
    critical: spec.critical,
    status: 'unknown',
    ownStatus: 'unknown',
    impacted: false,
    reason: error,
    rootCause: null,
    dependsOn: (spec.dependsOn ?? []).map((dependency) => normalizeDependency(dependency).id),
    checks: [],
    ...(spec.link ? { link: spec.link } : {}),
  }));
  return { status: 'unknown', reason: error, rootCause: null, components, evaluatedAt: now };
}

/**
 * An incomplete answer (Prometheus warnings, a VictoriaMetrics partial response) cannot confirm health:
 * every component that looks ok becomes unknown, saying why; failures that were seen stay.
 */
export function markIncomplete(evaluation: ClusterEvaluation, reason: string): ClusterEvaluation {
  const components = evaluation.components.map((component) =>
    component.status === 'ok'
      ? { ...component, status: 'unknown' as const, ownStatus: 'unknown' as const, reason: `not confirmed: ${reason}` }
      : component
  );
  return summarizeCluster(components, evaluation.evaluatedAt);
}
