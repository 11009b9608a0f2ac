/**
 * The browser host: Grafana's plugin runtime without Grafana. Bundled by esbuild (buildHost.ts) and
 * loaded by the page server.ts serves, AFTER an inline script that sets window.grafanaBootData and
 * window.__grafana_public_path__ (@grafana/runtime reads them while its module initialises) and BEFORE
 * SystemJS' AMD extra (loaded after this bundle, or lodash and moment, bundled here, would register
 * themselves as anonymous AMD modules).
 *
 * It registers the shared dependencies with SystemJS, sets BackendSrv / TemplateSrv / DataSourceSrv and
 * exposes window.panopticonHost (see api.ts) for the tests.
 */
import 'systemjs/dist/system.js';

import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  AppPlugin,
  createTheme,
  dataLinksOverrideProcessor,
  DataSourceApi,
  DataSourcePlugin,
  dateTime,
  PanelPlugin,
  rangeUtil,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  ThemeContext,
  toDataFrame,
  toDataFrameDTO,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type PanelPluginMeta,
  type PluginMeta,
  type TimeRange,
} from '@grafana/data';
import { config, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import { from, isObservable, Observable, type Subscription } from 'rxjs';

import {
  HOST_PATHS,
  pluginModulePath,
  PLUGIN_IDS,
  type CreateDatasourceOptions,
  type HostApi,
  type HostQueryOptions,
  type HostQueryResult,
  type HostTimeRange,
  type PluginDescription,
  type RenderPanelOptions,
  type ThemeMode,
} from './api';
import { HostBackendSrv } from './backendSrv';
import { HostDataSourceSrv } from './dataSourceSrv';
import { registerSharedDependencies } from './externals';
import { mountPanel, unmountPanel as unmountReactPanel } from './panel';
import { HostTemplateSrv } from './templateSrv';

interface SystemJS {
  set(id: string, module: object): unknown;
  addImportMap(map: { imports: Record<string, string> }, base?: string): void;
  import(id: string): Promise<Record<string, unknown>>;
}

const hostWindow = window as unknown as Window & { System: SystemJS; define?: { amd?: unknown } };
const System = hostWindow.System;
const externals = registerSharedDependencies(System);

const backendSrv = new HostBackendSrv();
const templateSrv = new HostTemplateSrv();
const dataSourceSrv = new HostDataSourceSrv();
setBackendSrv(backendSrv);
setTemplateSrv(templateSrv);
// Grafana core registers its option editors at startup; panels' option builders look them up by id.
standardEditorsRegistry.setInit(() =>
  ['radio', 'boolean', 'multi-select', 'select', 'text', 'number', 'slider-input', 'color', 'unit', 'field-name'].map(
    (id) => ({ id, name: id, editor: () => null })
  )
);
// So that applyFieldOverrides applies the panel's data links (fieldConfig.defaults.links).
standardFieldConfigEditorRegistry.setInit(() => [
  {
    id: 'links',
    path: 'links',
    name: 'Data links',
    editor: () => null,
    override: () => null,
    process: dataLinksOverrideProcessor,
    shouldApply: () => true,
  },
]);
setDataSourceSrv(dataSourceSrv);

const pageTheme: ThemeMode = config.theme2.isDark ? 'dark' : 'light';
const hostErrors: string[] = [];

function reportError(what: string, error: unknown): void {
  const text = `${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  hostErrors.push(text);
  console.error(text);
}

// Grafana renders its global styles (body background, fonts, …) once at the root.
document.body.classList.add(`theme-${pageTheme}`);
const globalRoot = document.createElement('div');
globalRoot.id = 'host-global';
document.body.appendChild(globalRoot);
createRoot(globalRoot).render(
  <ThemeContext.Provider value={config.theme2}>
    <GlobalStyles />
  </ThemeContext.Provider>
);

function absoluteUrl(path: string): string {
  return new URL(path, document.baseURI).href;
}

async function loadPlugin(path: string): Promise<Record<string, unknown>> {
  if (!hostWindow.define?.amd) {
    throw new Error('SystemJS AMD extra is not loaded: the page must load it after the host bundle');
  }
  try {
    return await System.import(absoluteUrl(path));
  } catch (error) {
    reportError(`loading ${path} failed`, error);
    throw error;
  }
}

const metaCache = new Map<string, Promise<PluginMeta | undefined>>();

/** plugin.json next to the module, as Grafana's meta for the plugin (undefined when absent). */
function loadMeta(path: string): Promise<PluginMeta | undefined> {
  const url = absoluteUrl(path.replace(/module\.js(\?.*)?$/, 'plugin.json'));
  let cached = metaCache.get(url);
  if (!cached) {
    cached = fetch(url).then((response) => (response.ok ? (response.json() as Promise<PluginMeta>) : undefined));
    metaCache.set(url, cached);
  }
  return cached;
}

function pluginKind(plugin: unknown): PluginDescription['pluginKind'] {
  if (plugin instanceof DataSourcePlugin) {
    return 'DataSourcePlugin';
  }
  if (plugin instanceof PanelPlugin) {
    return 'PanelPlugin';
  }
  if (plugin instanceof AppPlugin) {
    return 'AppPlugin';
  }
  return undefined;
}

function toTimeRange(range: HostTimeRange = { from: 'now-1h', to: 'now' }): TimeRange {
  const convert = (value: string | number) =>
    typeof value === 'number' ? dateTime(value) : value.startsWith('now') ? value : dateTime(Date.parse(value));
  return rangeUtil.convertRawToRange({ from: convert(range.from), to: convert(range.to) }, 'utc');
}

function jsonSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

function describeThrown(error: unknown): NonNullable<HostQueryResult['thrown']> {
  if (typeof error === 'object' && error !== null) {
    const e = error as {
      message?: unknown;
      status?: unknown;
      cancelled?: unknown;
      data?: unknown;
      statusText?: unknown;
    };
    return {
      message: typeof e.message === 'string' ? e.message : typeof e.statusText === 'string' ? e.statusText : undefined,
      status: typeof e.status === 'number' ? e.status : undefined,
      cancelled: e.cancelled === true ? true : undefined,
      data: jsonSafe(e.data),
    };
  }
  return { message: String(error) };
}

interface RunningQuery {
  promise: Promise<HostQueryResult>;
  subscription?: Subscription;
  frames: DataFrame[];
}

const queries = new Map<number, RunningQuery>();
let querySeq = 0;
let datasourceSeq = 0;

function startQuery(uid: string, options: HostQueryOptions = {}): number {
  querySeq += 1;
  const handle = querySeq;
  const ds = dataSourceSrv.instance(uid);
  const settings = dataSourceSrv.getInstanceSettings(uid);
  if (!ds || !settings) {
    throw new Error(`no datasource ${uid}: call createDatasource first`);
  }
  const range = toTimeRange(options.range);
  const intervalMs = options.intervalMs ?? 15_000;
  const interval = rangeUtil.secondsToHms(intervalMs / 1000);
  const request: DataQueryRequest = {
    app: 'dashboard',
    requestId: options.requestId ?? `Q${handle}`,
    interval,
    intervalMs,
    maxDataPoints: options.maxDataPoints ?? 1000,
    range,
    rangeRaw: range.raw,
    scopedVars: {
      __interval: { text: interval, value: interval },
      __interval_ms: { text: String(intervalMs), value: intervalMs },
      ...options.scopedVars,
    },
    targets: (options.targets ?? [{ refId: 'A' }]).map((target) => ({
      datasource: { uid: settings.uid, type: settings.type },
      ...target,
    })),
    timezone: 'utc',
    startTime: Date.now(),
  };
  templateSrv.updateTimeRange(range);
  const running: RunningQuery = { frames: [], promise: Promise.resolve(undefined as unknown as HostQueryResult) };
  running.promise = new Promise<HostQueryResult>((resolve) => {
    const started = performance.now();
    let emissions = 0;
    let last: DataQueryResponse | undefined;
    const finish = (thrown?: HostQueryResult['thrown']) => {
      clearTimeout(timer);
      const frames = (last?.data ?? []).map((d: unknown) => toDataFrame(d));
      running.frames = frames;
      const errors = [...(last?.errors ?? []), ...(last?.error && !last.errors ? [last.error] : [])];
      resolve({
        frames: frames.map((frame) => toDataFrameDTO(frame)),
        errors: errors.map((e) => ({ message: e.message, status: e.status, refId: e.refId })),
        state: last?.state,
        emissions,
        durationMs: Math.round(performance.now() - started),
        thrown,
      });
    };
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      running.subscription?.unsubscribe();
      finish({ message: `query did not complete within ${timeoutMs} ms` });
    }, timeoutMs);
    let result: Observable<DataQueryResponse> | Promise<DataQueryResponse>;
    try {
      result = ds.query(request);
    } catch (error) {
      finish(describeThrown(error));
      return;
    }
    const stream = isObservable(result) ? result : from(result);
    running.subscription = stream.subscribe({
      next: (response) => {
        emissions += 1;
        last = response;
      },
      error: (error: unknown) => finish(describeThrown(error)),
      complete: () => finish(),
    });
  });
  queries.set(handle, running);
  return handle;
}

function waitQuery(handle: number): Promise<HostQueryResult> {
  const running = queries.get(handle);
  if (!running) {
    return Promise.reject(new Error(`no query ${handle}`));
  }
  return running.promise;
}

function cancelQuery(handle: number): void {
  queries.get(handle)?.subscription?.unsubscribe();
}

/** Pending auto-refresh of each panel (RenderPanelOptions.refreshMs), as a dashboard's refresh picker. */
const refreshTimers = new Map<number, number>();

function stopRefreshing(id: number): void {
  window.clearTimeout(refreshTimers.get(id));
  refreshTimers.delete(id);
}

function unmountPanel(id: number): void {
  stopRefreshing(id);
  unmountReactPanel(id);
}

/**
 * Renders the panel and, with `refreshMs`, renders it again that long after each render completes (so
 * that refreshes never overlap), until it is rendered without refreshMs or unmounted. The container's
 * `data-host-renders` counts the renders, for tests that wait for the next one.
 */
async function renderPanel(options: RenderPanelOptions = {}) {
  const id = options.id ?? 1;
  stopRefreshing(id);
  try {
    return await renderPanelOnce(id, options);
  } finally {
    if (options.refreshMs) {
      const again = () =>
        void renderPanel(options).catch((error: unknown) => reportError(`panel ${id} refresh failed`, error));
      refreshTimers.set(id, window.setTimeout(again, options.refreshMs));
    }
  }
}

async function renderPanelOnce(id: number, options: RenderPanelOptions) {
  const path = options.pluginPath ?? pluginModulePath(PLUGIN_IDS.panel);
  const [module, meta] = await Promise.all([loadPlugin(path), loadMeta(path)]);
  const plugin = module.plugin;
  if (!(plugin instanceof PanelPlugin)) {
    throw new Error(`${path} does not export a PanelPlugin (of the host's @grafana/data) as "plugin"`);
  }
  if (meta) {
    plugin.meta = meta as PanelPluginMeta;
  }
  let frames: DataFrame[] = (options.frames ?? []).map((dto) => toDataFrame(dto));
  let query: HostQueryResult | undefined;
  if (options.query) {
    const handle = startQuery(options.query.datasourceUid, { range: options.range, ...options.query });
    query = await waitQuery(handle);
    frames = queries.get(handle)?.frames ?? [];
  }
  let container = document.querySelector<HTMLElement>(`[data-host-panel="${id}"]`);
  if (!container) {
    container = document.createElement('div');
    container.dataset.hostPanel = String(id);
    container.style.margin = '8px';
    document.getElementById('host-root')?.appendChild(container);
  }
  const theme =
    options.theme && options.theme !== pageTheme ? createTheme({ colors: { mode: options.theme } }) : config.theme2;
  mountPanel({
    id,
    plugin,
    container,
    title: options.title ?? plugin.meta?.name ?? 'Panel',
    width: options.width ?? 640,
    height: options.height ?? 360,
    theme,
    frames,
    timeRange: toTimeRange(options.range),
    options: options.options,
    fieldConfig: options.fieldConfig,
    replaceVariables: (value, scopedVars, format) => templateSrv.replace(value, scopedVars, format),
    onError: (error) => reportError(`panel ${id} threw`, error),
  });
  container.dataset.hostRenders = String(Number(container.dataset.hostRenders ?? 0) + 1);
  return { id, selector: `[data-panel-id="${id}"]`, query };
}

const api: HostApi = {
  get ready() {
    return Boolean(hostWindow.define?.amd);
  },
  theme: pageTheme,
  externals,
  loadPlugin,
  async describePlugin(path: string): Promise<PluginDescription> {
    const [module, meta] = await Promise.all([loadPlugin(path), loadMeta(path)]);
    return { path, exports: Object.keys(module).sort(), pluginKind: pluginKind(module.plugin), pluginId: meta?.id };
  },
  async createDatasource(options: CreateDatasourceOptions) {
    const path = options.pluginPath ?? pluginModulePath(PLUGIN_IDS.datasource);
    const [module, meta] = await Promise.all([loadPlugin(path), loadMeta(path)]);
    const plugin = module.plugin;
    if (!(plugin instanceof DataSourcePlugin)) {
      throw new Error(`${path} does not export a DataSourcePlugin (of the host's @grafana/data) as "plugin"`);
    }
    if (!meta) {
      throw new Error(`no plugin.json next to ${path}`);
    }
    plugin.meta = meta as DataSourcePluginMeta;
    datasourceSeq += 1;
    // What Grafana's frontend settings hold for a provisioned datasource with access "proxy".
    const settings: DataSourceInstanceSettings = {
      id: datasourceSeq,
      uid: options.uid,
      type: meta.id,
      name: options.name ?? options.uid,
      meta: meta as DataSourcePluginMeta,
      url: options.url ?? `${HOST_PATHS.dataProxy}${options.uid}`,
      access: 'proxy',
      jsonData: options.jsonData ?? {},
      readOnly: true,
      isDefault: options.isDefault ?? false,
    };
    const instance = new plugin.DataSourceClass(settings) as DataSourceApi;
    if (!(instance instanceof DataSourceApi)) {
      throw new Error(`${path}: the datasource class does not extend the host's DataSourceApi`);
    }
    instance.components = plugin.components;
    instance.meta = settings.meta;
    dataSourceSrv.add(settings, instance);
    config.datasources[settings.name] = settings;
    return {
      uid: settings.uid,
      type: settings.type,
      name: settings.name,
      url: settings.url ?? '',
      className: instance.constructor.name,
    };
  },
  getDatasource: (uid: string) => dataSourceSrv.instance(uid),
  query: (uid, options) => waitQuery(startQuery(uid, options)),
  startQuery,
  waitQuery,
  cancelQuery,
  setVariables: (variables) => templateSrv.setVariables(variables),
  interpolate: (target, scopedVars, format) => templateSrv.replace(target, scopedVars, format),
  get requestLog() {
    return backendSrv.requestLog;
  },
  clearRequestLog: () => {
    backendSrv.requestLog.length = 0;
  },
  get alerts() {
    return backendSrv.alerts;
  },
  renderPanel,
  unmountPanel,
  get errors() {
    return hostErrors;
  },
  backendSrv,
  templateSrv,
};

hostWindow.panopticonHost = api;
