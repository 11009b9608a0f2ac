import {
  DataSourceApi,
  rangeUtil,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type BackendSrv, type TemplateSrv } from '@grafana/runtime';
import { Observable, forkJoin, lastValueFrom, map, of } from 'rxjs';
import {
  SIGNAL_LABEL,
  dampStatuses,
  evaluateCluster,
  evaluateRange,
  evaluateUnobservable,
  markIncomplete,
  mapExpressions,
  planQuery,
  promString,
  rangeSteps,
  escapeRegex,
  type ClusterEvaluation,
  type ClusterModel,
  type Sample,
} from '../model';
import {
  toChangesFrame,
  toComponentFrames,
  toSeriesFrames,
  toStatusFrames,
  toTimelineFrame,
  type Timeline,
} from './frames';
import { PrometheusApi } from './prometheusApi';
import { modelFromSettings, timeoutMs, type ModelOrError } from './settings';
import { DEFAULT_QUERY_TYPE, type ClusterOptions, type ClusterQuery, type ClusterQueryType } from './types';
import { interpolatePromql } from './variables';

/** Most points a range query may ask for (Prometheus refuses more than 11,000 per series). */
const MAX_POINTS = 11_000;
const DETAIL_SIGNAL = 'detail/targets';

const typeOf = (query: ClusterQuery): ClusterQueryType => query.queryType ?? DEFAULT_QUERY_TYPE;

/**
 * Backend-free: Prometheus is asked through Grafana's data proxy (`instanceSettings.url`), the model is
 * evaluated here, in the browser. Grafana services are injected so tests can pass their own.
 */
export class ClusterDataSource extends DataSourceApi<ClusterQuery, ClusterOptions> {
  private readonly api: PrometheusApi;
  /**
   * The model of these settings, parsed and validated once: Grafana makes a new instance when the settings
   * change, so a refresh only interpolates variables instead of re-parsing a document and its PromQL.
   */
  private readonly resolved: ModelOrError;

  /** Status changes as annotations: an annotation query is a timeline query that returns its changes. */
  annotations = {};

  constructor(
    private readonly instanceSettings: DataSourceInstanceSettings<ClusterOptions>,
    backendSrv: BackendSrv = getBackendSrv(),
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.api = new PrometheusApi(backendSrv, instanceSettings.url ?? '', timeoutMs(instanceSettings.jsonData));
    this.resolved = modelFromSettings(instanceSettings.jsonData);
  }

  /** The settings the model comes from (the query editor lists the model's components). */
  instanceSettingsJsonData(): ClusterOptions {
    return this.instanceSettings.jsonData;
  }

  getDefaultQuery(): Partial<ClusterQuery> {
    return { queryType: DEFAULT_QUERY_TYPE };
  }

  filterQuery(query: ClusterQuery): boolean {
    return !query.hide;
  }

  /** The model with template variables interpolated into its expressions, PromQL-escaped. */
  private model(scopedVars?: ScopedVars) {
    const resolved = this.resolved;
    return resolved.model
      ? { model: mapExpressions(resolved.model, (expr) => interpolatePromql(expr, this.templateSrv, scopedVars)) }
      : resolved;
  }

  query(request: DataQueryRequest<ClusterQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.filter((target) => !target.hide);
    const resolved = this.model(request.scopedVars);
    const streams: Array<Observable<DataQueryResponse>> = [];
    const instantTargets = targets.filter((target) => ['status', 'component'].includes(typeOf(target)));
    const timelineTargets = targets.filter((target) => typeOf(target) === 'timeline');
    const promqlTargets = targets.filter((target) => typeOf(target) === 'promql');
    const modelTargets = [...instantTargets, ...timelineTargets];
    if (modelTargets.length > 0 && !resolved.model) {
      streams.push(of({ data: [], errors: modelTargets.map((t) => ({ refId: t.refId, message: resolved.error })) }));
    }
    if (resolved.model && instantTargets.length > 0) {
      streams.push(this.queryInstant(resolved.model, instantTargets, request));
    }
    if (resolved.model && timelineTargets.length > 0) {
      streams.push(this.queryTimeline(resolved.model, timelineTargets, request));
    }
    for (const target of promqlTargets) {
      streams.push(this.queryPromql(target, request));
    }
    if (streams.length === 0) {
      return of({ data: [] });
    }
    return forkJoin(streams).pipe(
      map((responses) => ({
        data: responses.flatMap((response) => response.data),
        errors: responses.flatMap((response) => response.errors ?? []),
      }))
    );
  }

