/** Used when the `staleAfter` option cannot be read: a typo must not switch the check off. */
export const DEFAULT_STALE_LIMIT_MS = 5 * 60_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The `staleAfter` option in milliseconds, or null when the check is off.
 * `5m` → 300000, `90s` → 90000, `1.5h` → 5400000, `30` → 30000 (seconds), `0`, `off` or empty → null;
 * anything unreadable (`soon`) → the default 5 minutes.
 */
export function parseStaleLimit(text: string): number | null {
  const value = text.trim().toLowerCase();
  if (value === '' || value === 'off' || value === 'never') {
    return null;
  }
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value);
  if (!match) {
    return DEFAULT_STALE_LIMIT_MS;
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  return ms > 0 ? ms : null;
}

/**
 * The instant the evaluation is compared with. A range ending at `now` (`now-1h` to `now`) means "the
 * current status": the wall clock, which keeps moving when the dashboard stops refreshing. A range ending
 * in the past asks for the status at its end: that end (never later than the wall clock).
 */
export function referenceTime({ rangeTo, rawTo, wallClock }: { rangeTo: number; rawTo: unknown; wallClock: number }) {
  if (typeof rawTo === 'string' && rawTo.trim().startsWith('now')) {
    return wallClock;
  }
  return Number.isFinite(rangeTo) ? Math.min(rangeTo, wallClock) : wallClock;
}

export type Freshness =
  | { kind: 'fresh' }
  /** The check is on but the data has no `evaluatedAt`: freshness cannot be judged (never assumed). */
  | { kind: 'unknown' }
  | { kind: 'stale'; ageMs: number; limitMs: number };

/**
 * Stale when the newest evaluation is older than the limit at `now`.
 * limit 5 min: evaluated 4 min ago → fresh, 12 min ago → stale (age 12 min); a clock skew that puts the
 * evaluation in the future → fresh; no limit → fresh; no evaluatedAt with a limit → unknown.
 */
export function judgeFreshness({
  evaluatedAt,
  now,
  limitMs,
}: {
  evaluatedAt: number | null;
  now: number;
  limitMs: number | null;
}): Freshness {
  if (limitMs === null) {
    return { kind: 'fresh' };
  }
  if (evaluatedAt === null) {
    return { kind: 'unknown' };
  }
  const ageMs = now - evaluatedAt;
  return ageMs > limitMs ? { kind: 'stale', ageMs, limitMs } : { kind: 'fresh' };
}

/**
 * A duration for people, rounded down: 45 s, 12 min, 3 h, 2 days.
 * 59 999 ms → "59 s", 90 s → "1 min", 12.5 min → "12 min", 5 h → "5 h", 49 h → "2 days".
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h`;
  }
  return `${Math.floor(hours / 24)} days`;
}

/** "Stale: last evaluation 12 min ago (limit 5 min)". */
export function describeStale(freshness: { ageMs: number; limitMs: number }): string {
  return `Stale: last evaluation ${formatDuration(freshness.ageMs)} ago (limit ${formatDuration(freshness.limitMs)})`;
}
