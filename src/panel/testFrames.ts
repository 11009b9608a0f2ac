/**
 * Factories for the panel's tests: contract frames built with `createDataFrame` from neutral defaults
 * (a healthy cluster) plus overrides, panel props with frozen options and one fixed instant.
 */
import {
  EventBusSrv,
  FieldType,
  LoadingState,
  createDataFrame,
  dateTime,
  type DataFrame,
  type DataLink,
  type DataQueryError,
  type FieldConfig,
  type InterpolateFunction,
  type ScopedVars,
} from '@grafana/data';
import type { StatusPanelProps } from './StatusPanel';
import { DEFAULT_OPTIONS, type StatusPanelOptions } from './types';

/** The one instant of every time-dependent test. */
export const NOW = Date.parse('2026-12-04T16:00:00.000Z');

export const MINUTE = 60_000;

/** Freezes a value and everything in it, so that any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

export interface ClusterRow {
  status: string;
  reason: string;
  rootCause: string;
  evaluatedAt: number | string | null;
}

export interface ComponentRow {
  id: string;
  name: string;
  status: string;
  critical: boolean;
  impacted: boolean;
  reason: string;
  rootCause: string;
  dependsOn: string;
  live: number | null;
  expected: number | null;
  link: string;
}

export function clusterRow(overrides: Partial<ClusterRow> = {}): ClusterRow {
  return { status: 'ok', reason: 'all 3 components ok', rootCause: '', evaluatedAt: NOW, ...overrides };
}

export function componentRow(overrides: Partial<ComponentRow> = {}): ComponentRow {
  return {
    id: 'hosts',
    name: 'Hosts',
    status: 'ok',
    critical: true,
    impacted: false,
    reason: '3/3 hosts up',
    rootCause: '',
    dependsOn: '',
    live: 3,
    expected: 3,
    link: '',
    ...overrides,
  };
}

interface FrameShape {
  /** The frame's name; null for none (as after some transformations). Default the contract's name. */
  name?: string | null;
  /** Fields to leave out. */
  omit?: string[];
  /** Field config of every field (e.g. data links). */
  config?: FieldConfig;
}

const FIELD_TYPES: Record<string, FieldType> = {
  evaluatedAt: FieldType.time,
  critical: FieldType.boolean,
  impacted: FieldType.boolean,
  live: FieldType.number,
  expected: FieldType.number,
};

function frameOf<Row extends object>(rows: Row[], fieldNames: string[], defaultName: string, shape: FrameShape) {
  const names = fieldNames.filter((name) => !(shape.omit ?? []).includes(name));
  return createDataFrame({
    ...(shape.name === null ? {} : { name: shape.name ?? defaultName }),
    refId: 'A',
    fields: names.map((name) => ({
      name,
      type: FIELD_TYPES[name] ?? FieldType.string,
      values: rows.map((row) => (row as Record<string, unknown>)[name]),
      config: shape.config ?? {},
    })),
  });
}

export function clusterFrame(overrides: Partial<ClusterRow> = {}, shape: FrameShape = {}): DataFrame {
  return frameOf([clusterRow(overrides)], ['status', 'reason', 'rootCause', 'evaluatedAt'], 'cluster', shape);
}

const COMPONENT_FIELDS = Object.keys(componentRow());

export function componentsFrame(rows: ComponentRow[] = threeComponents(), shape: FrameShape = {}): DataFrame {
  return frameOf(rows, COMPONENT_FIELDS, 'components', shape);
}

/** A healthy cluster of three: Hosts, Docker engines (on hosts), Swarm managers (on docker). */
export function threeComponents(): ComponentRow[] {
  return [
    componentRow(),
    componentRow({ id: 'docker', name: 'Docker engines', reason: '3/3 engines up', dependsOn: 'hosts' }),
    componentRow({ id: 'swarm', name: 'Swarm managers', reason: '3/3 managers', dependsOn: 'docker' }),
  ];
}

