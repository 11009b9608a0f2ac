/**
 * The baselines the planned query is compared with: what a client WITHOUT aggregation in Prometheus would
 * download to judge the same checks. Both are derived from the model and its plan, so they stay in step
 * with the presets instead of being a hand-written list that drifts.
 */
import { parser } from '@prometheus-io/lezer-promql';

import type { CheckSpec, ClusterModel, MeasureSpec } from '../src/model';

/**
 * The raw series the planned query reads: every instant-vector selector (`up{job="node"}`) and range
 * selector (`node_cpu_seconds_total{…}[2m]`) in it, deduplicated. A naive client fetches exactly these
 * and computes everything itself. An instant selector that is also read as a range is left out: the
 * range already holds its latest sample.
 */
export function rawSelectors(query: string): string[] {
  const ranges = new Set<string>();
  const instants = new Set<string>();
  const cursor = parser.parse(query).cursor();
  let descend = true;
  while (descend ? cursor.next() : cursor.next(false)) {
    descend = true;
    const text = query.slice(cursor.from, cursor.to);
    if (cursor.name === 'MatrixSelector') {
      ranges.add(text);
      // Its VectorSelector child is part of the range, not a separate read.
      descend = false;
    } else if (cursor.name === 'VectorSelector') {
      instants.add(text);
    }
  }
  const rangeBases = new Set([...ranges].map((range) => range.replace(/\[[^\]]*\]$/, '')));
  return [...ranges, ...[...instants].filter((selector) => !rangeBases.has(selector))];
}

/** The expressions of a measure or a literal count (which needs no query). */
function measureExpressions(measure: MeasureSpec | number): string[] {
  return typeof measure === 'number' ? [] : [measure.expr];
}

/** A check's per-target expressions as the preset states them: before gating on `up` and before aggregation. */
function checkExpressions(check: CheckSpec): string[] {
  switch (check.kind) {
    case 'threshold':
    case 'presence':
      return [check.expr];
    case 'quorum':
      return [check.live.expr, ...measureExpressions(check.expected)];
    case 'leader':
      return [check.leaders.expr, ...(check.claimants ? [check.claimants] : [])];
    case 'kOfN':
      return [check.healthy.expr, ...measureExpressions(check.total)];
  }
}

/**
 * Every check's per-target expression plus each used job's `up` (and exporter `<name>_up`), which a
 * client that gates and aggregates by itself needs too; deduplicated. This client lets Prometheus do the
 * arithmetic per series (rates, ratios) but not the aggregation over hosts.
 */
export function perTargetExpressions(model: ClusterModel): string[] {
  const expressions = new Set<string>();
  const usedJobs = new Set<string>();
  for (const check of model.components.flatMap((component) => component.checks)) {
    usedJobs.add(check.job);
    checkExpressions(check).forEach((expr) => expressions.add(expr));
  }
  for (const job of model.jobs.filter((spec) => usedJobs.has(spec.job))) {
    expressions.add(`up{job=${JSON.stringify(job.job)}}`);
    if (job.componentUpMetric) {
      expressions.add(`${job.componentUpMetric}{job=${JSON.stringify(job.job)}}`);
    }
  }
  return [...expressions];
}