  /**
   * `status` and `component` targets share ONE instant query at the end of the range, whatever the number
   * of components and targets. Component targets add their scrape targets' `up` as one more signal.
   */
  private queryInstant(
    model: ClusterModel,
    targets: ClusterQuery[],
    request: DataQueryRequest<ClusterQuery>
  ): Observable<DataQueryResponse> {
    const now = request.range.to.valueOf();
    const detailJobs = new Set(
      targets
        .filter((target) => typeOf(target) === 'component')
        .flatMap((target) => model.components.find((c) => c.id === target.component)?.checks.map((c) => c.job) ?? [])
    );
    const detail =
      detailJobs.size > 0
        ? `\nor\nlabel_replace(up{job=~${promString([...detailJobs].map(escapeRegex).join('|'))}}, ${promString(SIGNAL_LABEL)}, ${promString(DETAIL_SIGNAL)}, "", "")`
        : '';
    return this.api.instant(planQuery(model).query + detail, now, `${request.requestId}-instant`).pipe(
      map((answer) => {
        const evaluation = answer.ok
          ? completeness(evaluateCluster({ model, samples: answer.samples, now }), answer.warnings)
          : evaluateUnobservable({ model, error: answer.error, now });
        const detailSamples = answer.ok ? answer.samples.filter((s) => s.labels[SIGNAL_LABEL] === DETAIL_SIGNAL) : [];
        const errors: DataQueryError[] = answer.ok
          ? []
          : targets.map((t) => ({ refId: t.refId, message: answer.error }));
        const data = targets.flatMap((target) =>
          instantFrames({ model, target, evaluation, detail: detailSamples, errors })
        );
        return { data, errors };
      })
    );
  }

  /** All `timeline` targets share ONE range query of the planned expression over the dashboard's range. */
  private queryTimeline(
    model: ClusterModel,
    targets: ClusterQuery[],
    request: DataQueryRequest<ClusterQuery>
  ): Observable<DataQueryResponse> {
    const { start, end, step } = alignedRange(request);
    const times = rangeSteps(start, end, step);
    return this.api.range(planQuery(model).query, start, end, step, `${request.requestId}-timeline`).pipe(
      map((answer): DataQueryResponse => {
        if (!answer.ok) {
          return { data: [], errors: targets.map((t) => ({ refId: t.refId, message: answer.error })) };
        }
        const incomplete = answer.warnings.length > 0 ? answer.warnings.join('; ') : undefined;
        const evaluations = evaluateRange({ model, series: answer.series, times, incomplete });
        const data: DataFrame[] = [];
        const errors: DataQueryError[] = [];
        for (const target of targets) {
          const dampingMs = parseDamping(target.damping);
          if (dampingMs === undefined) {
            errors.push({
              refId: target.refId,
              message: `damping: expected a duration like 2m, got "${target.damping}"`,
            });
            continue;
          }
          const timeline = toTimeline(model, times, evaluations, dampingMs);
          data.push(
            target.output === 'changes'
              ? toChangesFrame(timeline, target.refId)
              : toTimelineFrame(timeline, target.refId)
          );
        }
        return { data, errors };
      })
    );
  }

  /** PromQL passthrough: one range query per target, as time series, with the same variables. */
  private queryPromql(target: ClusterQuery, request: DataQueryRequest<ClusterQuery>): Observable<DataQueryResponse> {
    const expr = interpolatePromql(target.expr ?? '', this.templateSrv, request.scopedVars);
    if (!expr.trim()) {
      return of({ data: [], errors: [{ refId: target.refId, message: 'promql: the expression is empty' }] });
    }
    const { start, end, step } = alignedRange(request);
    return this.api
      .range(expr, start, end, step, `${request.requestId}-${target.refId}`)
      .pipe(
        map((answer) =>
          answer.ok
            ? { data: toSeriesFrames(answer.series, target.refId, target.legendFormat) }
            : { data: [], errors: [{ refId: target.refId, message: answer.error }] }
        )
      );
  }

  /**
   * Template variable values: `components()`, `instances(<component id>)`, `label_values(<label>)` and
   * `label_values(<selector>, <label>)`.
   */
  async metricFindQuery(query: string, options?: { scopedVars?: ScopedVars }): Promise<MetricFindValue[]> {
    const text = interpolatePromql(query.trim(), this.templateSrv, options?.scopedVars);
    const resolved = this.model(options?.scopedVars);
    if (/^components\(\s*\)$/.test(text)) {
      if (!resolved.model) {
        throw new Error(resolved.error);
      }
      return resolved.model.components.map((c) => ({ text: c.name, value: c.id }));
    }
    const instances = /^instances\(\s*([a-z][a-z0-9_-]*)\s*\)$/.exec(text);
    if (instances) {
      if (!resolved.model) {
        throw new Error(resolved.error);
      }
      const component = resolved.model.components.find((c) => c.id === instances[1]);
      if (!component) {
        throw new Error(`instances(): unknown component "${instances[1]}"`);
      }
      const jobs = [...new Set(component.checks.map((c) => c.job))].map(escapeRegex).join('|');
      return this.labelValues('instance', `up{job=~${promString(jobs)}}`);
    }
    const labelValues = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(text);
    if (labelValues) {
      return this.labelValues(labelValues[2] ?? '', labelValues[1]);
    }
    throw new Error(
      `unsupported variable query "${query}": use components(), instances(<component id>), label_values(<label>) or label_values(<selector>, <label>)`
    );
  }

