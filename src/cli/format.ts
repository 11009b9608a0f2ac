import { STATUS_DISPLAY, type ClusterEvaluation } from '../model';

/** The JSON contract of `panopticon status --json`; scripts depend on these field names. */
export interface StatusJson {
  status: string;
  reason: string;
  rootCause: string | null;
  components: Array<{
    id: string;
    name: string;
    status: string;
    critical: boolean;
    impacted: boolean;
    reason: string;
    rootCause: string | null;
    live?: number;
    expected?: number;
  }>;
  /** RFC 3339. */
  evaluatedAt: string;
}

export function toStatusJson(evaluation: ClusterEvaluation): StatusJson {
  return {
    status: evaluation.status,
    reason: evaluation.reason,
    rootCause: evaluation.rootCause,
    components: evaluation.components.map((component) => ({
      id: component.id,
      name: component.name,
      status: component.status,
      critical: component.critical,
      impacted: component.impacted,
      reason: component.reason,
      rootCause: component.rootCause,
      ...(component.live !== undefined ? { live: component.live, expected: component.expected } : {}),
    })),
    evaluatedAt: new Date(evaluation.evaluatedAt).toISOString(),
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A plain-text table: the cluster line first (what a check command shows), then one row per component. */
export function formatTable(evaluation: ClusterEvaluation): string {
  const word = (status: keyof typeof STATUS_DISPLAY) => STATUS_DISPLAY[status].text.toUpperCase();
  const cause = evaluation.rootCause ? ` (root cause: ${evaluation.rootCause})` : '';
  const lines = [`CLUSTER ${word(evaluation.status)} - ${evaluation.reason}${cause}`, ''];
  const rows = evaluation.components.map((component) => [
    component.id,
    word(component.status) + (component.impacted ? '*' : ''),
    component.critical ? 'yes' : 'no',
    component.rootCause && component.rootCause !== component.id ? component.rootCause : '',
    component.reason,
  ]);
  const header = ['COMPONENT', 'STATUS', 'CRITICAL', 'ROOT CAUSE', 'REASON'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))
  );
  for (const row of [header, ...rows]) {
    lines.push(
      row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column] ?? 0))).join('  ')
    );
  }
  if (evaluation.components.some((component) => component.impacted)) {
    lines.push('', '* impacted by a failing dependency');
  }
  lines.push('', `evaluated at ${new Date(evaluation.evaluatedAt).toISOString()}`);
  return lines.join('\n') + '\n';
}
