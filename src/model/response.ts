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

function parseSample(entry: unknown): Sample | undefined {
  if (!isRecord(entry) || !isRecord(entry.metric) || !Array.isArray(entry.value)) {
    return undefined;
  }
  const raw = entry.value[1];
  if (typeof raw !== 'string') {
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.metric)) {
    if (typeof value === 'string') {
      labels[name] = value;
    }
  }
  return { labels, value: parseSampleValue(raw) };
}

export function parseInstantResponse(body: unknown): InstantResult {
  if (!isRecord(body)) {
    return { ok: false, error: 'not a Prometheus API response (no JSON object)' };
  }
  if (body.status !== 'success') {
    const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
    const message = typeof body.error === 'string' ? body.error : 'no error message';
    return { ok: false, error: `Prometheus error: ${type}${message}` };
  }
  const data = body.data;
  if (!isRecord(data) || data.resultType !== 'vector' || !Array.isArray(data.result)) {
    const type = isRecord(data) ? String(data.resultType) : 'nothing';
    return { ok: false, error: `expected an instant vector from Prometheus, got ${type}` };
  }
  const samples: Sample[] = [];
  for (const entry of data.result) {
    const sample = parseSample(entry);
    if (!sample) {
      return { ok: false, error: 'malformed sample in Prometheus response' };
    }
    samples.push(sample);
  }
  const warnings = Array.isArray(body.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { ok: true, samples, warnings };
}
