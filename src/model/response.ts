import type { Sample } from './types';

/**
 * Reads the body of a Prometheus (or VictoriaMetrics) `/api/v1/query` response. Anything that is not a
 * successful instant vector is an error with Prometheus's own words, so the caller can make the affected
 * components unknown instead of guessing.
 */
export type InstantResult = { ok: true; samples: Sample[]; warnings: string[] } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prometheus encodes sample values as strings, including `NaN`, `+Inf` and `-Inf`. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  return Number(text);
}

/** The string labels of a series' `metric` object. */
function labelsOf(metric: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metric).filter((pair): pair is [string, string] => typeof pair[1] === 'string')
  );
}

function parseSample(entry: unknown): Sample | undefined {
  if (!isRecord(entry) || !isRecord(entry.metric) || !Array.isArray(entry.value)) {
    return undefined;
  }
  const raw = entry.value[1];
  if (typeof raw !== 'string') {
    return undefined;
  }
  return { labels: labelsOf(entry.metric), value: parseSampleValue(raw) };
}

/** Marks an error body made by our own client (unreachable, timeout), not by Prometheus. */
export const TRANSPORT_ERROR = 'transport';

function apiError(body: Record<string, unknown>): string {
  const message = typeof body.error === 'string' ? body.error : 'no error message';
  if (body.errorType === TRANSPORT_ERROR) {
    return message;
  }
  const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
  return `Prometheus error: ${type}${message}`;
}

/**
 * Why a successful answer may be incomplete: Prometheus' `warnings`, and VictoriaMetrics' `isPartial`
 * (some storage nodes did not answer). Incomplete data must not read as healthy.
 */
function warningsOf(body: Record<string, unknown>): string[] {
  const warnings = Array.isArray(body.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string') : [];
  return body.isPartial === true ? [...warnings, 'partial response (isPartial)'] : warnings;
}

/**
 * The successful result list of an API answer of the expected type, each entry parsed, or the error in
 * words: Prometheus' own error, a wrong result type, or a malformed entry.
 */
function readResults<T>(
  body: unknown,
  resultType: 'vector' | 'matrix',
  parseEntry: (entry: unknown) => T | undefined
): { ok: true; entries: T[]; warnings: string[] } | { ok: false; error: string } {
  if (!isRecord(body)) {
    return { ok: false, error: 'not a Prometheus API response (no JSON object)' };
  }
  if (body.status !== 'success') {
    return { ok: false, error: apiError(body) };
  }
  const data = body.data;
  if (!isRecord(data) || data.resultType !== resultType || !Array.isArray(data.result)) {
    const type = isRecord(data) ? String(data.resultType) : 'nothing';
    return {
      ok: false,
      error: `expected ${resultType === 'vector' ? 'an instant vector' : 'a range (matrix)'} from Prometheus, got ${type}`,
    };
  }
  const entries: T[] = [];
  for (const entry of data.result) {
    const parsed = parseEntry(entry);
    if (parsed === undefined) {
      return { ok: false, error: `malformed ${resultType === 'vector' ? 'sample' : 'series'} in Prometheus response` };
    }
    entries.push(parsed);
  }
  return { ok: true, entries, warnings: warningsOf(body) };
}

export function parseInstantResponse(body: unknown): InstantResult {
  const read = readResults(body, 'vector', parseSample);
  return read.ok ? { ok: true, samples: read.entries, warnings: read.warnings } : read;
}

/** One series of a range query: labels and its samples at the query's steps. */
export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix milliseconds, value] in time order. */
  points: Array<[number, number]>;
}

export type RangeResult = { ok: true; series: RangeSeries[]; warnings: string[] } | { ok: false; error: string };

function parseRangeSeries(entry: unknown): RangeSeries | undefined {
  if (!isRecord(entry) || !isRecord(entry.metric) || !Array.isArray(entry.values)) {
    return undefined;
  }
  const labels = labelsOf(entry.metric);
  const points: Array<[number, number]> = [];
  for (const point of entry.values) {
    if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'string') {
      return undefined;
    }
    points.push([Math.round(point[0] * 1000), parseSampleValue(point[1])]);
  }
  return { labels, points };
}

/** Reads the body of a `/api/v1/query_range` response (a matrix). */
export function parseRangeResponse(body: unknown): RangeResult {
  const read = readResults(body, 'matrix', parseRangeSeries);
  return read.ok ? { ok: true, series: read.entries, warnings: read.warnings } : read;
}
