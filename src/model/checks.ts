import { checkSignal, jobSignal } from './plan';
import { formatNumber, judgeKOfN, judgeLeaders, judgeQuorum, judgeThreshold, type Verdict } from './rules';
import type {
  CheckResult,
  CheckSpec,
  JobSpec,
  KOfNCheckSpec,
  LeaderCheckSpec,
  MeasureSpec,
  PresenceCheckSpec,
  QuorumCheckSpec,
  Sample,
  ThresholdCheckSpec,
} from './types';

/** What Prometheus says about a scrape job's targets, read from the per-job signals. */
export interface JobView {
  spec: JobSpec;
  targets: number;
  up: number;
  /** Instances of targets whose last scrape failed (at most a few). */
  down: string[];
  /** Exporters only: targets up whose exporter reaches its component. */
  reaching: number;
}

/** The samples of one query, grouped by signal key. */
export type Signals = Map<string, Sample[]>;

export function readJobView(signals: Signals, spec: JobSpec): JobView {
  return {
    spec,
    targets: countOf(signals, jobSignal.targets(spec.job)),
    up: countOf(signals, jobSignal.up(spec.job)),
    down: (signals.get(jobSignal.down(spec.job)) ?? []).map((sample) => nameOf(sample, ['instance'])),
    reaching: countOf(signals, jobSignal.reaching(spec.job)),
  };
}

/** A count signal: Prometheus returns nothing for the count of no series, which is 0. */
function countOf(signals: Signals, key: string): number {
  return signals.get(key)?.[0]?.value ?? 0;
}

/** A value signal: no sample means no value (never 0). */
function valueOf(signals: Signals, key: string): number | undefined {
  return signals.get(key)?.[0]?.value;
}

function nameOf(sample: Sample, nameBy: string[]): string {
  const parts = nameBy.map((label) => sample.labels[label]).filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(sample.labels);
}

/** Reads a measure: counts are 0 when absent, other aggregates are undefined. */
function measured(signals: Signals, key: string, measure: MeasureSpec): number | undefined {
  return measure.aggregate === 'count' ? countOf(signals, key) : valueOf(signals, key);
}

/**
 * Why a job's checks cannot be judged at all, or undefined when they can. A job without targets, or an
 * exporter that is down or cannot reach its component, leaves its checks `unknown`: never ok, and not
 * critical either, because nothing says the component itself failed.
 */
export function unobservedReason(view: JobView): string | undefined {
  const { spec } = view;
  if (view.targets === 0) {
    return `no series up{job=${JSON.stringify(spec.job)}}: is ${spec.describes} scraped under job ${spec.job}?`;
  }
  if (spec.role !== 'exporter') {
    return undefined;
  }
  if (view.up === 0) {
    return `${spec.describes} not reachable (up == 0 on ${view.targets}/${view.targets} targets${namedDown(view)}): state unknown`;
  }
  if (spec.componentUpMetric && view.reaching === 0) {
    return `${spec.describes} cannot reach its component (${spec.componentUpMetric} is 0 or missing): state unknown`;
  }
  return undefined;
}

function namedDown(view: JobView): string {
  return view.down.length > 0 ? `: ${view.down.join(', ')}` : '';
}

/** Appended to member counts: which targets are down, so the reason names the lost member. */
function downNote(view: JobView): string {
  return view.spec.role === 'member' && view.down.length > 0 ? `; down: ${view.down.join(', ')}` : '';
}

interface CheckContext {
  componentId: string;
  signals: Signals;
  job: JobView;
}

function result(check: CheckSpec, verdict: Verdict, extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id: check.id,
    kind: check.kind,
    title: check.title,
    status: verdict.status,
    reason: verdict.reason,
    ...extra,
  };
}

function unknown(check: CheckSpec, reason: string): CheckResult {
  return result(check, { status: 'unknown', reason: `${check.title}: ${reason}` });
}

function evaluateQuorum(check: QuorumCheckSpec, context: CheckContext): CheckResult {
  const key = (name: string) => checkSignal(context.componentId, check.id, name);
  const live = measured(context.signals, key('live'), check.live) ?? 0;
  const expected =
    typeof check.expected === 'number' ? check.expected : measured(context.signals, key('expected'), check.expected);
  if (expected === undefined || expected < 1) {
    return unknown(
      check,
      `no expected count of ${check.members} known${check.expectedNote ? ` (${check.expectedNote})` : ''}`
    );
  }
  const verdict = judgeQuorum(live, expected, check.members);
  const note = typeof check.expected === 'number' || !check.expectedNote ? '' : ` (expected: ${check.expectedNote})`;
  return result(
    check,
    { status: verdict.status, reason: `${verdict.reason}${downNote(context.job)}${note}` },
    { live, expected, instances: verdict.status === 'ok' ? undefined : context.job.down }
  );
}

function evaluateLeader(check: LeaderCheckSpec, context: CheckContext): CheckResult {
  const key = (name: string) => checkSignal(context.componentId, check.id, name);
  const leaders = measured(context.signals, key('leaders'), check.leaders);
  if (leaders === undefined) {
    return unknown(check, 'no leadership information');
  }
  const claimants = (context.signals.get(key('claimants')) ?? []).map((sample) => nameOf(sample, ['instance']));
  const verdict = judgeLeaders(leaders);
  const named = claimants.length > 0 ? `: ${claimants.join(', ')}` : '';
  return result(
    check,
    { status: verdict.status, reason: `${check.title}: ${verdict.reason}${named}` },
    { live: leaders, instances: claimants }
  );
}

