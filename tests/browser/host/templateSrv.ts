/**
 * A small TemplateSrv with Grafana's interpolation rules for dashboard variables set by the test:
 * `$var`, `[[var]]`, `[[var:fmt]]`, `${var}`, `${var:fmt}`, `${var.field}`; scoped vars first (and
 * their `text`), then variables, then `$__from`/`$__to` of the last updateTimeRange(); unknown names stay.
 *
 * Formats: a FUNCTION `(value, variable, defaultFormatter) => string` (what Grafana's Prometheus datasource
 * passes for PromQL escaping; `variable` carries `multi` and `includeAll`, `value` is an array for multi
 * values and for "All" without allValue), or a name: glob (default), regex, pipe, csv, json, raw, text,
 * queryparam, percentencode, singlequote, doublequote, sqlstring, lucene. A custom "All" value is inserted
 * raw whatever the format (except text/percentencode/queryparam), as in Grafana.
 */
import { escapeRegex, type ScopedVars, type TimeRange, type TypedVariableModel } from '@grafana/data';
import type { TemplateSrv, VariableInterpolation } from '@grafana/runtime';
import type { HostVariable } from './api';

const VARIABLE_REGEX = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;
const ALL_VALUE = '$__all';
const ALL_TEXT = 'All';

type FormatFn = (value: unknown, variable: Record<string, unknown>, defaultFormatter?: unknown) => string;

interface VariableContext {
  name: string;
  multi?: boolean;
  includeAll?: boolean;
  text: unknown;
}

