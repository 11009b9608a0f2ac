import type { DataSourceSettings } from '@grafana/data';

import type { ClusterOptions, ClusterSecureOptions } from '../types';

export type ClusterSettings = DataSourceSettings<ClusterOptions, ClusterSecureOptions>;

/**
 * The connection rules every change goes through, as new objects (the input is never mutated):
 * - access is always `proxy`: Grafana's data proxy reaches Prometheus and applies the credentials, which
 *   stay on the server; the browser never talks to Prometheus;
 * - a timeout that is not a positive number (an emptied field parses as NaN) is removed: the default applies.
 * Returns the input itself when it already follows them, so effects that call it do not loop.
 */
export function normalizeConnection(options: ClusterSettings): ClusterSettings {
  const proxied = options.access === 'proxy' ? options : { ...options, access: 'proxy' };
  const { timeout, ...jsonData } = proxied.jsonData;
  return timeout === undefined || (Number.isFinite(timeout) && timeout > 0) ? proxied : { ...proxied, jsonData };
}