function evaluateKOfN(check: KOfNCheckSpec, context: CheckContext): CheckResult {
  const key = (name: string) => checkSignal(context.componentId, check.id, name);
  const healthy = measured(context.signals, key('healthy'), check.healthy);
  const total = typeof check.total === 'number' ? check.total : measured(context.signals, key('total'), check.total);
  if (healthy === undefined) {
    return unknown(check, `no value for healthy ${check.items}`);
  }
  const noneNote = `no ${check.items} expected${check.totalNote ? ` (${check.totalNote})` : ''}`;
  if (total === 0 && check.noneExpected === 'ok') {
    return result(check, { status: 'ok', reason: `${check.title}: ${noneNote}` }, { live: healthy, expected: 0 });
  }
  if (total === undefined || total <= 0) {
    return unknown(check, noneNote);
  }
  const verdict = judgeKOfN({
    healthy,
    total,
    items: check.items,
    okAtLeast: check.okAtLeast,
    warningAtLeast: check.warningAtLeast,
  });
  const note = typeof check.total === 'number' || !check.totalNote ? '' : ` (expected: ${check.totalNote})`;
  return result(
    check,
    { status: verdict.status, reason: `${verdict.reason}${downNote(context.job)}${note}` },
    { live: healthy, expected: total, instances: verdict.status === 'ok' ? undefined : context.job.down }
  );
}

function evaluateThreshold(check: ThresholdCheckSpec, context: CheckContext): CheckResult {
  const key = (name: string) => checkSignal(context.componentId, check.id, name);
  const unit = check.unit ?? '';
  const levels = (check.direction ?? 'above') === 'above' ? '≥' : '≤';
  const describe = (value: number) => `${formatNumber(value)}${unit}`;
  const limits =
    check.critical === undefined
      ? `warning ${levels} ${describe(check.warning)}`
      : `warning ${levels} ${describe(check.warning)}, critical ${levels} ${describe(check.critical)}`;
  if (check.aggregate) {
    // No series is no value, even for a count: where absence means zero, the expression says so itself.
    const value = valueOf(context.signals, key('value'));
    if (value === undefined) {
      return unknown(check, `no series (${context.job.up}/${context.job.targets} targets up)`);
    }
    const status = judgeThreshold({
      value,
      warning: check.warning,
      critical: check.critical,
      direction: check.direction,
    });
    return result(check, { status, reason: `${check.title} ${describe(value)} (${limits})` }, { value });
  }
  const worst = context.signals.get(key('worst')) ?? [];
  // topk of no series is no series: an empty `worst` means nothing to judge.
  if (worst.length === 0) {
    return unknown(check, `no series (${context.job.up}/${context.job.targets} targets up)`);
  }
  // topk/bottomk order is not guaranteed in the response: pick the worst ourselves. NaN is no value (and
  // would break the sort).
  const above = (check.direction ?? 'above') === 'above';
  const ranked = worst
    .filter((sample) => !Number.isNaN(sample.value))
    .sort((a, b) => (above ? b.value - a.value : a.value - b.value));
  const worstSample = ranked[0];
  if (!worstSample) {
    return unknown(check, `no numeric value (${worst.length} series are NaN)`);
  }
  const status = judgeThreshold({
    value: worstSample.value,
    warning: check.warning,
    critical: check.critical,
    direction: check.direction,
  });
  const nameBy = check.nameBy ?? ['instance'];
  const critical = countOf(context.signals, key('critical'));
  const warning = countOf(context.signals, key('warning'));
  const breaching = status === 'critical' ? critical : warning;
  const where = nameOf(worstSample, nameBy);
  const reason =
    status === 'ok'
      ? `${check.title}: worst ${describe(worstSample.value)} on ${where} (${limits})`
      : `${check.title} ${describe(worstSample.value)} on ${where}${breaching > 1 ? ` and ${breaching - 1} more` : ''} (${limits})`;
  return result(
    check,
    { status, reason },
    {
      value: worstSample.value,
      instances:
        status === 'ok'
          ? undefined
          : ranked
              .filter((sample) => judgeThreshold({ ...check, value: sample.value }) !== 'ok')
              .map((sample) => nameOf(sample, nameBy)),
    }
  );
}

function evaluatePresence(check: PresenceCheckSpec, context: CheckContext): CheckResult {
  const seen = countOf(context.signals, checkSignal(context.componentId, check.id, 'seen'));
  const needed = check.minSeries ?? 1;
  if (seen >= needed) {
    return result(check, { status: 'ok', reason: `${check.title}: ${seen} series present` });
  }
  const hint = check.hint ? `: ${check.hint}` : '';
  return unknown(check, `${seen} of ${needed} expected series of ${check.expr} present${hint}`);
}

/** Judges one check from the query's signals. */
export function evaluateCheck(check: CheckSpec, context: CheckContext): CheckResult {
  const blind = unobservedReason(context.job);
  if (blind) {
    // The same words for every check of the job, so the component says them once.
    return result(check, { status: 'unknown', reason: blind });
  }
  switch (check.kind) {
    case 'quorum':
      return evaluateQuorum(check, context);
    case 'leader':
      return evaluateLeader(check, context);
    case 'kOfN':
      return evaluateKOfN(check, context);
    case 'threshold':
      return evaluateThreshold(check, context);
    case 'presence':
      return evaluatePresence(check, context);
  }
}
