import type { BackendSrv, FetchResponse } from '@grafana/runtime';
import { Observable, catchError, map, of, throwError, timeout } from 'rxjs';
import {
  TRANSPORT_ERROR,
  parseInstantResponse,
  parseRangeResponse,
  type InstantResult,
  type RangeResult,
} from '../model';

/** `server` names what answered: "Prometheus 2.42.0", or for engines that keep their version to themselves
 * (VictoriaMetrics answers buildinfo with empty data) "a Prometheus API (version not reported)". */
export type BuildInfoResult = { ok: true; server: string } | { ok: false; error: string };
export type ValuesResult = { ok: true; values: string[] } | { ok: false; error: string };

/**
 * The Prometheus HTTP API through Grafana's data proxy (`baseUrl` is the datasource's proxy URL).
 * Every call is an Observable: unsubscribing (a new refresh) cancels the HTTP request, and a `requestId`
 * lets Grafana's BackendSrv cancel a previous in-flight one. Failures come back as values in words,
 * never as thrown errors, so the caller can turn them into `unknown` components.
 */
export class PrometheusApi {
  constructor(
    private readonly backendSrv: BackendSrv,
    private readonly baseUrl: string,
    private readonly timeoutMs: number
  ) {}

  instant(query: string, timeMs: number, requestId?: string): Observable<InstantResult> {
    return this.post('/api/v1/query', { query, time: seconds(timeMs) }, requestId).pipe(map(parseInstantResponse));
  }

  range(query: string, startMs: number, endMs: number, stepMs: number, requestId?: string): Observable<RangeResult> {
    const params = { query, start: seconds(startMs), end: seconds(endMs), step: seconds(stepMs) };
    return this.post('/api/v1/query_range', params, requestId).pipe(map(parseRangeResponse));
  }

  buildInfo(): Observable<BuildInfoResult> {
    return this.get('/api/v1/status/buildinfo').pipe(
      map((body): BuildInfoResult => {
        const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
        if (isRecord(body) && body.status === 'error') {
          return { ok: false, error: errorText(body) };
        }
        if (!isRecord(body) || body.status !== 'success' || !data) {
          return { ok: false, error: 'the answer to /api/v1/status/buildinfo is not from a Prometheus API' };
        }
        return {
          ok: true,
          server:
            typeof data.version === 'string' && data.version
              ? `Prometheus ${data.version}`
              : 'a Prometheus API (version not reported)',
        };
      })
    );
  }

  /** Values of a label, optionally of the series matching a selector. */
  labelValues(label: string, match?: string): Observable<ValuesResult> {
    const query = match ? `?${new URLSearchParams({ 'match[]': match }).toString()}` : '';
    return this.get(`/api/v1/label/${encodeURIComponent(label)}/values${query}`).pipe(
      map((body): ValuesResult => {
        if (isRecord(body) && body.status === 'success' && Array.isArray(body.data)) {
          return { ok: true, values: body.data.filter((value): value is string => typeof value === 'string') };
        }
        return { ok: false, error: isRecord(body) ? errorText(body) : 'not a Prometheus API response' };
      })
    );
  }

  private get(path: string): Observable<unknown> {
    return this.request({ url: `${this.baseUrl}${path}`, method: 'GET' });
  }

  /** POST with a form body: a large model's query is longer than URLs may be. */
  private post(path: string, params: Record<string, string>, requestId?: string): Observable<unknown> {
    return this.request({
      url: `${this.baseUrl}${path}`,
      method: 'POST',
      data: new URLSearchParams(params).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      ...(requestId ? { requestId } : {}),
    });
  }

  private request(options: {
    url: string;
    method: string;
    data?: string;
    headers?: Record<string, string>;
    requestId?: string;
  }) {
    return this.backendSrv.fetch<unknown>({ ...options, showErrorAlert: false }).pipe(
      timeout({
        first: this.timeoutMs,
        with: () => throwError(() => new Error(`no answer from Prometheus within ${this.timeoutMs / 1000} s`)),
      }),
      map((response: FetchResponse<unknown>) => response.data),
      // Prometheus answers errors with a JSON body (status "error") and HTTP 4xx/5xx: keep its words.
      catchError((error: unknown) => of(errorBody(error)))
    );
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(body: Record<string, unknown>): string {
  const message = typeof body.error === 'string' ? body.error : 'no error message';
  return body.errorType === TRANSPORT_ERROR ? message : `Prometheus error: ${message}`;
}

/** A failed request as a Prometheus-style error body, so one parser reads both. */
export function errorBody(error: unknown): Record<string, unknown> {
  if (isRecord(error)) {
    if (isRecord(error.data) && error.data.status === 'error') {
      return error.data;
    }
    if (typeof error.status === 'number') {
      const statusText = typeof error.statusText === 'string' && error.statusText ? ` ${error.statusText}` : '';
      const message = isRecord(error.data) && typeof error.data.message === 'string' ? error.data.message : '';
      // The proxy often repeats the status text as its message: say it once.
      const detail = message && ` ${message}` !== statusText ? `: ${message}` : '';
      return {
        status: 'error',
        errorType: TRANSPORT_ERROR,
        error: `HTTP ${error.status}${statusText}${detail} from the data proxy`,
      };
    }
    if (typeof error.message === 'string') {
      return { status: 'error', errorType: TRANSPORT_ERROR, error: error.message };
    }
  }
  return { status: 'error', errorType: TRANSPORT_ERROR, error: String(error) };
}
