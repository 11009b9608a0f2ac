import { promNumber, promString, upOf } from './promql';
import type { CheckSpec, ClusterModel, JobSpec, MeasureSpec, Sample } from './types';

/**
 * Query planning: the whole model compiles to ONE instant PromQL query per refresh, whatever the number
 * of components. Every sub-expression ("signal") is labelled with `panopticon_signal="<key>"` by
 * `label_replace` and the signals are joined with `or`; distinct labels keep them apart. Aggregation
 * happens inside Prometheus (counts, extremes, `topk` of the worst few), so the response grows with the
 * number of checks, not of hosts.
 */
export const SIGNAL_LABEL = 'panopticon_signal';

/** How many offending series a check names at most (the worst ones). */
export const NAMED_SERIES_LIMIT = 5;

export interface QueryPlan {
  /** The one PromQL expression to run as an instant query. */
  query: string;
  /** The keys of every signal in the query, in order. */
  signals: string[];
}

/** Keys of the per-job signals, computed once per job whatever the number of checks using it. */
export const jobSignal = {
  targets: (job: string) => `job/${job}/targets`,
  up: (job: string) => `job/${job}/up`,
  down: (job: string) => `job/${job}/down`,
  reaching: (job: string) => `job/${job}/reaching`,
};

/** Key of a check's signal, e.g. `swarm/managers/live`. */
export function checkSignal(componentId: string, checkId: string, name: string): string {
  return `${componentId}/${checkId}/${name}`;
}

/**
 * Restricts per-target series to targets that are up now (and, behind an exporter, whose exporter reaches
 * its component). Backfilled or federated data has no staleness markers, so a dead target's last sample
 * would otherwise count for minutes.
 */
export function gate(expr: string, job: JobSpec): string {
  let gated = `(${expr}) and on(job, instance) (${upOf(job.job)} == 1)`;
  if (job.role === 'exporter' && job.componentUpMetric) {
    gated += ` and on(job, instance) (${job.componentUpMetric}{job=${promString(job.job)}} == 1)`;
  }
  return `(${gated})`;
}

function aggregate(measure: MeasureSpec, job: JobSpec): string {
  const input = measure.ungated ? `(${measure.expr})` : gate(measure.expr, job);
  if (measure.distinctBy) {
    // Several exporters may report the same member: reduce to one series per distinct label value first.
    const inner = measure.aggregate === 'count' ? 'count' : 'max';
    return `${measure.aggregate}(${inner} by (${measure.distinctBy}) ${input})`;
  }
  return `${measure.aggregate}(${input})`;
}

function checkSignals(check: CheckSpec, job: JobSpec): Array<[string, string]> {
  switch (check.kind) {
    case 'threshold': {
      const gated = gate(check.expr, job);
      if (check.aggregate) {
        return [['value', `${check.aggregate}(${gated})`]];
      }
      const above = (check.direction ?? 'above') === 'above';
      const comparison = above ? '>=' : '<=';
      return [
        ['worst', `${above ? 'topk' : 'bottomk'}(${NAMED_SERIES_LIMIT}, ${gated})`],
        ['warning', `count(${gated} ${comparison} ${promNumber(check.warning)})`],
        ...(check.critical === undefined
          ? []
          : [['critical', `count(${gated} ${comparison} ${promNumber(check.critical)})`] as [string, string]]),
      ];
    }
    case 'quorum':
      return [
        ['live', aggregate(check.live, job)],
        ...(typeof check.expected === 'number'
          ? []
          : [['expected', aggregate(check.expected, job)] as [string, string]]),
      ];
    case 'leader':
      return [
        ['leaders', aggregate(check.leaders, job)],
        ...(check.claimants
          ? [['claimants', `topk(${NAMED_SERIES_LIMIT}, ${gate(check.claimants, job)})`] as [string, string]]
          : []),
      ];
    case 'kOfN':
      return [
        ['healthy', aggregate(check.healthy, job)],
        ...(typeof check.total === 'number' ? [] : [['total', aggregate(check.total, job)] as [string, string]]),
      ];
    case 'presence':
      return [['seen', `count(${gate(check.expr, job)})`]];
  }
}

function jobSignals(job: JobSpec): Array<[string, string]> {
  const up = upOf(job.job);
  const signals: Array<[string, string]> = [
    [jobSignal.targets(job.job), `count(${up})`],
    [jobSignal.up(job.job), `count(${up} == 1)`],
    [jobSignal.down(job.job), `topk(${NAMED_SERIES_LIMIT}, ${up} == 0)`],
  ];
  if (job.role === 'exporter' && job.componentUpMetric) {
    const componentUp = `${job.componentUpMetric}{job=${promString(job.job)}}`;
    signals.push([jobSignal.reaching(job.job), `count(${gate(componentUp, job)})`]);
  }
  return signals;
}

function labelled(key: string, expr: string): string {
  return `label_replace(${expr}, ${promString(SIGNAL_LABEL)}, ${promString(key)}, "", "")`;
}

/**
 * Compiles a model (assumed valid: see `validateModel`) to its single instant query.
 * Jobs that no check uses are not queried.
 */
export function planQuery(model: ClusterModel): QueryPlan {
  const jobsById = new Map(model.jobs.map((job) => [job.job, job]));
  const usedJobs = new Set<string>();
  const parts: Array<[string, string]> = [];
  for (const component of model.components) {
    for (const check of component.checks) {
      const job = jobsById.get(check.job);
      if (!job) {
        throw new Error(`${component.id}/${check.id}: unknown job "${check.job}" (validate the model first)`);
      }
      usedJobs.add(job.job);
      for (const [name, expr] of checkSignals(check, job)) {
        parts.push([checkSignal(component.id, check.id, name), expr]);
      }
    }
  }
  for (const job of model.jobs) {
    if (usedJobs.has(job.job)) {
      parts.push(...jobSignals(job));
    }
  }
  return {
    query: parts.map(([key, expr]) => labelled(key, expr)).join('\nor\n'),
    signals: parts.map(([key]) => key),
  };
}

/** Groups the samples of an instant query by their signal key; samples without the label are ignored. */
export function groupBySignal(samples: Sample[]): Map<string, Sample[]> {
  const bySignal = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = sample.labels[SIGNAL_LABEL];
    if (key === undefined) {
      continue;
    }
    const list = bySignal.get(key) ?? [];
    list.push(sample);
    bySignal.set(key, list);
  }
  return bySignal;
}
