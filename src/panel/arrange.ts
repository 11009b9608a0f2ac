import { statusRank } from '../model/status';
import type { PanelComponent } from './contract';
import type { SortOrder } from './types';

export interface ArrangeOptions {
  /** Ids to show; empty: all. */
  show: readonly string[];
  hideHealthy: boolean;
  sort: SortOrder;
  /** The cluster's root cause: first among equally bad components. */
  rootCause: string;
}

export interface Arrangement {
  tiles: PanelComponent[];
  /** Healthy components left out by `hideHealthy`. */
  hiddenHealthy: number;
}

/**
 * A component chosen in the options that the data does not have: shown as unknown (it cannot be observed
 * here), never dropped silently and never green.
 */
export function notInData(id: string): PanelComponent {
  return {
    key: `missing:${id}`,
    id,
    name: id,
    status: 'unknown',
    reason: 'not in the data (chosen in the panel options)',
    critical: false,
    impacted: false,
    rootCause: '',
    dependsOn: [],
    live: null,
    expected: null,
    link: '',
  };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Worst status first; among equals the root cause, then critical components; otherwise data order. */
function bySeverity(rootCause: string) {
  return (a: PanelComponent, b: PanelComponent) =>
    statusRank(b.status) - statusRank(a.status) ||
    Number(b.id === rootCause && rootCause !== '') - Number(a.id === rootCause && rootCause !== '') ||
    Number(b.critical) - Number(a.critical);
}

function byName(a: PanelComponent, b: PanelComponent): number {
  return collator.compare(a.name, b.name) || collator.compare(a.id, b.id);
}

/**
 * The tiles to draw, in order:
 * - `show` keeps the chosen ids in data order (plus an unknown tile for each id the data lacks);
 * - `hideHealthy` drops `ok` tiles and counts them;
 * - `sort`: `severity` (critical, unknown, warning, ok; ties: root cause, critical, data order), `name`
 *   (natural order: "node2" before "node10") or `model` (data order). Sorting is stable.
 * Example: [a ok, b critical, c warning], severity → b, c, a; hideHealthy → b, c (1 hidden).
 */
export function arrangeComponents(components: readonly PanelComponent[], options: ArrangeOptions): Arrangement {
  let chosen: PanelComponent[] = [...components];
  if (options.show.length > 0) {
    const wanted = new Set(options.show);
    const present = new Set(components.map((component) => component.id));
    chosen = [
      ...components.filter((component) => wanted.has(component.id)),
      ...[...wanted].filter((id) => !present.has(id)).map(notInData),
    ];
  }
  const tiles = options.hideHealthy ? chosen.filter((component) => component.status !== 'ok') : chosen;
  const hiddenHealthy = chosen.length - tiles.length;
  if (options.sort === 'severity') {
    tiles.sort(bySeverity(options.rootCause));
  } else if (options.sort === 'name') {
    tiles.sort(byName);
  }
  return { tiles, hiddenHealthy };
}

/** Display names by component id, to name root causes ("impacted by Hosts"); built once per data. */
export function namesById(components: readonly PanelComponent[]): ReadonlyMap<string, string> {
  return new Map(
    components.filter((component) => component.id !== '').map((component) => [component.id, component.name])
  );
}
