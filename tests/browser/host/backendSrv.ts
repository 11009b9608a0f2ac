/**
 * A small BackendSrv with the behaviour of Grafana's (public/app/core/services/backend_srv.ts) that a
 * datasource depends on:
 * - fetch() is a cold Observable of a FetchResponse { data, status, statusText, ok, headers, url, config … };
 *   the body is JSON-parsed when it parses, else left as text;
 * - a non-2xx answer errors with a FetchError { status, statusText, data, config } (data normalised like
 *   Grafana's processRequestError: a string body becomes { message, error, response }, and a missing
 *   `message` is copied from `error`, as Prometheus answers { status, errorType, error });
 * - a network failure errors with the TypeError itself, given `data = { message: 'Unexpected error' }`;
 * - requestId: starting a request cancels the in-flight one with the same requestId; the cancelled one
 *   errors with { cancelled: true, status: -1, statusText: 'Request was aborted', data: null, config } and
 *   its HTTP request is aborted (unsubscribing aborts it too);
 * - showErrorAlert: like Grafana, 50 ms after a failure (unless the caller set `isHandled`) a toast would be
 *   shown, by default only for non-data requests; here it is recorded in `alerts`.
 * Differences: no fetch queue (Grafana limits concurrent requests), no retries/login ping, no inspector.
 */
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { defer, lastValueFrom, Observable, Subject, throwError } from 'rxjs';
import { catchError, filter, map, takeUntil, throwIfEmpty } from 'rxjs/operators';
import type { HostAlert, RequestLogEntry } from './api';

const CANCEL_ALL = 'cancel_all_requests_request_id';
const HTTP_REQUEST_CANCELED = -1;

type ErrorData = { message?: string; error?: unknown; response?: unknown } & Record<string, unknown>;

function isLocalUrl(url: string): boolean {
  return !/^https?:\/\//.test(url);
}

/** Grafana's isDataQuery: requests whose errors the panel shows, not a toast. */
function isDataQuery(url: string): boolean {
  return url.includes('api/datasources/proxy') || url.includes('api/tsdb/query') || url.includes('api/ds/query');
}

function serializeParams(params: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = typeof item === 'object' ? JSON.stringify(item) : String(item);
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    }
  }
  return parts.join('&');
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : String(headers[key]);
}

export class HostBackendSrv implements BackendSrv {
  readonly requestLog: RequestLogEntry[] = [];
  readonly alerts: HostAlert[] = [];
  private readonly inFlightRequests = new Subject<string>();
  private seq = 0;

  get<T = unknown>(url: string, params?: unknown, requestId?: string, options?: Partial<BackendSrvRequest>) {
    return this.request<T>({ ...options, method: 'GET', url, params: params as Record<string, unknown>, requestId });
  }

