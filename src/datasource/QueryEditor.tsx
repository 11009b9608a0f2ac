import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Text } from '@grafana/ui';
import type { ClusterDataSource } from './datasource';
import type { ClusterOptions, ClusterQuery } from './types';

type Props = QueryEditorProps<ClusterDataSource, ClusterQuery, ClusterOptions>;

/** The status query takes no input: it evaluates the datasource's model at the end of the range. */
export function QueryEditor(_: Props) {
  return <Text color="secondary">Cluster status: frames `cluster` and `components`.</Text>;
}