  private async labelValues(label: string, match?: string): Promise<MetricFindValue[]> {
    const answer = await lastValueFrom(this.api.labelValues(label, match));
    if (!answer.ok) {
      throw new Error(answer.error);
    }
    return answer.values.map((value) => ({ text: value, value }));
  }

  /**
   * Health check: Prometheus reachable (and its version), the model valid, and every component observable,
   * naming what is missing and what to do.
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    const info = await lastValueFrom(this.api.buildInfo());
    if (!info.ok) {
      return { status: 'error', message: `Prometheus is not reachable through Grafana's proxy: ${info.error}` };
    }
    const resolved = this.model();
    if (!resolved.model) {
      return { status: 'error', message: `${info.server} answered, but ${resolved.error}` };
    }
    const now = Date.now();
    const answer = await lastValueFrom(this.api.instant(planQuery(resolved.model).query, now));
    if (!answer.ok) {
      return {
        status: 'error',
        message: `${info.server} answered, but the model's query failed: ${answer.error}`,
      };
    }
    const evaluation = evaluateCluster({ model: resolved.model, samples: answer.samples, now });
    const unobserved = evaluation.components.filter((c) => c.ownStatus === 'unknown');
    const components = resolved.model.components.length;
    if (unobserved.length === 0) {
      return { status: 'success', message: `${info.server}: all ${components} components observed.` };
    }
    return {
      status: 'warning',
      message: `${info.server}: ${components - unobserved.length} of ${components} components observed. ${unobserved
        .map((c) => `${c.id}: ${unobservedWords(c)}`)
        .join(' ')}`,
    };
  }
}

/** The frames of a `status` or `component` target from the shared evaluation; errors are collected. */
function instantFrames(args: {
  model: ClusterModel;
  target: ClusterQuery;
  evaluation: ClusterEvaluation;
  detail: Sample[];
  errors: DataQueryError[];
}): DataFrame[] {
  const { model, target, evaluation } = args;
  if (typeOf(target) === 'status') {
    return toStatusFrames(evaluation, target.refId);
  }
  const component = evaluation.components.find((c) => c.id === target.component);
  const spec = model.components.find((c) => c.id === target.component);
  if (!component || !spec) {
    const known = evaluation.components.map((c) => c.id).join(', ');
    args.errors.push({
      refId: target.refId,
      message: `unknown component "${target.component ?? ''}" (known: ${known})`,
    });
    return [];
  }
  const jobs = new Set(spec.checks.map((check) => check.job));
  return toComponentFrames(
    component,
    args.detail.filter((sample) => jobs.has(sample.labels.job ?? '')),
    target.refId
  );
}

/** Why a component cannot be observed, in its own checks' words (not what it inherits from others). */
function unobservedWords(component: ClusterEvaluation['components'][number]): string {
  return [...new Set(component.checks.filter((check) => check.status === 'unknown').map((check) => check.reason))].join(
    '; '
  );
}

/** Warnings or a partial answer: nothing can be confirmed ok. */
function completeness(evaluation: ClusterEvaluation, warnings: string[]): ClusterEvaluation {
  return warnings.length > 0 ? markIncomplete(evaluation, warnings.join('; ')) : evaluation;
}

/** The request's range in whole-second steps aligned like Grafana's Prometheus, within Prometheus' point limit. */
function alignedRange(request: DataQueryRequest<ClusterQuery>) {
  const from = request.range.from.valueOf();
  const to = request.range.to.valueOf();
  const minimum = Math.ceil((to - from) / MAX_POINTS / 1000) * 1000;
  const step = Math.max(1000, Math.ceil((request.intervalMs || 0) / 1000) * 1000, minimum);
  return { start: Math.floor(from / step) * step, end: to, step };
}

function parseDamping(damping: string | undefined): number | undefined {
  if (!damping?.trim()) {
    return 0;
  }
  try {
    return rangeUtil.intervalToMs(damping.trim());
  } catch {
    return undefined;
  }
}

function toTimeline(
  model: ClusterModel,
  times: number[],
  evaluations: ClusterEvaluation[],
  dampingMs: number
): Timeline {
  const damp = (statuses: Array<ClusterEvaluation['status']>) => dampStatuses(times, statuses, dampingMs);
  return {
    times,
    subjects: [
      { id: 'cluster', name: model.name ?? 'Cluster', statuses: damp(evaluations.map((e) => e.status)) },
      ...model.components.map((component, index) => ({
        id: component.id,
        name: component.name,
        statuses: damp(evaluations.map((e) => e.components[index]?.status ?? 'unknown')),
      })),
    ],
  };
}
