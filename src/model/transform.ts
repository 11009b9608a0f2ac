import type { CheckSpec, ClusterModel, MeasureSpec } from './types';

function mapMeasure(measure: MeasureSpec, map: (expr: string) => string): MeasureSpec {
  return { ...measure, expr: map(measure.expr) };
}

function mapCheck(check: CheckSpec, map: (expr: string) => string): CheckSpec {
  switch (check.kind) {
    case 'threshold':
    case 'presence':
      return { ...check, expr: map(check.expr) };
    case 'quorum':
      return {
        ...check,
        live: mapMeasure(check.live, map),
        expected: typeof check.expected === 'number' ? check.expected : mapMeasure(check.expected, map),
      };
    case 'leader':
      return {
        ...check,
        leaders: mapMeasure(check.leaders, map),
        ...(check.claimants === undefined ? {} : { claimants: map(check.claimants) }),
      };
    case 'kOfN':
      return {
        ...check,
        healthy: mapMeasure(check.healthy, map),
        total: typeof check.total === 'number' ? check.total : mapMeasure(check.total, map),
      };
  }
}

/**
 * A copy of the model with every PromQL expression passed through `map` (e.g. template variable
 * interpolation). The model itself is never changed.
 */
export function mapExpressions(model: ClusterModel, map: (expr: string) => string): ClusterModel {
  return {
    ...model,
    components: model.components.map((component) => ({
      ...component,
      checks: component.checks.map((check) => mapCheck(check, map)),
    })),
  };
}
