import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { PresetName } from '../model';

/**
 * Query types, selected by the standard `queryType` field (`status` when absent):
 * - `status`: the model evaluated at the end of the range: frames `cluster` and `components`;
 * - `timeline`: statuses over the range from one range query, for the State timeline panel;
 * - `component`: one component's checks in detail;
 * - `promql`: plain PromQL passthrough as time series.
 */
export type ClusterQueryType = 'status' | 'timeline' | 'component' | 'promql';

export const DEFAULT_QUERY_TYPE: ClusterQueryType = 'status';

export interface ClusterQuery extends DataQuery {
  queryType?: ClusterQueryType;
  /** `component`: the component id. */
  component?: string;
  /** `promql`: the expression (template variables allowed). */
  expr?: string;
  /** `promql`: legend, e.g. `{{instance}}`. */
  legendFormat?: string;
  /** `timeline`: a status change must last this long to show (like an alert's `for:`), e.g. `2m`. */
  damping?: string;
  /** `timeline`: the statuses (for State timeline) or their changes (for annotations). */
  output?: 'statuses' | 'changes';
}

/** Where the model comes from: a preset with parameters, or a full model document (YAML or JSON). */
export type ModelSource = 'preset' | 'document';

/**
 * Datasource settings (jsonData). The connection itself uses Grafana's standard HTTP fields (top-level `url`,
 * `basicAuth`, `basicAuthUser`; jsonData `tlsAuth`, `tlsAuthWithCACert`, `tlsSkipVerify`, `serverName`,
 * `httpHeaderName1…`, `timeout`), applied by Grafana's data proxy. Secrets only in secureJsonData.
 */
export interface ClusterOptions extends DataSourceJsonData {
  modelSource?: ModelSource;
  preset?: PresetName;
  /** Preset parameters as typed by the user; validated with the model's own parser. */
  presetParams?: Record<string, string>;
  /** The model document when `modelSource` is `document`. */
  modelDocument?: string;
  tlsAuth?: boolean;
  tlsAuthWithCACert?: boolean;
  tlsSkipVerify?: boolean;
  serverName?: string;
  /** Seconds before a Prometheus request is abandoned (its components become unknown). */
  timeout?: number;
  /** Custom header names (Grafana's convention); their values live in secureJsonData. */
  [header: `httpHeaderName${number}`]: string | undefined;
}

/** Never sent to the browser: Grafana keeps them server-side and the data proxy uses them. */
export interface ClusterSecureOptions {
  basicAuthPassword?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
  [header: `httpHeaderValue${number}`]: string | undefined;
}
