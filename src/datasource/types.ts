import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { PresetName } from '../model';

/** Query types, selected by the standard `queryType` field; `status` when absent. */
export type ClusterQueryType = 'status';

export interface ClusterQuery extends DataQuery {
  queryType?: ClusterQueryType;
}

/** Datasource settings (jsonData): which model to evaluate. No secrets here: they go to secureJsonData. */
export interface ClusterOptions extends DataSourceJsonData {
  preset?: PresetName;
  /** Preset parameters as typed by the user; validated with the model's own parser. */
  presetParams?: Record<string, string>;
}
