import { stringify } from 'yaml';

import {
  buildPreset,
  DEFAULT_PARAMS,
  formatValidationError,
  isPresetName,
  PARAM_NAMES,
  parseModelDocument,
  parsePresetParams,
  PRESET_NAMES,
  DEFAULT_PRESET,
  type PresetName,
} from '../../model';
import type { ClusterOptions, ModelSource } from '../types';

/**
 * The model part of the datasource settings as pure functions: what the editor shows and validates,
 * without React. Everything comes from the model's own lists and parsers (PRESET_NAMES, PARAM_NAMES,
 * DEFAULT_PARAMS, parsePresetParams, parseModelDocument), so the editor never disagrees with the datasource.
 */

/** What the model editors get: the settings' jsonData, and where a changed copy goes. */
export interface ModelPartProps {
  jsonData: ClusterOptions;
  onChange: (jsonData: ClusterOptions) => void;
  disabled?: boolean;
}

export const DEFAULT_MODEL_SOURCE: ModelSource = 'preset';
export { DEFAULT_PRESET };

/** Preset parameters as typed in the settings: strings, an empty one is absent. */
export type RawParams = Readonly<Record<string, string>>;

export function modelSourceOf(jsonData: ClusterOptions): ModelSource {
  return jsonData.modelSource ?? DEFAULT_MODEL_SOURCE;
}

/** The preset the settings choose; an unknown name (an old or hand-edited setting) shows as the default. */
export function presetOf(jsonData: ClusterOptions): PresetName {
  const preset: string | undefined = jsonData.preset;
  return preset !== undefined && isPresetName(preset) ? preset : DEFAULT_PRESET;
}

/** `unknown preset "swarm-classic"` when the stored preset is not one of PRESET_NAMES. */
export function presetError(jsonData: ClusterOptions): string | undefined {
  const preset: string | undefined = jsonData.preset;
  return preset === undefined || isPresetName(preset)
    ? undefined
    : `unknown preset ${JSON.stringify(preset)} (known: ${PRESET_NAMES.join(', ')})`;
}

/**
 * How a parameter is read, from its default: no default is an expected count (empty: derived from what
 * Prometheus knows), a text default a scrape job, a number a threshold.
 */
export type ParamKind = 'count' | 'job' | 'threshold';

const DEFAULTS: Readonly<Record<string, string | number | undefined>> = { ...DEFAULT_PARAMS };

export const DERIVED_PLACEHOLDER = 'derived from Prometheus';

export function paramKind(name: string): ParamKind {
  const fallback = DEFAULTS[name];
  return fallback === undefined ? 'count' : typeof fallback === 'string' ? 'job' : 'threshold';
}

/** What an empty input means: the default, or for an expected count, `derived from Prometheus`. */
export function paramPlaceholder(name: string): string {
  const fallback = DEFAULTS[name];
  return fallback === undefined ? DERIVED_PLACEHOLDER : String(fallback);
}

export interface ParamGroup {
  kind: ParamKind;
  /** Rows of parameter names: one parameter a row, thresholds as warning/critical pairs. */
  rows: string[][];
}

/**
 * PARAM_NAMES grouped by kind, in their order. Thresholds share a row with their partner
 * (`cpuWarning` and `cpuCritical`), matched by the name without `Warning`/`Critical`.
 */
export function paramGroups(names: readonly string[] = PARAM_NAMES): ParamGroup[] {
  const kinds: ParamKind[] = ['count', 'job', 'threshold'];
  return kinds
    .map((kind) => {
      const rows = new Map<string, string[]>();
      for (const name of names.filter((candidate) => paramKind(candidate) === kind)) {
        const key = kind === 'threshold' ? name.replace(/(Warning|Critical)$/, '') : name;
        rows.set(key, [...(rows.get(key) ?? []), name]);
      }
      return { kind, rows: [...rows.values()] };
    })
    .filter((group) => group.rows.length > 0);
}

export interface ParamCheck {
  /** The error of each parameter that has one, without the `name: ` prefix (the field has the name). */
  byParam: Readonly<Record<string, string>>;
  /** Errors that belong to no field. */
  other: string[];
  /** Stored parameters that are not in PARAM_NAMES (an older version, a typo in provisioning). */
  unknown: string[];
}

/**
 * parsePresetParams's errors, each at its field: `managers: expected a positive integer, got "three"`
 * becomes `expected a positive integer, got "three"` at `managers`; a threshold above its critical level
 * is shown at the warning level.
 */
export function checkPresetParams(params: RawParams): ParamCheck {
  const byParam = new Map<string, string>();
  const other: string[] = [];
  for (const error of parsePresetParams(params).errors) {
    const separator = error.indexOf(': ');
    const name = separator < 0 ? '' : error.slice(0, separator);
    if (PARAM_NAMES.includes(name)) {
      const message = error.slice(separator + 2);
      const earlier = byParam.get(name);
      byParam.set(name, earlier === undefined ? message : `${earlier}; ${message}`);
    } else {
      other.push(error);
    }
  }
  return {
    byParam: Object.fromEntries(byParam),
    other,
    unknown: Object.keys(params).filter((name) => !PARAM_NAMES.includes(name)),
  };
}

/** The parameters with one changed; an empty value removes it (the default applies). Never mutates. */
export function withParam(params: RawParams, name: string, value: string): Record<string, string> {
  const rest = withoutParams(params, [name]);
  return value.trim() === '' ? rest : { ...rest, [name]: value };
}

export function withoutParams(params: RawParams, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)));
}

export interface DocumentCheck {
  /** `path: message`, e.g. `components[2].dependsOn[0]: unknown component "consul"`. */
  errors: string[];
  /** The ids of the components of a valid model. */
  componentIds: string[];
}

/** The model document as the datasource will read it (parseModelDocument), with its path-precise errors. */
export function checkModelDocument(text: string): DocumentCheck {
  const { model, errors } = parseModelDocument(text);
  return model
    ? { errors: [], componentIds: model.components.map((component) => component.id) }
    : { errors: errors.map(formatValidationError), componentIds: [] };
}

export type PresetDocument = { text: string; errors?: undefined } | { text?: undefined; errors: string[] };

/**
 * The YAML of a preset built with the given parameters, to customize as a model document. Long PromQL stays
 * on one line and shared parts are written out (no YAML anchors), so every part can be edited on its own.
 */
export function presetDocument(preset: PresetName, params: RawParams): PresetDocument {
  const parsed = parsePresetParams(params);
  if (!parsed.params) {
    return { errors: parsed.errors };
  }
  const given = Object.entries(params)
    .filter(([, value]) => value.trim() !== '')
    .map(([name, value]) => `${name}=${value.trim()}`);
  const header = [
    `# Panopticon cluster model, started from the preset ${preset}`,
    given.length > 0 ? ` with ${given.join(' ')}` : '',
    '.\n',
  ].join('');
  return {
    text: header + stringify(buildPreset(preset, parsed.params), { lineWidth: 0, aliasDuplicateObjects: false }),
  };
}
