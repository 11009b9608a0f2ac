import type { Status } from './status';
import type { Level } from './types';

/** The pure rules, on plain numbers. Each returns a status and the words that explain it. */
export interface Verdict {
  status: Status;
  reason: string;
}

/** The smallest majority of n: ⌊n/2⌋+1. */
export function majorityOf(expected: number): number {
  return Math.floor(expected / 2) + 1;
}

/**
 * Quorum: all n live → ok; at least ⌊n/2⌋+1 → warning, saying how many more failures it tolerates;
 * fewer → critical "no quorum".
 * n = 3: 3 → ok "3/3 managers"; 2 → warning "2/3 managers, no further failure tolerated";
 *        1 → critical "1/3 managers: no quorum (2 needed)".
 * n = 5: 4 → warning "4/5 managers, tolerates 1 more failure"; 2 → critical.
 * n = 1: 1 → ok; 0 → critical.
 */
export function judgeQuorum(live: number, expected: number, members: string): Verdict {
  const counts = `${live}/${expected} ${members}`;
  if (live >= expected) {
    const extra = live > expected ? ` (more than the ${expected} expected: update the expected count)` : '';
    return { status: 'ok', reason: `${counts}${extra}` };
  }
  const majority = majorityOf(expected);
  if (live >= majority) {
    const tolerated = live - majority;
    const tolerance =
      tolerated === 0
        ? 'no further failure tolerated'
        : `tolerates ${tolerated} more failure${tolerated === 1 ? '' : 's'}`;
    return { status: 'warning', reason: `${counts}, ${tolerance}` };
  }
  return { status: 'critical', reason: `${counts}: no quorum (${majority} needed)` };
}

/**
 * Exactly one leader: 1 → ok; 0 → critical "no leader"; more than 1 → critical "split brain".
 */
export function judgeLeaders(leaders: number): Verdict {
  if (leaders === 1) {
    return { status: 'ok', reason: 'one leader' };
  }
  if (leaders === 0) {
    return { status: 'critical', reason: 'no leader' };
  }
  return { status: 'critical', reason: `split brain: ${leaders} leaders` };
}

/** Resolves a count-or-percentage level against a total; percentages round up (50% of 3 is 2). */
export function resolveLevel(level: Level, total: number): number {
  if (typeof level === 'number') {
    return level;
  }
  // The epsilon keeps 50% of 4 at 2 despite floating point; max() keeps 0% at 0, not -0.
  return Math.max(0, Math.ceil((Number(level.slice(0, -1)) / 100) * total - 1e-9));
}

/**
 * k of n: healthy ≥ okAtLeast (default all) → ok; ≥ warningAtLeast → warning; else critical.
 * 4 items, ok 4, warning 2: 4 → ok, 3 → warning, 2 → warning, 1 → critical.
 * 3 items, warning "50%" (= 2): 2 → warning, 1 → critical.
 */
export function judgeKOfN(args: {
  healthy: number;
  total: number;
  items: string;
  okAtLeast?: Level;
  warningAtLeast: Level;
}): Verdict {
  const { healthy, total, items } = args;
  const okLevel = resolveLevel(args.okAtLeast ?? total, total);
  const warningLevel = resolveLevel(args.warningAtLeast, total);
  const counts = `${healthy}/${total} ${items}`;
  if (healthy >= okLevel) {
    return { status: 'ok', reason: counts };
  }
  if (healthy >= warningLevel) {
    return { status: 'warning', reason: `${counts} (${okLevel} wanted)` };
  }
  return { status: 'critical', reason: `${counts} (at least ${warningLevel} needed)` };
}

/**
 * Threshold on one value. above: ≥ critical → critical, ≥ warning → warning. below: ≤ critical →
 * critical, ≤ warning → warning. NaN is not a value: unknown.
 * CPU 85/95 above: 84.9 → ok, 85 → warning, 95 → critical. Free 15/5 below: 20 → ok, 15 → warning, 5 → critical.
 */
export function judgeThreshold(args: {
  value: number;
  warning: number;
  critical?: number;
  direction?: 'above' | 'below';
}): Status {
  const { value, warning, critical } = args;
  if (Number.isNaN(value)) {
    return 'unknown';
  }
  const breaches = (level: number) => ((args.direction ?? 'above') === 'above' ? value >= level : value <= level);
  if (critical !== undefined && breaches(critical)) {
    return 'critical';
  }
  return breaches(warning) ? 'warning' : 'ok';
}

/** Numbers as people read them in a reason: at most one decimal, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);
}
