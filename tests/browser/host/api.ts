/**
 * The contract between the browser host (this folder, bundled by esbuild and run in Chromium) and the
 * Node side of the browser tests (server.ts, browser.ts). Everything that crosses `page.evaluate` is in
 * here and is plain JSON: in-page objects (datasource instances, DataFrames with functions, React roots)
 * stay in the page and are addressed by uid / id.
 */
import type { DataFrameDTO, FieldConfigSource } from '@grafana/data';
import type { BackendSrv, TemplateSrv } from '@grafana/runtime';

/** Paths the host serves, shared by server.ts (which serves them) and the host (which loads them). */
export const HOST_PATHS = {
  page: '/',
  bundleDir: '/host/',
  bundle: '/host/host.js',
  bundleCss: '/host/host.css',
  amdExtra: '/host/systemjs-amd.js',
  publicPath: '/public/',
  plugins: '/public/plugins/',
  icons: '/public/build/img/icons/',
  dataProxy: '/api/datasources/proxy/uid/',
} as const;

/** Where Grafana serves a plugin's module (dist/…/module.js of the plugin with that id). */
export function pluginModulePath(pluginId: string): string {
  return `${HOST_PATHS.plugins}${pluginId}/module.js`;
}

/** The plugins of this repository as Grafana serves them. */
export const PLUGIN_IDS = {
  app: 'panopticon-cluster-app',
  datasource: 'panopticon-cluster-datasource',
  panel: 'panopticon-status-panel',
} as const;

export type ThemeMode = 'light' | 'dark';

/** One HTTP request made through the host's BackendSrv (Grafana's `getBackendSrv()`). */
export interface RequestLogEntry {
  /** Sequence number, 1-based, in order of the requests being started. */
  seq: number;
  /** URL as sent (relative to the page, like Grafana's: `api/datasources/proxy/uid/…`). */
  url: string;
  method: string;
  /** Request body as sent (strings as is, objects JSON-encoded), undefined without body. */
  body?: string;
  requestId?: string;
  /** HTTP status; undefined while in flight, when cancelled before an answer, or on a network error. */
  status?: number;
  ok?: boolean;
  /** From start to the answer (or to the cancellation), ms. */
  durationMs?: number;
  /** Aborted before an answer: superseded by a request with the same requestId, or unsubscribed. */
  cancelled: boolean;
  /** Network error (no HTTP answer at all). */
  networkError?: string;
  /** Response body size in characters. */
  responseChars?: number;
}

/** What Grafana would have shown as a toast (appEvents alertWarning / alertError) for a failed request. */
export interface HostAlert {
  type: 'warning' | 'error';
  title: string;
  description: string;
  url: string;
  status?: number;
}

/** A template variable as a test sets it (a custom variable of a dashboard). */
export interface HostVariable {
  name: string;
  /** Current value; an array for multi-value selections. `$__all` selects "All". */
  value: string | string[];
  /** Current text; defaults to the value. */
  text?: string | string[];
  label?: string;
  multi?: boolean;
  includeAll?: boolean;
  /** Custom "All" value (e.g. `.*`); without it, All means every option value. */
  allValue?: string;
  /** Option values; default: the current value(s). */
  options?: string[];
  /** Variable type reported by getVariables() (default `custom`). */
  type?: 'custom' | 'query' | 'constant' | 'textbox' | 'interval';
}

export interface CreateDatasourceOptions {
  uid: string;
  jsonData?: Record<string, unknown>;
  name?: string;
  /** Module of the datasource plugin; default the Panopticon datasource. */
  pluginPath?: string;
  /** instanceSettings.url; default the data proxy path `/api/datasources/proxy/uid/<uid>` (access proxy). */
  url?: string;
  isDefault?: boolean;
}

export interface DatasourceSummary {
  uid: string;
  type: string;
  name: string;
  url: string;
  /** Name of the instance's class (proves the plugin's own class was instantiated). */
  className: string;
}

/** Time range: Grafana's raw strings (`now-1h`), epoch ms, or ISO strings. */
export interface HostTimeRange {
  from: string | number;
  to: string | number;
}

export interface HostQueryOptions {
  /** Queries of the panel; default `[{ refId: 'A' }]`. */
  targets?: Array<Record<string, unknown> & { refId: string }>;
  range?: HostTimeRange;
  /** DataQueryRequest.requestId; default a fresh `Q<n>` (Grafana uses `SQR<n>` per panel). */
  requestId?: string;
  scopedVars?: Record<string, { text: unknown; value: unknown }>;
  intervalMs?: number;
  maxDataPoints?: number;
  /** Deadline for the whole query in the page (default 30 s). */
  timeoutMs?: number;
}

