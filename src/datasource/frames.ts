import { FieldType, MappingType, createDataFrame, type DataFrame, type ValueMapping } from '@grafana/data';
import { STATUSES, STATUS_DISPLAY, type ClusterEvaluation } from '../model';

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

const statusField = (values: string[]) => ({
  name: 'status',
  type: FieldType.string,
  values,
  config: { mappings: STATUS_MAPPINGS, custom: { cellOptions: { type: 'color-background' } } },
});

/**
 * The frame contract of the `status` query: a frame `cluster` (one row: status, reason, rootCause) and a
 * frame `components` (one row per component). Other panels embed these names: keep them stable.
 */
export function toStatusFrames(evaluation: ClusterEvaluation, refId: string): DataFrame[] {
  const cluster = createDataFrame({
    name: 'cluster',
    refId,
    fields: [
      statusField([evaluation.status]),
      { name: 'reason', type: FieldType.string, values: [evaluation.reason] },
      { name: 'rootCause', type: FieldType.string, values: [evaluation.rootCause ?? ''] },
      { name: 'evaluatedAt', type: FieldType.time, values: [evaluation.evaluatedAt] },
    ],
  });
  const components = evaluation.components;
  const componentsFrame = createDataFrame({
    name: 'components',
    refId,
    fields: [
      { name: 'id', type: FieldType.string, values: components.map((c) => c.id) },
      { name: 'name', type: FieldType.string, values: components.map((c) => c.name) },
      statusField(components.map((c) => c.status)),
      { name: 'critical', type: FieldType.boolean, values: components.map((c) => c.critical) },
      { name: 'impacted', type: FieldType.boolean, values: components.map((c) => c.impacted) },
      { name: 'reason', type: FieldType.string, values: components.map((c) => c.reason) },
      { name: 'rootCause', type: FieldType.string, values: components.map((c) => c.rootCause ?? '') },
      { name: 'dependsOn', type: FieldType.string, values: components.map((c) => c.dependsOn.join(',')) },
      { name: 'live', type: FieldType.number, values: components.map((c) => c.live ?? null) },
      { name: 'expected', type: FieldType.number, values: components.map((c) => c.expected ?? null) },
    ],
  });
  return [cluster, componentsFrame];
}
