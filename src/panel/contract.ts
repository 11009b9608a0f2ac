import type { DataFrame, Field, SelectableValue } from '@grafana/data';
import { isStatus, type Status } from '../model/status';

/** Where a component's row came from: data links are evaluated on it. */
export interface RowSource {
  frame: DataFrame;
  row: number;
}

export interface PanelCluster {
  status: Status;
  reason: string;
  /** Id of the component that explains the cluster's status, or empty. */
  rootCause: string;
  /** Unix milliseconds of the evaluation, or null when the frame has no (readable) `evaluatedAt`. */
  evaluatedAt: number | null;
}

export interface PanelComponent {
  /** Unique among the panel's components (React key). */
  key: string;
  id: string;
  name: string;
  status: Status;
  reason: string;
  critical: boolean;
  impacted: boolean;
  rootCause: string;
  dependsOn: string[];
  live: number | null;
  expected: number | null;
  /** The component's own link from the data (unsanitized: see links.ts), or empty. */
  link: string;
  /** Absent for a component selected in the options that the data does not have. */
  source?: RowSource;
}

export interface PanelData {
  cluster: PanelCluster;
  components: PanelComponent[];
}

export type ContractResult =
  | { kind: 'ok'; data: PanelData }
  /** No frames, or a cluster frame without rows: nothing to judge. */
  | { kind: 'empty' }
  /** Frames that do not follow the contract; `missing` names what is missing (`cluster.status`, `components`). */
  | { kind: 'invalid'; missing: string[] };

/** Fields without which a frame cannot be read. Every other contract field is optional. */
export const REQUIRED_FIELDS = {
  cluster: ['status', 'reason'],
  components: ['id', 'name', 'status'],
} as const;

function fieldOf(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((field) => field.name === name);
}

function rowCount(frame: DataFrame): number {
  return frame.length ?? frame.fields[0]?.values.length ?? 0;
}

/**
 * The cluster frame: named `cluster`, or – after transformations that drop frame names – a frame with
 * `status` and `reason`, exactly one row and no `id` field (a components frame always has ids).
 */
export function isClusterFrame(frame: DataFrame): boolean {
  if (frame.name === 'cluster') {
    return true;
  }
  if (frame.name === 'components') {
    return false;
  }
  return Boolean(
    fieldOf(frame, 'status') && fieldOf(frame, 'reason') && !fieldOf(frame, 'id') && rowCount(frame) === 1
  );
}

/** A components frame: named `components`, or any frame with `id`, `name` and `status` fields. */
export function isComponentsFrame(frame: DataFrame): boolean {
  if (frame.name === 'components') {
    return true;
  }
  if (frame.name === 'cluster') {
    return false;
  }
  return REQUIRED_FIELDS.components.every((name) => fieldOf(frame, name));
}

function valueAt(frame: DataFrame, name: string, row: number): unknown {
  return fieldOf(frame, name)?.values[row];
}

function textAt(frame: DataFrame, name: string, row: number): string {
  const value = valueAt(frame, name, row);
  return value === undefined || value === null ? '' : String(value);
}

function booleanAt(frame: DataFrame, name: string, row: number): boolean {
  const value = valueAt(frame, name, row);
  return value === true || value === 1 || value === 'true';
}

