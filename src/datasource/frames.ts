import {
  FieldType,
  MappingType,
  createDataFrame,
  type DataFrame,
  type FieldConfig,
  type ValueMapping,
} from '@grafana/data';
import {
  STATUSES,
  STATUS_DISPLAY,
  statusChanges,
  type CheckResult,
  type ClusterEvaluation,
  type ComponentResult,
  type RangeSeries,
  type Sample,
  type Status,
} from '../model';

/**
 * Value mappings for status strings, so Grafana's own panels (Table, Stat, State timeline) show the
 * product's words and colours without any configuration.
 */
export const STATUS_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(
      STATUSES.map((status, index) => [
        status,
        { text: STATUS_DISPLAY[status].text, color: STATUS_DISPLAY[status].color, index },
      ])
    ),
  },
];

const STATUS_CONFIG: FieldConfig = {
  mappings: STATUS_MAPPINGS,
  color: { mode: 'fixed' },
  custom: { cellOptions: { type: 'color-background' } },
};

function statusField(name: string, values: Status[], displayName?: string) {
  return {
    name,
    type: FieldType.string,
    values,
    config: { ...STATUS_CONFIG, ...(displayName ? { displayName } : {}) },
  };
}

const text = (name: string, values: string[]) => ({ name, type: FieldType.string, values });

/** A column of a row-per-item frame: its name, its kind and how to read it from an item. */
type Column<T> =
  | [name: string, kind: 'text', read: (item: T) => string]
  | [name: string, kind: 'number', read: (item: T) => number | undefined]
  | [name: string, kind: 'boolean', read: (item: T) => boolean]
  | [name: string, kind: 'status', read: (item: T) => Status];

/** A frame with one row per item, one field per column (numbers that do not apply are null). */
function rowsFrame<T>(name: string, refId: string, items: T[], columns: Array<Column<T>>, meta?: DataFrame['meta']) {
  return createDataFrame({
    name,
    refId,
    ...(meta ? { meta } : {}),
    fields: columns.map((column) => {
      switch (column[1]) {
        case 'status':
          return statusField(column[0], items.map(column[2]));
        case 'number':
          return { name: column[0], type: FieldType.number, values: items.map((item) => column[2](item) ?? null) };
        case 'boolean':
          return { name: column[0], type: FieldType.boolean, values: items.map(column[2]) };
        case 'text':
          return text(column[0], items.map(column[2]));
      }
    }),
  });
}

/**
 * The frame contract of the `status` query (documented in the README; other panels embed it):
 * - `cluster`: one row – status, reason, rootCause, evaluatedAt;
 * - `components`: one row per component – id, name, status, critical, impacted, reason, rootCause,
 *   dependsOn (comma-separated ids), live, expected (null where the rule has no counts), link.
 */
export function toStatusFrames(evaluation: ClusterEvaluation, refId: string): DataFrame[] {
  return [
    createDataFrame({
      name: 'cluster',
      refId,
      fields: [
        statusField('status', [evaluation.status]),
        text('reason', [evaluation.reason]),
        text('rootCause', [evaluation.rootCause ?? '']),
        { name: 'evaluatedAt', type: FieldType.time, values: [evaluation.evaluatedAt] },
      ],
    }),
    rowsFrame<ComponentResult>('components', refId, evaluation.components, [
      ['id', 'text', (c) => c.id],
      ['name', 'text', (c) => c.name],
      ['status', 'status', (c) => c.status],
      ['critical', 'boolean', (c) => c.critical],
      ['impacted', 'boolean', (c) => c.impacted],
      ['reason', 'text', (c) => c.reason],
      ['rootCause', 'text', (c) => c.rootCause ?? ''],
      ['dependsOn', 'text', (c) => c.dependsOn.join(',')],
      ['live', 'number', (c) => c.live],
      ['expected', 'number', (c) => c.expected],
      ['link', 'text', (c) => c.link ?? ''],
    ]),
  ];
}

/**
 * The `component` query: frame `checks` (one row per check: id, title, kind, status, reason, live,
 * expected, value, instances) and frame `instances` (one row per scrape target of the component's jobs:
 * instance, job, up).
 */
export function toComponentFrames(component: ComponentResult, targets: Sample[], refId: string): DataFrame[] {
  const meta = { custom: { component: component.id, status: component.status, reason: component.reason } };
  return [
    rowsFrame<CheckResult>(
      'checks',
      refId,
      component.checks,
      [
        ['id', 'text', (c) => c.id],
        ['title', 'text', (c) => c.title],
        ['kind', 'text', (c) => c.kind],
        ['status', 'status', (c) => c.status],
        ['reason', 'text', (c) => c.reason],
        ['live', 'number', (c) => c.live],
        ['expected', 'number', (c) => c.expected],
        ['value', 'number', (c) => c.value],
        ['instances', 'text', (c) => (c.instances ?? []).join(', ')],
      ],
      meta
    ),
    rowsFrame<Sample>('instances', refId, targets, [
      ['instance', 'text', (t) => t.labels.instance ?? ''],
      ['job', 'text', (t) => t.labels.job ?? ''],
      ['up', 'status', (t) => (t.value === 1 ? 'ok' : 'critical')],
    ]),
  ];
}

/** Statuses over time per subject (`cluster` and every component id), already damped. */
export interface Timeline {
  times: number[];
  subjects: Array<{ id: string; name: string; statuses: Status[] }>;
}

/** The `timeline` query: one wide frame, time plus one status field per subject, as State timeline wants. */
export function toTimelineFrame(timeline: Timeline, refId: string): DataFrame {
  return createDataFrame({
    name: 'timeline',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: timeline.times },
      ...timeline.subjects.map((subject) => statusField(subject.id, subject.statuses, subject.name)),
    ],
  });
}

/** Status changes as annotation events: time, title, text, tags (Grafana's standard annotation fields). */
export function toChangesFrame(timeline: Timeline, refId: string): DataFrame {
  const changes = timeline.subjects
    .flatMap((subject) =>
      statusChanges(subject.id, timeline.times, subject.statuses).map((change) => ({ ...change, name: subject.name }))
    )
    .sort((a, b) => a.time - b.time);
  return createDataFrame({
    name: 'changes',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: changes.map((c) => c.time) },
      text(
        'title',
        changes.map((c) => `${c.name}: ${STATUS_DISPLAY[c.to].text}`)
      ),
      text(
        'text',
        changes.map((c) => `${c.name} changed from ${c.from} to ${c.to}`)
      ),
      { name: 'tags', type: FieldType.other, values: changes.map((c) => ['panopticon', c.subject, c.to]) },
    ],
  });
}

/** `{{label}}` in a legend replaced by the series' label values. */
export function renderLegend(legendFormat: string | undefined, labels: Record<string, string>): string | undefined {
  if (!legendFormat) {
    return undefined;
  }
  return legendFormat.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

/** The `promql` query: one time series frame per series, labels on the value field. */
export function toSeriesFrames(series: RangeSeries[], refId: string, legendFormat?: string): DataFrame[] {
  return series.map(({ labels, points }) => {
    const { __name__: metric, ...rest } = labels;
    const displayName = renderLegend(legendFormat, labels);
    return createDataFrame({
      refId,
      name: displayName ?? metric,
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map(([time]) => time) },
        {
          name: 'Value',
          type: FieldType.number,
          values: points.map(([, value]) => value),
          labels: rest,
          config: displayName ? { displayNameFromDS: displayName } : {},
        },
      ],
    });
  });
}
