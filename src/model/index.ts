/**
 * The cluster dependency model: pure TypeScript, no React, no @grafana runtime, no globals. The datasource,
 * the panel and the CLI all go through this entry point.
 */
export * from './status';
export * from './types';
export { planQuery, groupBySignal, SIGNAL_LABEL, type QueryPlan } from './plan';
export { evaluateCluster, evaluateUnobservable, clusterImpact, type EvaluationInput } from './evaluate';
export { judgeQuorum, judgeLeaders, judgeKOfN, judgeThreshold, majorityOf, resolveLevel } from './rules';
export { parseInstantResponse, type InstantResult } from './response';
export {
  buildPreset,
  parsePresetParams,
  isPresetName,
  PRESET_NAMES,
  PARAM_NAMES,
  DEFAULT_PARAMS,
  type PresetName,
  type PresetParams,
} from './presets';
export { validateModel, formatValidationError, type ValidationError, type ValidationResult } from './validate';
export { parseModelDocument } from './load';