/** Swarm lost quorum (root cause); Weave network impacted by it; the rest healthy. */
export function brokenSwarm(): { cluster: ClusterRow; components: ComponentRow[] } {
  return {
    cluster: clusterRow({
      status: 'critical',
      reason: 'Swarm managers: 1/3 managers: no quorum (2 needed)',
      rootCause: 'swarm',
    }),
    components: [
      componentRow(),
      componentRow({ id: 'docker', name: 'Docker engines', reason: '3/3 engines up', dependsOn: 'hosts' }),
      componentRow({
        id: 'swarm',
        name: 'Swarm managers',
        status: 'critical',
        reason: '1/3 managers: no quorum (2 needed)',
        rootCause: 'swarm',
        dependsOn: 'docker',
        live: 1,
      }),
      componentRow({
        id: 'weave',
        name: 'Weave network',
        status: 'warning',
        critical: false,
        impacted: true,
        reason: 'impacted by Swarm managers (critical)',
        rootCause: 'swarm',
        dependsOn: 'swarm',
        live: null,
        expected: null,
      }),
    ],
  };
}

export function statusFrames(
  cluster: Partial<ClusterRow> = {},
  components: ComponentRow[] = threeComponents(),
  shape: FrameShape = {}
): DataFrame[] {
  return [clusterFrame(cluster, shape), componentsFrame(components, shape)];
}

/** `count` healthy components c0001… (for scale tests). */
export function manyComponents(count: number): ComponentRow[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `c${String(index + 1).padStart(4, '0')}`;
    return componentRow({ id, name: `Component ${id}`, status: index % 7 === 0 ? 'warning' : 'ok' });
  });
}

/** A data link as a user sets it in the panel's "Data links" field option. */
export function dataLink(url: string, title = 'Detail dashboard', targetBlank = false): DataLink {
  return { url, title, targetBlank };
}

/**
 * A stand-in for Grafana's template service: `${name}` and `${name:format}` from the scoped variables,
 * `${__data.fields.<field>}` from the data context of a data link; values URL-encoded for the `uriencode`
 * format (as Grafana does for data link URLs). Unknown variables stay as they are.
 */
export const fakeReplaceVariables: InterpolateFunction = (value, scopedVars, format) =>
  value.replace(/\$\{([^}:]+)(?::([^}]+))?\}/g, (whole, name: string) => {
    const found = lookup(name, scopedVars);
    if (found === undefined) {
      return whole;
    }
    return format === 'uriencode' ? encodeURIComponent(found) : found;
  });

function lookup(name: string, scopedVars: ScopedVars | undefined): string | undefined {
  const dataField = /^__data\.fields\.(.+)$/.exec(name);
  if (dataField) {
    const context = scopedVars?.__dataContext?.value as { frame?: DataFrame; rowIndex?: number } | undefined;
    const field = context?.frame?.fields.find((candidate) => candidate.name === dataField[1]);
    const cell = field?.values[context?.rowIndex ?? 0];
    return cell === undefined || cell === null ? undefined : String(cell);
  }
  const variable = scopedVars?.[name];
  return variable === undefined ? undefined : String(variable.value);
}

export interface PanelPropsOverrides {
  series?: DataFrame[];
  options?: Partial<StatusPanelOptions>;
  width?: number;
  height?: number;
  errors?: DataQueryError[];
  state?: LoadingState;
  /** End of the dashboard's range; default NOW, raw `now` (a relative range). */
  rangeTo?: { at: number; raw: string };
  replaceVariables?: InterpolateFunction;
  now?: () => number;
}

/** Props as Grafana passes them to the panel: defaults plus overrides, options deeply frozen. */
export function panelProps(overrides: PanelPropsOverrides = {}): StatusPanelProps {
  const to = overrides.rangeTo ?? { at: NOW, raw: 'now' };
  const timeRange = {
    from: dateTime(to.at - 60 * MINUTE),
    to: dateTime(to.at),
    raw: { from: 'now-1h', to: to.raw },
  };
  return {
    id: 1,
    data: {
      state: overrides.state ?? LoadingState.Done,
      series: overrides.series ?? statusFrames(),
      timeRange,
      ...(overrides.errors ? { errors: overrides.errors } : {}),
    },
    timeRange,
    timeZone: 'utc',
    options: deepFreeze({ ...DEFAULT_OPTIONS, components: [...DEFAULT_OPTIONS.components], ...overrides.options }),
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: overrides.width ?? 800,
    height: overrides.height ?? 400,
    renderCounter: 0,
    title: 'Cluster',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: overrides.replaceVariables ?? fakeReplaceVariables,
    onChangeTimeRange: () => {},
    now: overrides.now ?? (() => NOW),
  };
}
