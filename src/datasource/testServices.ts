import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import type { BackendSrv, BackendSrvRequest, FetchResponse, TemplateSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { SIGNAL_LABEL } from '../model';
import type { ClusterOptions, ClusterQuery } from './types';

/**
 * Injected stand-ins for Grafana's own services (BackendSrv, TemplateSrv) in unit tests. The thing under
 * test is the datasource; these answer like Grafana's data proxy and template service would. Tests
 * against a real Prometheus through a real browser live in tests/browser.
 */

export interface RecordedRequest {
  options: BackendSrvRequest;
  /** The form body decoded, for POSTs. */
  form: Record<string, string>;
  cancelled: boolean;
}

export type Answer = { status: number; body: unknown } | 'never';

/** A BackendSrv whose `fetch` answers from a handler, records every request and whether it was cancelled. */
export function scriptedBackendSrv(handler: (request: RecordedRequest) => Answer) {
  const requests: RecordedRequest[] = [];
  const fetch = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const form = typeof options.data === 'string' ? Object.fromEntries(new URLSearchParams(options.data)) : {};
      const recorded: RecordedRequest = { options, form, cancelled: false };
      requests.push(recorded);
      const answer = handler(recorded);
      let settled = false;
      if (answer !== 'never') {
        settled = true;
        if (answer.status >= 200 && answer.status < 300) {
          subscriber.next({ data: answer.body as T, status: answer.status, ok: true } as FetchResponse<T>);
          subscriber.complete();
        } else {
          // Grafana's FetchError shape.
          subscriber.error({ status: answer.status, statusText: '', data: answer.body, config: options });
        }
      }
      return () => {
        recorded.cancelled = !settled;
      };
    });
  const backendSrv = { fetch } as unknown as BackendSrv;
  return { backendSrv, requests };
}

/** A TemplateSrv holding variables; `replace` supports format functions as Grafana's does. */
export function templateSrvWith(variables: Record<string, { value: string | string[]; multi?: boolean }>): TemplateSrv {
  const replace = (target?: string, scopedVars?: ScopedVars, format?: unknown) =>
    (target ?? '').replace(/\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]/g, (match, a?: string, b?: string, c?: string) => {
      const name = a ?? b ?? c ?? '';
      const scoped = scopedVars?.[name]?.value;
      const variable = variables[name];
      const value = scoped ?? variable?.value;
      if (value === undefined) {
        return match;
      }
      return typeof format === 'function'
        ? format(value, { multi: variable?.multi ?? false, includeAll: false })
        : String(value);
    });
  return {
    replace,
    getVariables: () => [],
    containsTemplate: () => false,
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv;
}

export function instanceSettings(jsonData: ClusterOptions = {}): DataSourceInstanceSettings<ClusterOptions> {
  return {
    uid: 'panopticon',
    type: 'panopticon-cluster-datasource',
    name: 'Panopticon',
    url: '/api/datasources/proxy/uid/panopticon',
    access: 'proxy',
    jsonData,
    readOnly: false,
    meta: {} as DataSourceInstanceSettings['meta'],
  };
}

export const END = Date.UTC(2026, 11, 4, 16, 0, 0);

export function aRequest(targets: ClusterQuery[], overrides: Partial<DataQueryRequest<ClusterQuery>> = {}) {
  return {
    requestId: 'Q1',
    interval: '15s',
    intervalMs: 15000,
    range: { from: dateTime(END - 3600_000), to: dateTime(END), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: END,
    ...overrides,
  } as DataQueryRequest<ClusterQuery>;
}

/** A successful instant-vector body with one sample per signal key. */
export function vectorOf(
  signals: Record<string, number | Array<[number, Record<string, string>]>>,
  extra: object = {}
) {
  const result = Object.entries(signals).flatMap(([key, value]) =>
    (typeof value === 'number' ? [[value, {}] as [number, Record<string, string>]] : value).map(([v, labels]) => ({
      metric: { [SIGNAL_LABEL]: key, ...labels },
      value: [END / 1000, String(v)],
    }))
  );
  return { status: 'success', data: { resultType: 'vector', result }, ...extra };
}