function luceneEscape(value: string): string {
  return value.replace(/([!*+\-=<>\s&|()[\]{}^~?:\\/"])/g, '\\$1');
}

function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function quoteEach(value: unknown, quote: string, escape: (s: string) => string): string {
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => `${quote}${escape(String(v))}${quote}`).join(',');
}

function glob(value: unknown): string {
  return Array.isArray(value) ? (value.length > 1 ? `{${value.join(',')}}` : String(value[0] ?? '')) : String(value);
}

/** Grafana's format registry (the formats a datasource may name). */
const FORMATS: Record<string, (value: unknown, variable: VariableContext) => string> = {
  glob,
  regex: (value) => {
    if (typeof value === 'string') {
      return escapeRegex(value);
    }
    const escaped = (Array.isArray(value) ? value : [value]).map((v) => escapeRegex(String(v)));
    return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
  },
  pipe: (value) => (Array.isArray(value) ? value.join('|') : String(value)),
  csv: (value) => (Array.isArray(value) ? value.join(',') : String(value)),
  json: (value) => JSON.stringify(value),
  raw: (value) => (Array.isArray(value) ? value.join(',') : String(value)),
  text: (_value, variable) => (Array.isArray(variable.text) ? variable.text.join(' + ') : String(variable.text)),
  queryparam: (value, variable) =>
    (Array.isArray(value) ? value : [value]).map((v) => `var-${variable.name}=${encodeStrict(String(v))}`).join('&'),
  percentencode: (value) => (Array.isArray(value) ? encodeStrict(`{${value.join(',')}}`) : encodeStrict(String(value))),
  singlequote: (value) => quoteEach(value, "'", (s) => s.replace(/'/g, "\\'")),
  doublequote: (value) => quoteEach(value, '"', (s) => s.replace(/"/g, '\\"')),
  sqlstring: (value) => quoteEach(value, "'", (s) => s.replace(/'/g, "''")),
  lucene: (value) =>
    Array.isArray(value)
      ? value.length === 1
        ? luceneEscape(String(value[0]))
        : `(${value.map((v) => `"${luceneEscape(String(v))}"`).join(' OR ')})`
      : luceneEscape(String(value)),
};

export class HostTemplateSrv implements TemplateSrv {
  private variables: HostVariable[] = [];
  private timeRange: TimeRange | undefined;

  setVariables(variables: HostVariable[]): void {
    this.variables = variables.map((v) => ({ ...v }));
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map((v, index) => {
      const values = Array.isArray(v.value) ? v.value : [v.value];
      const texts = v.text === undefined ? v.value : v.text;
      const optionValues = v.options ?? values.filter((value) => value !== ALL_VALUE);
      const model = {
        id: v.name,
        name: v.name,
        label: v.label,
        type: v.type ?? 'custom',
        rootStateKey: null,
        global: false,
        hide: 0,
        skipUrlSync: false,
        index,
        state: 'Done',
        error: null,
        description: null,
        query: optionValues.join(','),
        multi: v.multi ?? Array.isArray(v.value),
        includeAll: v.includeAll ?? false,
        allValue: v.allValue ?? null,
        current: { value: v.value, text: texts, selected: true },
        options: [
          ...(v.includeAll ? [{ value: ALL_VALUE, text: ALL_TEXT, selected: values.includes(ALL_VALUE) }] : []),
          ...optionValues.map((value) => ({ value, text: value, selected: values.includes(value) })),
        ],
      };
      return model as unknown as TypedVariableModel;
    });
  }

  updateTimeRange(timeRange: TimeRange): void {
    this.timeRange = timeRange;
  }

  containsTemplate(target?: string): boolean {
    if (!target) {
      return false;
    }
    for (const match of target.matchAll(VARIABLE_REGEX)) {
      const name = match[1] ?? match[2] ?? match[4];
      if (name && (this.findVariable(name) || name === '__from' || name === '__to')) {
        return true;
      }
    }
    return false;
  }

  replace(
    target?: string,
    scopedVars?: ScopedVars,
    format?: string | Function,
    interpolations?: VariableInterpolation[]
  ): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(
      VARIABLE_REGEX,
      (
        match: string,
        var1?: string,
        var2?: string,
        fmt2?: string,
        var3?: string,
        fieldPath?: string,
        fmt3?: string
      ) => {
        const variableName = var1 ?? var2 ?? var3 ?? '';
        const fmt = fmt2 ?? fmt3 ?? format;
        const record = (value: string, found: boolean): string => {
          interpolations?.push({
            match,
            variableName,
            fieldPath,
            format: typeof fmt === 'string' ? fmt : undefined,
            value,
            found,
          });
          return value;
        };

        const scoped = scopedVars?.[variableName];
        if (scoped && scoped.value !== null && scoped.value !== undefined) {
          const value = fieldPath ? readPath(scoped.value, fieldPath) : scoped.value;
          if (value !== null && value !== undefined) {
            const context = { name: variableName, text: scoped.text ?? value };
            return record(this.formatValue(value, fmt, context), true);
          }
        }

        if (variableName === '__from' || variableName === '__to') {
          if (!this.timeRange) {
            return record(match, false);
          }
          const time = variableName === '__from' ? this.timeRange.from : this.timeRange.to;
          return record(String(time.valueOf()), true);
        }

        const variable = this.findVariable(variableName);
        if (!variable) {
          return record(match, false);
        }
        const multi = variable.multi ?? Array.isArray(variable.value);
        const context: VariableContext = {
          name: variable.name,
          multi,
          includeAll: variable.includeAll ?? false,
          text: variable.text ?? variable.value,
        };
        let value: unknown = variable.value;
        const isAll = value === ALL_VALUE || (Array.isArray(value) && value[0] === ALL_VALUE);
        if (isAll) {
          context.text = ALL_TEXT;
          if (variable.allValue !== undefined && fmt !== 'text' && fmt !== 'percentencode' && fmt !== 'queryparam') {
            return record(variable.allValue, true);
          }
          value = variable.options ?? [];
        }
        return record(this.formatValue(value, fmt, context), true);
      }
    );
  }

  private findVariable(name: string): HostVariable | undefined {
    return this.variables.find((v) => v.name === name);
  }

  private formatValue(value: unknown, format: string | Function | undefined, variable: VariableContext): string {
    if (value === null || value === undefined) {
      return '';
    }
    if (!Array.isArray(value) && typeof value === 'object') {
      value = `${value}`;
    }
    if (typeof format === 'function') {
      const defaultFormatter = (v: unknown, f?: string) => this.formatValue(v, f, variable);
      return (format as FormatFn)(value, { ...variable }, defaultFormatter);
    }
    const name = (format ?? 'glob').split(':')[0] ?? 'glob';
    const formatter = FORMATS[name];
    if (!formatter) {
      console.error(`Variable format ${name} not found. Using glob format as fallback.`);
      return glob(value);
    }
    return formatter(value, variable);
  }
}

function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.replace(/\[(\w+)\]/g, '.$1').split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
