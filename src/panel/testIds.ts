/**
 * `data-testid`s of the status panel, shared by the component tests and the browser tests. Tiles also carry
 * `data-component` (the id) and `data-status`; messages carry `data-kind`.
 */
export const TEST_IDS = {
  panel: 'panopticon-status-panel',
  light: 'panopticon-status-light',
  lightWord: 'panopticon-status-light-word',
  lightReason: 'panopticon-status-light-reason',
  lightRootCause: 'panopticon-status-light-root-cause',
  tiles: 'panopticon-status-tiles',
  tile: 'panopticon-status-tile',
  tileName: 'panopticon-status-tile-name',
  tileReason: 'panopticon-status-tile-reason',
  tileCounts: 'panopticon-status-tile-counts',
  tileRootCause: 'panopticon-status-tile-root-cause',
  tileImpacted: 'panopticon-status-tile-impacted',
  tileLink: 'panopticon-status-tile-link',
  tileDetails: 'panopticon-status-tile-details',
  allHealthy: 'panopticon-status-all-healthy',
  message: 'panopticon-status-message',
} as const;
