import { parseInstantResponse, type InstantResult } from '../model';

/**
 * Runs one instant query against the Prometheus HTTP API. POST, because the planned query of a large
 * model is longer than some proxies accept in a URL. Every failure comes back as an error in words
 * (unreachable, timeout, HTTP status, Prometheus's own error), never as an exception.
 */
export async function queryInstant(args: {
  prometheusUrl: string;
  query: string;
  /** Unix milliseconds of the instant to evaluate. */
  time: number;
  timeoutMs: number;
}): Promise<InstantResult & { bytes?: number }> {
  const endpoint = `${args.prometheusUrl.replace(/\/+$/, '')}/api/v1/query`;
  const body = new URLSearchParams({ query: args.query, time: (args.time / 1000).toFixed(3) });
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(args.timeoutMs),
    });
  } catch (error) {
    return {
      ok: false,
      error: `cannot reach Prometheus at ${args.prometheusUrl}: ${describeFetchError(error, args.timeoutMs)}`,
    };
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: `Prometheus at ${args.prometheusUrl} answered HTTP ${response.status} without JSON: ${text.slice(0, 200)}`,
    };
  }
  const result = parseInstantResponse(json);
  return result.ok ? { ...result, bytes: text.length } : result;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** Duck-typed: errors from Node's fetch may come from another realm (e.g. under jest), failing `instanceof`. */
function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

/** "ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9090)", "no answer within 10 s", … */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const outer = asErrorLike(error);
  if (outer?.name === 'TimeoutError' || outer?.name === 'AbortError') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = asErrorLike(outer?.cause);
  if (cause && typeof cause.message === 'string') {
    return typeof cause.code === 'string' ? `${cause.code} (${cause.message})` : cause.message;
  }
  return typeof outer?.message === 'string' ? outer.message : String(error);
}
