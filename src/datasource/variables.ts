import type { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';
import { escapeRegex } from '../model';

/** What Grafana passes to a format function about the variable being interpolated. */
interface VariableLike {
  multi?: boolean;
  includeAll?: boolean;
}

/** Escapes a value for the inside of a PromQL double-quoted string: nothing can close the quotes. */
export function escapePromString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Template variables in PromQL. A single value is escaped for the string it stands in; a multi-value or
 * "All" variable becomes a regex alternation `(a|b)` for `=~`, each value regex-escaped, then string-escaped.
 * Grafana's generic `regex` format is not used: it escapes `/` as `\/`, which Prometheus rejects inside a
 * string ("unknown escape sequence").
 * Examples: `/metrics` → `/metrics`; `a"b` → `a\"b`; [`h1:9100`, `h.2`] → `(h1:9100|h\\.2)`.
 */
export function formatPromqlVariable(value: unknown, variable?: VariableLike): string {
  const values = Array.isArray(value) ? value.map(String) : [String(value ?? '')];
  if (variable?.multi || variable?.includeAll || values.length > 1) {
    return `(${values.map((one) => escapePromString(escapeRegex(one))).join('|')})`;
  }
  return escapePromString(values[0] ?? '');
}

/** Interpolates `$var`, `${var}` and `[[var]]` in a PromQL expression with PromQL escaping. */
export function interpolatePromql(expr: string, templateSrv: TemplateSrv, scopedVars?: ScopedVars): string {
  return templateSrv.replace(expr, scopedVars, formatPromqlVariable);
}
