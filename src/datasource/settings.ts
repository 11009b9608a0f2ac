import {
  DEFAULT_PRESET,
  PRESET_NAMES,
  buildPreset,
  isPresetName,
  formatValidationError,
  parseModelDocument,
  parsePresetParams,
  validateModel,
  type ClusterModel,
} from '../model';
import type { ClusterOptions } from './types';

export type ModelOrError = { model: ClusterModel; error?: undefined } | { model?: undefined; error: string };

/** Default seconds before a Prometheus request is abandoned. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * The model these settings describe, or why there is none: a preset with its parameters, or a model
 * document. Both go through the validator, so a bad setting is a clear error, never a crash.
 */
export function modelFromSettings(options: ClusterOptions): ModelOrError {
  if (options.modelSource === 'document') {
    const { model, errors } = parseModelDocument(options.modelDocument ?? '');
    return model ? { model } : { error: `invalid model document: ${errors.map(formatValidationError).join('; ')}` };
  }
  const preset = options.preset ?? DEFAULT_PRESET;
  if (!isPresetName(preset)) {
    return { error: `unknown preset "${String(preset)}" (known: ${PRESET_NAMES.join(', ')})` };
  }
  const parsed = parsePresetParams(options.presetParams ?? {});
  if (!parsed.params) {
    return { error: `invalid preset parameters: ${parsed.errors.join('; ')}` };
  }
  const model = buildPreset(preset, parsed.params);
  const validation = validateModel(model);
  return validation.valid
    ? { model }
    : { error: `invalid preset: ${validation.errors.map(formatValidationError).join('; ')}` };
}

export function timeoutMs(options: ClusterOptions): number {
  const seconds = options.timeout && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT_SECONDS;
  return seconds * 1000;
}
