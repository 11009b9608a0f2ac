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
const numbers = (name: string, values: Array<number | null>) => ({ name, type: FieldType.number, values });

/**
 * The frame contract of the `status` query (documented in the README; other panels embed it):
 * - `cluster`: one row – status, reason, rootCause, evaluatedAt;
 * - `components`: one row per component – id, name, status, critical, impacted, reason, rootCause,
 *   dependsOn (comma-separated ids), live, expected (null where the rule has no counts), link.
 */
export function toStatusFrames(evaluation: ClusterEvaluation, refId: string): DataFrame[] {
  const components = evaluation.components;
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
    createDataFrame({
      name: 'components',
      refId,
      fields: [
        text(
          'id',
          components.map((c) => c.id)
        ),
        text(
          'name',
          components.map((c) => c.name)
        ),
        statusField(
          'status',
          components.map((c) => c.status)
        ),
        { name: 'critical', type: FieldType.boolean, values: components.map((c) => c.critical) },
        { name: 'impacted', type: FieldType.boolean, values: components.map((c) => c.impacted) },
        text(
          'reason',
          components.map((c) => c.reason)
        ),
        text(
          'rootCause',
          components.map((c) => c.rootCause ?? '')
        ),
        text(
          'dependsOn',
          components.map((c) => c.dependsOn.join(','))
        ),
        numbers(
          'live',
          components.map((c) => c.live ?? null)
        ),
        numbers(
          'expected',
          components.map((c) => c.expected ?? null)
        ),
        text(
          'link',
          components.map((c) => c.link ?? '')
        ),
      ],
    }),
  ];
}

/**
 * The `component` query: frame `checks` (one row per check: id, title, kind, status, reason, live,
 * expected, value, instances) and frame `instances` (one row per scrape target of the component's jobs:
 * instance, job, up).
 */
export function toComponentFrames(component: ComponentResult, targets: Sample[], refId: string): DataFrame[] {
  const checks = component.checks;
  return [
    createDataFrame({
      name: 'checks',
      refId,
      meta: { custom: { component: component.id, status: component.status, reason: component.reason } },
      fields: [
        text(
          'id',
          checks.map((c) => c.id)
        ),
        text(
          'title',
          checks.map((c) => c.title)
        ),
        text(
          'kind',
          checks.map((c) => c.kind)
        ),
        statusField(
          'status',
          checks.map((c) => c.status)
        ),
        text(
          'reason',
          checks.map((c) => c.reason)
        ),
        numbers(
          'live',
          checks.map((c) => c.live ?? null)
        ),
        numbers(
          'expected',
          checks.map((c) => c.expected ?? null)
        ),
        numbers(
          'value',
          checks.map((c) => c.value ?? null)
        ),
        text(
          'instances',
          checks.map((c) => (c.instances ?? []).join(', '))
        ),
      ],
    }),
    createDataFrame({
      name: 'instances',
      refId,
      fields: [
        text(
          'instance',
          targets.map((t) => t.labels.instance ?? '')
        ),
        text(
          'job',
          targets.map((t) => t.labels.job ?? '')
        ),
        statusField(
          'up',
          targets.map((t): Status => (t.value === 1 ? 'ok' : 'critical'))
        ),
      ],
    }),
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
