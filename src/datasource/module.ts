import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { ClusterDataSource } from './datasource';
import { QueryEditor } from './QueryEditor';
import type { ClusterOptions, ClusterQuery } from './types';

export const plugin = new DataSourcePlugin<ClusterDataSource, ClusterQuery, ClusterOptions>(ClusterDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
