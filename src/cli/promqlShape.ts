import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** At most this many series per graph: the six-graph rule's second half. */
export const MAX_SERIES = 6;

/**
 * Labels that name one machine, pod, container or process: grouping by one of them still gives one
 * series per entity, so `sum by (instance)` is as unbounded as the raw selector.
 */
export const PER_ENTITY_LABELS: readonly string[] = ['instance', 'pod', 'container', 'id', 'name'];

/** The prefix of the identifier that stands in for a template variable outside label values and ranges. */
const VARIABLE_PLACEHOLDER = '__grafana_var_';

/** Grafana variables whose value is a number (milliseconds or seconds). */
const NUMERIC_VARIABLES = new Set(['__interval_ms', '__range_s', '__range_ms', '__from', '__to', '__rate_interval_ms']);
/** Grafana variables whose value is a duration. */
const DURATION_VARIABLES = new Set(['__interval', '__rate_interval', '__range', '__auto_interval']);

/** Grafana's three syntaxes, as its template service matches them. */
const VARIABLE = /\$\{(\w+)(?:[.:][^}]*)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)/y;

export interface Substitution {
  /** The expression with every template variable replaced; runnable when `freeVariables` is empty. */
  text: string;
  /** Variables outside label values and ranges (a metric name, `topk($k, …)`, `> $threshold`): unknown values. */
  freeVariables: string[];
}

/**
 * Replaces Grafana template variables (`$var`, `${var}`, `${var:format}`, `[[var]]`) by placeholders, by
 * where they stand:
 * - inside a string (a label value, `=~"$node"`): `.*`, i.e. "All", the worst case for counting series
 *   (with `=` instead of `=~` it matches nothing live; such a query counts too few);
 * - inside `[…]` or after `offset`, or `$__interval`, `$__rate_interval`, `$__range` anywhere: `5m`;
 * - `$__interval_ms`, `$__range_s`, `$__from`, …: `60`;
 * - anywhere else: an identifier `__grafana_var_NAME`, listed in `freeVariables` (its value is unknown:
 *   the expression parses, but is not run against Prometheus).
 */
export function substituteVariables(expr: string): Substitution {
  let text = '';
  const freeVariables: string[] = [];
  let quote: string | undefined;
  let brackets = 0;
  let index = 0;
  while (index < expr.length) {
    const char = expr.charAt(index);
    if (quote !== undefined && char === '\\' && quote !== '`') {
      text += expr.slice(index, index + 2);
      index += 2;
      continue;
    }
    VARIABLE.lastIndex = index;
    const match = VARIABLE.exec(expr);
    if (match) {
      const name = match[1] ?? match[2] ?? match[3] ?? '';
      const quoted = quote !== undefined;
      const inRange = brackets > 0 || /\boffset\s*-?\s*$/i.test(text);
      text += placeholderFor({ name, quoted, inRange });
      if (!quoted && !inRange && !NUMERIC_VARIABLES.has(name) && !DURATION_VARIABLES.has(name)) {
        freeVariables.push(name);
      }
      index += match[0].length;
      continue;
    }
    if (quote !== undefined) {
      quote = char === quote ? undefined : quote;
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
    } else if (char === '[') {
      brackets += 1;
    } else if (char === ']') {
      brackets = Math.max(0, brackets - 1);
    }
    text += char;
    index += 1;
  }
  return { text, freeVariables };
}

function placeholderFor(args: { name: string; quoted: boolean; inRange: boolean }): string {
  if (args.quoted) {
    return '.*';
  }
  if (args.inRange || DURATION_VARIABLES.has(args.name)) {
    return '5m';
  }
  if (NUMERIC_VARIABLES.has(args.name)) {
    return '60';
  }
  return `${VARIABLE_PLACEHOLDER}${args.name.replace(/\W/g, '_')}`;
}

/** What a PromQL expression returns, as far as the number of series goes. */
export type Shape =
  | { kind: 'scalar' }
  | { kind: 'bounded' }
  | { kind: 'unbounded'; reason: string }
  | { kind: 'invalid'; reason: string };

const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'NumberLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
]);

/** Functions that return a scalar, or at most one series whatever their argument. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);
const SINGLE_SERIES_FUNCTIONS = new Set(['vector', 'absent', 'absent_over_time']);
const TOP_K = new Set(['topk', 'bottomk', 'limitk']);

const BOUNDED: Shape = { kind: 'bounded' };
const SCALAR: Shape = { kind: 'scalar' };

/**
 * Judges statically whether a PromQL expression (template variables already substituted) returns a
 * bounded number of series. The rule, by the outermost operation:
 * - a selector (`node_cpu_seconds_total`, `rate(x[5m])`): unbounded, one series per series selected;
 * - an aggregation (`sum`, `avg`, `max`, `min`, `count`, `group`, `stddev`, `stdvar`, `quantile`,
 *   `count_values`) without grouping, with `by ()` or with `by` over labels other than the per-entity
 *   ones (`instance`, `pod`, `container`, `id`, `name`): bounded. `sum(rate(x[5m]))` and
 *   `sum by (mode) (…)` are bounded; `sum by (instance) (…)` and `sum without (cpu) (…)` are not
 *   (`without` keeps every other label);
 * - `topk`, `bottomk`, `limitk`: the same, and k must be at most 6: `topk(5, x)` bounded, `topk(20, x)`
 *   not. A k from a template variable is not judged (bounded here; `--prometheus` counts for real).
 *   `limit_ratio` keeps a share of the series, not a number: unbounded;
 * - a function keeps the shape of its series arguments (`histogram_quantile(0.9, sum by (le) (…))`
 *   bounded, `label_replace(up, …)` not); `vector`, `absent`, `scalar`, `time` are bounded;
 * - a binary operation is bounded if both sides are, or one side is a number (`sum(x) / 1024`,
 *   `sum(x) / sum(y)`); `and`/`unless` keep the left side's shape (`up and on() vector(1)` unbounded).
 * Parentheses, `offset`, `@` and unary minus keep the shape of what they wrap.
 */
