import {
  DataSourceApi,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, type BackendSrv, type FetchResponse } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import {
  buildPreset,
  evaluateCluster,
  evaluateUnobservable,
  parseInstantResponse,
  parsePresetParams,
  planQuery,
  type ClusterModel,
  type InstantResult,
} from '../model';
import { toStatusFrames } from './frames';
import type { ClusterOptions, ClusterQuery } from './types';

type ModelOrError = { model: ClusterModel; error?: undefined } | { model?: undefined; error: string };

/** The model these settings describe, or why there is none. */
export function modelFromSettings(options: ClusterOptions): ModelOrError {
  const parsed = parsePresetParams(options.presetParams ?? {});
  if (!parsed.params) {
    return { error: `invalid preset parameters: ${parsed.errors.join('; ')}` };
  }
  return { model: buildPreset(options.preset ?? 'swarm-mode', parsed.params) };
}

/**
 * Backend-free: Prometheus is asked through Grafana's data proxy (`instanceSettings.url`), the model is
 * evaluated here, in the browser. Grafana services are injected so tests can pass their own.
 */
export class ClusterDataSource extends DataSourceApi<ClusterQuery, ClusterOptions> {
  private readonly url: string;

  constructor(
    private readonly instanceSettings: DataSourceInstanceSettings<ClusterOptions>,
    private readonly backendSrv: BackendSrv = getBackendSrv()
  ) {
    super(instanceSettings);
    this.url = instanceSettings.url ?? '';
  }

  /** One instant query per refresh, whatever the number of components. */
  private async queryInstant(query: string, timeMs: number, requestId?: string): Promise<InstantResult> {
    try {
      const response: FetchResponse<unknown> = await lastValueFrom(
        this.backendSrv.fetch<unknown>({
          url: `${this.url}/api/v1/query`,
          method: 'POST',
          data: new URLSearchParams({ query, time: (timeMs / 1000).toFixed(3) }).toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          requestId,
          showErrorAlert: false,
        })
      );
      return parseInstantResponse(response.data);
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  async query(request: DataQueryRequest<ClusterQuery>): Promise<DataQueryResponse> {
    const resolved = modelFromSettings(this.instanceSettings.jsonData);
    if (!resolved.model) {
      return { data: [], errors: [{ message: resolved.error }] };
    }
    const model = resolved.model;
    const now = request.range.to.valueOf();
    const targets = request.targets.filter((target) => !target.hide);
    const answer = await this.queryInstant(planQuery(model).query, now, `${request.requestId}-status`);
    const evaluation = answer.ok
      ? evaluateCluster({ model, samples: answer.samples, now })
      : evaluateUnobservable({ model, error: answer.error, now });
    return {
      data: targets.flatMap((target) => toStatusFrames(evaluation, target.refId)),
      ...(answer.ok ? {} : { errors: [{ message: answer.error }] }),
    };
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    const resolved = modelFromSettings(this.instanceSettings.jsonData);
    if (!resolved.model) {
      return { status: 'error', message: resolved.error };
    }
    const answer = await this.queryInstant('vector(1)', Date.now());
    return answer.ok
      ? { status: 'success', message: 'Prometheus answered; the model is valid.' }
      : { status: 'error', message: answer.error };
  }
}

/** Words for a failed data-proxy request (FetchError-like objects, errors, anything else). */
export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const record = error as { status?: unknown; statusText?: unknown; data?: unknown; message?: unknown };
    const data = record.data as { error?: unknown; message?: unknown } | undefined;
    const detail = typeof data?.error === 'string' ? data.error : typeof data?.message === 'string' ? data.message : '';
    if (typeof record.status === 'number') {
      return `Prometheus request failed: HTTP ${record.status}${detail ? `: ${detail}` : ''}`;
    }
    if (typeof record.message === 'string') {
      return `Prometheus request failed: ${record.message}`;
    }
  }
  return `Prometheus request failed: ${String(error)}`;
}
