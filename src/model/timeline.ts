import { evaluateCluster, markIncomplete } from './evaluate';
import type { RangeSeries } from './response';
import type { Status } from './status';
import type { ClusterEvaluation, ClusterModel, Sample } from './types';

/**
 * The model over a time range, from ONE range query of the planned expression: Prometheus answers at
 * every step, so the samples at a step are exactly the instant query's samples at that time.
 */
export function evaluateRange(args: {
  model: ClusterModel;
  series: RangeSeries[];
  /** Unix milliseconds of every step, ascending. */
  times: number[];
  /** Set when the answer was partial: nothing can be confirmed ok. */
  incomplete?: string;
}): ClusterEvaluation[] {
  const byTime = new Map<number, Sample[]>(args.times.map((time) => [time, []]));
  for (const { labels, points } of args.series) {
    for (const [time, value] of points) {
      byTime.get(time)?.push({ labels, value });
    }
  }
  return args.times.map((now) => {
    const evaluation = evaluateCluster({ model: args.model, samples: byTime.get(now) ?? [], now });
    return args.incomplete ? markIncomplete(evaluation, args.incomplete) : evaluation;
  });
}

/** The steps of a range query from `start` to `end` (ms), aligned as Prometheus aligns them. */
export function rangeSteps(start: number, end: number, stepMs: number): number[] {
  const steps: number[] = [];
  for (let time = start; time <= end && steps.length < 11_000; time += stepMs) {
    steps.push(time);
  }
  return steps;
}

/**
 * Damping, like an alert's `for:`: a new status is shown only once it has held for `dampingMs`; until then
 * the previous one stays. Applies to worsening and recovery alike, so a flapping check stays quiet.
 * Example, damping 2 min at 1 min steps: ok, warning, ok, warning, warning, warning →
 * ok, ok, ok, ok, ok, warning (the warning that began at minute 3 has held 2 min at minute 5).
 */
export function dampStatuses(times: number[], statuses: Status[], dampingMs: number): Status[] {
  const shown: Status[] = [];
  let since = times[0] ?? 0;
  statuses.forEach((status, index) => {
    const time = times[index] ?? since;
    const previous = shown[index - 1];
    if (previous === undefined || dampingMs <= 0) {
      shown.push(status);
      return;
    }
    if (status !== statuses[index - 1]) {
      since = time;
    }
    shown.push(status !== previous && time - since >= dampingMs ? status : previous);
  });
  return shown;
}

export interface StatusChange {
  time: number;
  /** `cluster` or a component id. */
  subject: string;
  from: Status;
  to: Status;
}

/** Every change of a status series, for annotations. */
export function statusChanges(subject: string, times: number[], statuses: Status[]): StatusChange[] {
  const changes: StatusChange[] = [];
  statuses.forEach((to, index) => {
    const from = statuses[index - 1];
    const time = times[index];
    if (from !== undefined && from !== to && time !== undefined) {
      changes.push({ time, subject, from, to });
    }
  });
  return changes;
}