export function judgeShape(expr: string): Shape {
  const tree = parser.parse(expr);
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      const near = expr.slice(Math.max(0, cursor.from - 8), cursor.from + 8).replace(/\s+/g, ' ');
      return { kind: 'invalid', reason: `PromQL syntax error at offset ${cursor.from} near ${JSON.stringify(near)}` };
    }
  } while (cursor.next());
  const root = expressionChildren(tree.topNode)[0];
  return root ? shapeOf(root, expr) : { kind: 'invalid', reason: 'empty PromQL expression' };
}

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (EXPRESSIONS.has(child.name)) {
      children.push(child);
    }
  }
  return children;
}

function textOf(node: SyntaxNode, expr: string): string {
  return expr.slice(node.from, node.to);
}

/** The metric name of a selector, or its matchers when it has none (`{job="node"}`). */
function metricOf(selector: SyntaxNode, expr: string): string {
  const name = selector.getChild('Identifier');
  return name ? textOf(name, expr) : textOf(selector, expr);
}

function shapeOf(node: SyntaxNode, expr: string): Shape {
  switch (node.name) {
    case 'NumberDurationLiteral':
    case 'NumberLiteral':
    case 'StringLiteral':
      return SCALAR;
    case 'VectorSelector':
      return textOf(node, expr).startsWith(VARIABLE_PLACEHOLDER) && !textOf(node, expr).includes('{')
        ? SCALAR
        : { kind: 'unbounded', reason: `no aggregation: one series per ${metricOf(node, expr)} series` };
    case 'MatrixSelector':
    case 'SubqueryExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'ParenExpr':
    case 'UnaryExpr': {
      const inner = expressionChildren(node)[0];
      return inner ? shapeOf(inner, expr) : SCALAR;
    }
    case 'AggregateExpr':
      return aggregateShape(node, expr);
    case 'FunctionCall':
      return functionShape(node, expr);
    case 'BinaryExpr':
      return binaryShape(node, expr);
    default:
      return BOUNDED;
  }
}

function aggregateShape(node: SyntaxNode, expr: string): Shape {
  const op = textOf(node.getChild('AggregateOp') ?? node, expr).toLowerCase();
  const args = expressionChildren(node.getChild('FunctionCallBody') ?? node);
  if (op === 'limit_ratio') {
    return { kind: 'unbounded', reason: `${op} keeps a share of the series, not a bounded number` };
  }
  if (TOP_K.has(op)) {
    const k = args[0];
    const value = k && k.name === 'NumberDurationLiteral' ? Number(textOf(k, expr)) : undefined;
    if (value !== undefined && value > MAX_SERIES) {
      return { kind: 'unbounded', reason: `${op}(${value}, …): ${value} series (at most ${MAX_SERIES})` };
    }
  }
  const modifier = node.getChild('AggregateModifier');
  if (!modifier) {
    return BOUNDED;
  }
  const labels = (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((label) =>
    textOf(label, expr)
  );
  if (modifier.getChild('Without')) {
    return {
      kind: 'unbounded',
      reason: `${op} without (${labels.join(', ')}) keeps every other label: one series per remaining label set`,
    };
  }
  const perEntity = labels.filter((label) => PER_ENTITY_LABELS.includes(label));
  return perEntity.length > 0
    ? { kind: 'unbounded', reason: `${op} by (${labels.join(', ')}): one series per ${perEntity.join(' and ')}` }
    : BOUNDED;
}

function functionShape(node: SyntaxNode, expr: string): Shape {
  const name = textOf(node.getChild('FunctionIdentifier') ?? node, expr).toLowerCase();
  if (SCALAR_FUNCTIONS.has(name)) {
    return SCALAR;
  }
  if (SINGLE_SERIES_FUNCTIONS.has(name)) {
    return BOUNDED;
  }
  const shapes = expressionChildren(node.getChild('FunctionCallBody') ?? node).map((arg) => shapeOf(arg, expr));
  return shapes.find((shape) => shape.kind === 'unbounded') ?? BOUNDED;
}

function binaryShape(node: SyntaxNode, expr: string): Shape {
  const operands = expressionChildren(node);
  const left = operands[0];
  const right = operands[operands.length - 1];
  if (!left || !right) {
    return BOUNDED;
  }
  const leftShape = shapeOf(left, expr);
  if (node.getChild('And') || node.getChild('Unless')) {
    return leftShape;
  }
  const rightShape = shapeOf(right, expr);
  if (leftShape.kind === 'unbounded') {
    return leftShape;
  }
  if (rightShape.kind === 'unbounded') {
    return rightShape;
  }
  return leftShape.kind === 'scalar' && rightShape.kind === 'scalar' ? SCALAR : BOUNDED;
}