  delete<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) {
    return this.request<T>({ ...options, method: 'DELETE', url, data });
  }

  post<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) {
    return this.request<T>({ ...options, method: 'POST', url, data });
  }

  patch<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) {
    return this.request<T>({ ...options, method: 'PATCH', url, data });
  }

  put<T = unknown>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) {
    return this.request<T>({ ...options, method: 'PUT', url, data });
  }

  request<T = unknown>(options: BackendSrvRequest): Promise<T> {
    return lastValueFrom(this.fetch<T>(options).pipe(map((response) => response.data)));
  }

  datasourceRequest<T = unknown>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    return throwError(() => new Error('chunked() is not supported by the Panopticon test host'));
  }

  /** Cancels every in-flight request (Grafana does this when leaving a dashboard). */
  cancelAllInFlightRequests(): void {
    this.inFlightRequests.next(CANCEL_ALL);
  }

  fetch<T>(requestOptions: BackendSrvRequest): Observable<FetchResponse<T>> {
    return defer(() => {
      // Published before this request subscribes to the cancellation stream, so it cancels only older ones.
      if (requestOptions.requestId) {
        this.inFlightRequests.next(requestOptions.requestId);
      }
      const options = this.parseRequestOptions({ ...requestOptions });
      return this.fetchOnce<T>(options).pipe(
        catchError((error: FetchError) => throwError(() => this.processRequestError(options, error))),
        takeUntil(
          this.inFlightRequests.pipe(
            filter((requestId) => requestId === CANCEL_ALL || (!!options.requestId && requestId === options.requestId))
          )
        ),
        // takeUntil completes without a value when cancelled: Grafana turns that into this error.
        throwIfEmpty(() => ({
          type: HTTP_REQUEST_CANCELED,
          cancelled: true,
          data: null,
          status: HTTP_REQUEST_CANCELED,
          statusText: 'Request was aborted',
          config: options,
        }))
      );
    });
  }

  /** Grafana's parseRequestOptions: local URLs lose their leading and trailing slash (page-relative, `<base href="/">`). */
  private parseRequestOptions(options: BackendSrvRequest): BackendSrvRequest {
    options.retry = options.retry ?? 0;
    if (isLocalUrl(options.url)) {
      options.headers = { ...options.headers, 'X-Grafana-Org-Id': 1 };
      if (options.url.startsWith('/')) {
        options.url = options.url.substring(1);
      }
      if (options.url.endsWith('/')) {
        options.url = options.url.slice(0, -1);
      }
    }
    return options;
  }

  private fetchOnce<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    const query = options.params ? serializeParams(options.params) : '';
    const url = query ? `${options.url}${options.url.includes('?') ? '&' : '?'}${query}` : options.url;
    const method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, unknown> = { ...options.headers };
    const contentType = headerValue(headers, 'content-type');
    if (!headerValue(headers, 'accept')) {
      headers.Accept = 'application/json, text/plain, */*';
    }
    let body: BodyInit | undefined;
    if (options.data !== undefined && options.data !== null && options.data !== '') {
      if (typeof options.data === 'string' || options.data instanceof Blob || options.data instanceof URLSearchParams) {
        body = options.data;
      } else if (contentType === undefined || contentType.includes('application/json')) {
        body = JSON.stringify(options.data);
      } else {
        body = new URLSearchParams(options.data as Record<string, string>);
      }
      if (contentType === undefined && typeof body === 'string') {
        headers['Content-Type'] = 'application/json';
      }
    }
    this.seq += 1;
    const entry: RequestLogEntry = {
      seq: this.seq,
      url,
      method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : String(body),
      requestId: options.requestId,
      cancelled: false,
    };
    this.requestLog.push(entry);

    return new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const started = performance.now();
      let settled = false;
      const init: RequestInit = {
        method,
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
        body,
        credentials: options.credentials ?? (options.withCredentials ? 'include' : 'same-origin'),
        signal: controller.signal,
      };
      options.abortSignal?.addEventListener('abort', () => controller.abort());
      fetch(url, init).then(
        async (response) => {
          const text = await response.text();
          settled = true;
          entry.status = response.status;
          entry.ok = response.ok;
          entry.durationMs = Math.round(performance.now() - started);
          entry.responseChars = text.length;
          let data: unknown = text;
          if (options.responseType !== 'text') {
            try {
              data = JSON.parse(text);
            } catch {
              data = text;
            }
          }
          const fetchResponse: FetchResponse<T> = {
            data: data as T,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          };
          if (response.ok) {
            subscriber.next(fetchResponse);
            subscriber.complete();
          } else {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(error);
          }
        },
        (error: unknown) => {
          if (controller.signal.aborted && !settled) {
            return; // cancelled: the teardown below recorded it, the subscriber is gone
          }
          settled = true;
          entry.durationMs = Math.round(performance.now() - started);
          entry.networkError = String(error);
          subscriber.error(error);
        }
      );
      return () => {
        if (!settled) {
          settled = true;
          entry.cancelled = true;
          entry.durationMs = Math.round(performance.now() - started);
          controller.abort();
        }
      };
    });
  }

  /** Grafana's processRequestError, with the toast recorded instead of shown. */
  private processRequestError(options: BackendSrvRequest, error: FetchError): FetchError {
    const err = error as FetchError<ErrorData | string | null | undefined>;
    err.data = err.data ?? { message: 'Unexpected error' };
    if (typeof err.data === 'string') {
      err.data = { message: err.data, error: err.statusText, response: err.data };
    }
    const data = err.data as ErrorData;
    if (data && !data.message && typeof data.error === 'string') {
      data.message = data.error;
    }
    if (data.message) {
      setTimeout(() => {
        if (!err.isHandled) {
          this.showErrorAlert(options, err as FetchError<ErrorData>);
        }
      }, 50);
    }
    return err as FetchError;
  }

  private showErrorAlert(config: BackendSrvRequest, err: FetchError<ErrorData>): void {
    if (config.showErrorAlert === false) {
      return;
    }
    // By default Grafana shows toasts only for its own API, not for data queries or external URLs.
    if (config.showErrorAlert === undefined && (isDataQuery(config.url) || !isLocalUrl(config.url))) {
      return;
    }
    let description = '';
    let title = String(err.data.message ?? '');
    if (title.length > 80) {
      description = title;
      title = 'Error';
    }
    if (err.status === 422) {
      description = String(err.data.message ?? '');
      title = 'Validation failed';
    }
    this.alerts.push({
      type: typeof err.status === 'number' && err.status < 500 ? 'warning' : 'error',
      title,
      description,
      url: config.url,
      status: err.status,
    });
  }
}
