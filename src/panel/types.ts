/** How the component tiles are drawn: a responsive grid, one row per component, or small chips. */
export type Layout = 'grid' | 'list' | 'compact';

/** `severity`: worst first (the cluster's root cause first among equals); `model`: the order of the data. */
export type SortOrder = 'severity' | 'name' | 'model';

/** `auto` picks from the panel's size: small in a corner of a dashboard, large on a wall screen. */
export type TextSize = 'auto' | 's' | 'm' | 'l';

export interface StatusPanelOptions {
  layout: Layout;
  textSize: TextSize;
  /** Show the reason on each tile (grid and list; compact chips never do, their tooltip has it). */
  showReasons: boolean;
  /** Component ids to show, in any order; empty: all of them. */
  components: string[];
  hideHealthy: boolean;
  sort: SortOrder;
  /** Age of the newest evaluation after which the panel says it is stale, e.g. `5m`; `0` or empty: never. */
  staleAfter: string;
}

export const DEFAULT_OPTIONS: Readonly<StatusPanelOptions> = Object.freeze({
  layout: 'grid',
  textSize: 'auto',
  showReasons: true,
  components: [],
  hideHealthy: false,
  sort: 'severity',
  staleAfter: '5m',
});

/**
 * Options as saved, completed with the defaults: a panel saved by an older version (or edited as JSON)
 * may lack any of them, and unknown values fall back to the default instead of breaking the layout.
 */
export function withDefaults(options: Partial<StatusPanelOptions> | undefined): StatusPanelOptions {
  const given = options ?? {};
  const pick = <K extends keyof StatusPanelOptions>(key: K, allowed: ReadonlyArray<StatusPanelOptions[K]>) =>
    allowed.includes(given[key] as StatusPanelOptions[K])
      ? (given[key] as StatusPanelOptions[K])
      : DEFAULT_OPTIONS[key];
  return {
    layout: pick('layout', ['grid', 'list', 'compact']),
    textSize: pick('textSize', ['auto', 's', 'm', 'l']),
    showReasons: typeof given.showReasons === 'boolean' ? given.showReasons : DEFAULT_OPTIONS.showReasons,
    components: Array.isArray(given.components) ? given.components.filter((id) => typeof id === 'string') : [],
    hideHealthy: given.hideHealthy === true,
    sort: pick('sort', ['severity', 'name', 'model']),
    staleAfter: typeof given.staleAfter === 'string' ? given.staleAfter : DEFAULT_OPTIONS.staleAfter,
  };
}
