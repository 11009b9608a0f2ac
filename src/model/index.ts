/**
 * The cluster dependency model: pure TypeScript, no React, no @grafana runtime, no globals. The datasource,
 * the panel and the CLI all go through this entry point.
 */
export * from './status';
export * from './types';
export { planQuery, groupBySignal, SIGNAL_LABEL, type QueryPlan } from './plan';
export { promString, escapeRegex } from './promql';
export { evaluateCluster, evaluateUnobservable, clusterImpact, markIncomplete, type EvaluationInput } from './evaluate';
export { evaluateRange, rangeSteps, dampStatuses, statusChanges, type StatusChange } from './timeline';
export { mapExpressions } from './transform';
export { judgeQuorum, judgeLeaders, judgeKOfN, judgeThreshold, majorityOf, resolveLevel } from './rules';
export {
  parseInstantResponse,
  TRANSPORT_ERROR,
  parseRangeResponse,
  type InstantResult,
  type RangeResult,
  type RangeSeries,
} from './response';
export {
  buildPreset,
  parsePresetParams,
  isPresetName,
  PRESET_NAMES,
  DEFAULT_PRESET,
  PARAM_NAMES,
  DEFAULT_PARAMS,
  type PresetName,
  type PresetParams,
} from './presets';
export { validateModel, formatValidationError, type ValidationError, type ValidationResult } from './validate';
export { parseModelDocument } from './load';
