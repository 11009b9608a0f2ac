/** Small PromQL text helpers shared by the planner and the presets. */

/**
 * A PromQL double-quoted string literal. PromQL unquotes like Go, and JSON's escapes (`\"`, `\\`, `\n`,
 * `\uXXXX`) are a subset of Go's, so no value can break out of the quotes.
 */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** `up{job="node"}`. */
export function upOf(job: string): string {
  return `up{job=${promString(job)}}`;
}

/** Escapes regex metacharacters so a value matches itself literally inside `=~` (RE2 syntax). */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Renders a number for PromQL (no exponent surprises, `NaN`/`Inf` spelled as PromQL does). */
export function promNumber(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(value);
}