export interface HostQueryResult {
  /** DataQueryResponse.data of the LAST emission, as DataFrameDTOs (plain JSON). */
  frames: DataFrameDTO[];
  errors: Array<{ message?: string; status?: number; refId?: string }>;
  state?: string;
  /** Number of emissions (a Promise-based query() emits once). */
  emissions: number;
  durationMs: number;
  /** query() threw / the observable errored (e.g. cancelled): the error as plain JSON. */
  thrown?: { message?: string; status?: number; cancelled?: boolean; data?: unknown };
}

export interface RenderPanelOptions {
  /** Key of the panel in the page; rendering the same id again re-renders it in place. */
  id?: number;
  /** Module of the panel plugin; default the Panopticon status panel. */
  pluginPath?: string;
  title?: string;
  width?: number;
  height?: number;
  /** Theme of this panel (default the page's theme). */
  theme?: ThemeMode;
  options?: Record<string, unknown>;
  fieldConfig?: Partial<FieldConfigSource>;
  /** Data given directly… */
  frames?: DataFrameDTO[];
  /** …or run through a datasource created before (frames stay in the page, with their functions). */
  query?: HostQueryOptions & { datasourceUid: string };
  range?: HostTimeRange;
  /**
   * Auto-refresh like a dashboard's refresh picker: query and render again this long after each render,
   * until the panel is rendered without it or unmounted.
   */
  refreshMs?: number;
}

export interface RenderedPanel {
  id: number;
  /** CSS selector of the panel's chrome (for screenshots and locators). */
  selector: string;
  /** Query result when `query` was given. */
  query?: HostQueryResult;
}

/** window.panopticonHost: what tests call with page.evaluate. */
export interface HostApi {
  /** True once SystemJS' AMD extra is installed and the services are set. */
  readonly ready: boolean;
  readonly theme: ThemeMode;
  /** Names registered with SystemJS as shared dependencies (what a plugin may leave external). */
  readonly externals: string[];
  /** System.import of a module URL (e.g. `/public/plugins/<id>/module.js`); resolves to its exports. */
  loadPlugin(path: string): Promise<Record<string, unknown>>;
  /** Like loadPlugin, answered as JSON: export names and the kind of `plugin` (checked with instanceof). */
  describePlugin(path: string): Promise<PluginDescription>;
  /** Instantiates the plugin's DataSourceApi class with provisioned-like instanceSettings. */
  createDatasource(options: CreateDatasourceOptions): Promise<DatasourceSummary>;
  /** The in-page instance (for page.evaluate code that needs it). */
  getDatasource(uid: string): unknown;
  /** Runs a query and waits for it; never rejects (errors are in `thrown`). */
  query(uid: string, options?: HostQueryOptions): Promise<HostQueryResult>;
  /** Starts a query without waiting; returns a handle for waitQuery / cancelQuery. */
  startQuery(uid: string, options?: HostQueryOptions): number;
  waitQuery(handle: number): Promise<HostQueryResult>;
  /** Unsubscribes like a dashboard does when a newer refresh starts. */
  cancelQuery(handle: number): void;
  setVariables(variables: HostVariable[]): void;
  /** TemplateSrv.replace with a named format (function formats need page.evaluate). */
  interpolate(target: string, scopedVars?: Record<string, { text: unknown; value: unknown }>, format?: string): string;
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  readonly alerts: HostAlert[];
  renderPanel(options?: RenderPanelOptions): Promise<RenderedPanel>;
  unmountPanel(id: number): void;
  /** Errors caught by the host itself (panel error boundaries, failed plugin loads). */
  readonly errors: string[];
  /** The services set with setBackendSrv / setTemplateSrv, for page.evaluate code that exercises them. */
  readonly backendSrv: BackendSrv;
  readonly templateSrv: TemplateSrv;
}

export interface PluginDescription {
  path: string;
  exports: string[];
  /** `DataSourcePlugin`, `PanelPlugin` or `AppPlugin` when `plugin` is an instance of the HOST's class. */
  pluginKind?: 'DataSourcePlugin' | 'PanelPlugin' | 'AppPlugin';
  /** Plugin id from the plugin.json next to the module, when there is one. */
  pluginId?: string;
}

declare global {
  interface Window {
    panopticonHost: HostApi;
  }
}