function countAt(frame: DataFrame, name: string, row: number): number | null {
  const value = valueAt(frame, name, row);
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Milliseconds from a time value: epoch ms, an ISO or numeric string, a Date or a moment-like object. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    if (Number.isFinite(number)) {
      return number;
    }
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  if (typeof value === 'object' && value !== null) {
    const number = Number(value.valueOf());
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/**
 * A status string from the one status table; anything else is `unknown` (never green). Case and spaces do
 * not matter, so `OK` from another source reads as `ok`. `recognised` is false for values outside the table.
 */
export function readStatus(value: unknown): { status: Status; recognised: boolean } {
  const normalised = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return isStatus(normalised) ? { status: normalised, recognised: true } : { status: 'unknown', recognised: false };
}

/** The reason, prefixed with a note when the status value was not one of the table's. */
function reasonWithStatusNote(raw: unknown, recognised: boolean, reason: string): string {
  if (recognised) {
    return reason;
  }
  const note =
    raw === undefined || raw === null || raw === '' ? 'no status value' : `unrecognised status "${String(raw)}"`;
  return reason ? `${note}; ${reason}` : note;
}

function readCluster(frame: DataFrame, row: number): PanelCluster {
  const raw = valueAt(frame, 'status', row);
  const { status, recognised } = readStatus(raw);
  return {
    status,
    reason: reasonWithStatusNote(raw, recognised, textAt(frame, 'reason', row)),
    rootCause: textAt(frame, 'rootCause', row),
    evaluatedAt: toEpochMs(valueAt(frame, 'evaluatedAt', row)),
  };
}

/**
 * The newest evaluation among the cluster frames' rows (two queries, or a source that keeps a history):
 * the row with the latest `evaluatedAt`; without any, the first row of the first frame.
 */
function newestCluster(frames: DataFrame[]): PanelCluster | null {
  let newest: PanelCluster | null = null;
  for (const frame of frames) {
    for (let row = 0; row < rowCount(frame); row++) {
      const cluster = readCluster(frame, row);
      if (newest === null || (cluster.evaluatedAt ?? -Infinity) > (newest.evaluatedAt ?? -Infinity)) {
        newest = cluster;
      }
    }
  }
  return newest;
}

function splitIds(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return parts.map((part) => part.trim()).filter(Boolean);
}

function readComponent(frame: DataFrame, row: number, key: string): PanelComponent {
  const raw = valueAt(frame, 'status', row);
  const { status, recognised } = readStatus(raw);
  const id = textAt(frame, 'id', row);
  return {
    key,
    id,
    name: textAt(frame, 'name', row) || id,
    status,
    reason: reasonWithStatusNote(raw, recognised, textAt(frame, 'reason', row)),
    critical: booleanAt(frame, 'critical', row),
    impacted: booleanAt(frame, 'impacted', row),
    rootCause: textAt(frame, 'rootCause', row),
    dependsOn: splitIds(valueAt(frame, 'dependsOn', row)),
    live: countAt(frame, 'live', row),
    expected: countAt(frame, 'expected', row),
    link: textAt(frame, 'link', row),
    source: { frame, row },
  };
}

/**
 * Components from every components frame (a transformation such as "Partition by values" splits one frame
 * into several), in data order. A component id seen before is skipped: two queries of the same datasource
 * give the same components twice.
 */
function readComponents(frames: DataFrame[]): PanelComponent[] {
  const seen = new Set<string>();
  const components: PanelComponent[] = [];
  frames.forEach((frame, frameIndex) => {
    for (let row = 0; row < rowCount(frame); row++) {
      const id = textAt(frame, 'id', row);
      if (id !== '' && seen.has(id)) {
        continue;
      }
      seen.add(id);
      // Ids are unique from here on; rows without an id get a key no id can take (ids have no NUL).
      components.push(readComponent(frame, row, id !== '' ? `id:${id}` : `row\u0000${frameIndex}:${row}`));
    }
  });
  return components;
}

function missingFields(frame: DataFrame, prefix: 'cluster' | 'components'): string[] {
  return REQUIRED_FIELDS[prefix].filter((name) => !fieldOf(frame, name)).map((name) => `${prefix}.${name}`);
}

/**
 * Reads any frames that follow the frame contract (README, "The frame contract"), by field names, never by
 * positions, from whichever frames have them:
 * - no frames (or only empty ones, or a cluster frame without rows) → `empty`;
 * - no cluster or no components frame, or one of them without a required field → `invalid`, naming them
 *   (`components.id`), never a guess;
 * - otherwise the newest cluster row and the components of every components frame.
 */
export function readContract(frames: DataFrame[]): ContractResult {
  const withContent = frames.filter((frame) => frame.fields.length > 0);
  if (withContent.length === 0) {
    return { kind: 'empty' };
  }
  const clusters = withContent.filter(isClusterFrame);
  const components = withContent.filter((frame) => !clusters.includes(frame) && isComponentsFrame(frame));
  const missing = [
    ...(clusters.length > 0 ? clusters.flatMap((frame) => missingFields(frame, 'cluster')) : ['cluster']),
    ...(components.length > 0 ? components.flatMap((frame) => missingFields(frame, 'components')) : ['components']),
  ];
  if (missing.length > 0) {
    return { kind: 'invalid', missing: [...new Set(missing)] };
  }
  const cluster = newestCluster(clusters);
  if (!cluster) {
    return { kind: 'empty' };
  }
  return { kind: 'ok', data: { cluster, components: readComponents(components) } };
}

/** One line naming what is missing, for the panel's message. */
export function describeMissing(missing: string[]): string {
  const frames = missing.filter((item) => !item.includes('.'));
  const fields = missing.filter((item) => item.includes('.'));
  const parts = [
    ...frames.map(
      (frame) =>
        `no ${frame} frame (a frame named "${frame}" or with the fields ${REQUIRED_FIELDS[frame as keyof typeof REQUIRED_FIELDS].join(', ')})`
    ),
    ...(fields.length > 0 ? [`missing field${fields.length > 1 ? 's' : ''}: ${fields.join(', ')}`] : []),
  ];
  return parts.join('; ');
}

/**
 * Whether two readings of a component show the same (every field but where it came from): a refresh that
 * changes nothing in a component must not re-render its tile.
 */
export function sameComponent(a: PanelComponent, b: PanelComponent): boolean {
  return (
    a === b ||
    (a.key === b.key &&
      a.id === b.id &&
      a.name === b.name &&
      a.status === b.status &&
      a.reason === b.reason &&
      a.critical === b.critical &&
      a.impacted === b.impacted &&
      a.rootCause === b.rootCause &&
      a.live === b.live &&
      a.expected === b.expected &&
      a.link === b.link &&
      a.dependsOn.length === b.dependsOn.length &&
      a.dependsOn.every((id, index) => id === b.dependsOn[index]))
  );
}

/** Component ids in the data, for the "components to show" option. */
export function componentChoices(frames: DataFrame[]): Array<SelectableValue<string>> {
  const result = readContract(frames);
  if (result.kind !== 'ok') {
    return [];
  }
  return result.data.components
    .filter((component) => component.id !== '')
    .map((component) => ({ value: component.id, label: component.name, description: component.id }));
}
