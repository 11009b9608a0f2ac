/**
 * The one status table. Every status in the product – a check's, a component's, the cluster's – is one of
 * these, ranked from best to worst. `unknown` ranks above `warning` and below `critical`: a component we
 * cannot observe needs a look (it is never green), but it is not known to be down.
 */
export const STATUSES = ['ok', 'warning', 'unknown', 'critical'] as const;

export type Status = (typeof STATUSES)[number];

const RANK: Record<Status, number> = { ok: 0, warning: 1, unknown: 2, critical: 3 };

/** Colours and words of the traffic light, shared by the CLI, the datasource's field config and the panel. */
export const STATUS_DISPLAY: Record<Status, { text: string; color: string; exitCode: number }> = {
  ok: { text: 'OK', color: 'green', exitCode: 0 },
  warning: { text: 'Warning', color: 'orange', exitCode: 1 },
  critical: { text: 'Critical', color: 'red', exitCode: 2 },
  unknown: { text: 'Unknown', color: 'grey', exitCode: 3 },
};

export function statusRank(status: Status): number {
  return RANK[status];
}

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** The worse of two statuses. */
export function worse(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** The worst of any number of statuses; `ok` for none. */
export function worstOf(statuses: Iterable<Status>): Status {
  let result: Status = 'ok';
  for (const status of statuses) {
    result = worse(result, status);
  }
  return result;
}

/** Caps a status at `warning` (used for dependency edges that must not escalate beyond orange). */
export function capAtWarning(status: Status): Status {
  return status === 'ok' ? 'ok' : 'warning';
}
