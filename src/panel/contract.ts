import type { DataFrame } from '@grafana/data';
import { isStatus, type Status } from '../model';

/** What the panel reads from any frames that follow the datasource's contract. */
export interface PanelData {
  cluster: { status: Status; reason: string; rootCause: string };
  components: Array<{ id: string; name: string; status: Status; reason: string; impacted: boolean; rootCause: string }>;
}

export type ContractResult = { ok: true; data: PanelData } | { ok: false; problem: string };

const CLUSTER_FIELDS = ['status', 'reason', 'rootCause'] as const;
const COMPONENT_FIELDS = ['id', 'name', 'status', 'reason', 'impacted', 'rootCause'] as const;

function column(frame: DataFrame, name: string): unknown[] | undefined {
  return frame.fields.find((field) => field.name === name)?.values;
}

function text(values: unknown[] | undefined, row: number): string {
  const value = values?.[row];
  return value === undefined || value === null ? '' : String(value);
}

/** Reads the contract frames; names the missing frames or fields instead of guessing. */
export function readContract(frames: DataFrame[]): ContractResult {
  const cluster = frames.find((frame) => frame.name === 'cluster');
  const components = frames.find((frame) => frame.name === 'components');
  if (!cluster || !components) {
    const missing = [cluster ? '' : 'cluster', components ? '' : 'components'].filter(Boolean);
    return { ok: false, problem: `missing frame${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` };
  }
  const missingFields = [
    ...CLUSTER_FIELDS.filter((name) => !column(cluster, name)).map((name) => `cluster.${name}`),
    ...COMPONENT_FIELDS.filter((name) => !column(components, name)).map((name) => `components.${name}`),
  ];
  if (missingFields.length > 0) {
    return { ok: false, problem: `missing fields: ${missingFields.join(', ')}` };
  }
  const clusterStatus = text(column(cluster, 'status'), 0);
  const statusOf = (value: string): Status => (isStatus(value) ? value : 'unknown');
  const rows = Array.from({ length: components.length }, (_, row) => row);
  return {
    ok: true,
    data: {
      cluster: {
        status: statusOf(clusterStatus),
        reason: text(column(cluster, 'reason'), 0),
        rootCause: text(column(cluster, 'rootCause'), 0),
      },
      components: rows.map((row) => ({
        id: text(column(components, 'id'), row),
        name: text(column(components, 'name'), row),
        status: statusOf(text(column(components, 'status'), row)),
        reason: text(column(components, 'reason'), row),
        impacted: column(components, 'impacted')?.[row] === true,
        rootCause: text(column(components, 'rootCause'), row),
      })),
    },
  };
}
