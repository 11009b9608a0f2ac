import { parser } from '@prometheus-io/lezer-promql';

import { resolveLevel } from './rules';
import {
  NONE_EXPECTED,
  type CheckKind,
  type ClusterModel,
  type ComponentSpec,
  type DependencySpec,
  type JobSpec,
  type KOfNCheckSpec,
  type LeaderCheckSpec,
  type Level,
  type MeasureSpec,
  type PresenceCheckSpec,
  type QuorumCheckSpec,
  type ThresholdCheckSpec,
} from './types';

/**
 * The validator of model documents. It accepts any value (parsed YAML or JSON, or worse), never throws,
 * and reports every problem it finds with the path of the offending field:
 * `components[2].dependsOn[0]: unknown component "consul"`. A model it accepts can be planned and
 * evaluated: every reference resolves, the dependencies form no cycle, every expectation can be met and
 * every PromQL expression parses.
 */
export interface ValidationError {
  /** Where, e.g. `components[0].checks[1].expr`; empty for the document as a whole. */
  path: string;
  message: string;
}

export type ValidationResult =
  { valid: true; model: ClusterModel; errors: [] } | { valid: false; errors: ValidationError[] };

/** `components[2].dependsOn[0]: unknown component "consul"`. */
export function formatValidationError(error: ValidationError): string {
  return error.path ? `${error.path}: ${error.message}` : error.message;
}

/** A huge broken document must not produce a huge answer: the rest is summed up in one last error. */
const MAX_ERRORS = 200;
/**
 * The planner sends ONE query for the whole model: far beyond any real cluster's components, that query
 * would outgrow what a Prometheus answers in a refresh. The wall screen's 1,000 tiles fit.
 */
export const MAX_COMPONENTS = 2000;

const ID = /^[a-z][a-z0-9_-]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A percentage with at most two decimals: "50%", "66.67%". */
const PERCENTAGE = /^\d{1,3}(\.\d{1,2})?%$/;
/** An http(s) URL, or a path on the Grafana server (`/d/abc`), but not a protocol-relative `//host`. */
const LINK = /^(https?:\/\/[^\s/?#]+|\/(?!\/))\S*$/i;

const ROLES = ['member', 'exporter'] as const;
const PROPAGATIONS = ['asIs', 'capWarning', 'ignore'] as const;
const AGGREGATES = ['count', 'sum', 'max', 'min', 'avg'] as const;
const DIRECTIONS = ['above', 'below'] as const;
const KINDS = ['threshold', 'quorum', 'leader', 'kOfN', 'presence'] as const satisfies readonly CheckKind[];

type FieldRule = 'required' | 'optional';
type FieldTable<K extends string = string> = Record<K, FieldRule>;
/** The field table of a type in types.ts: `satisfies FieldsOf<T>` keeps the two in step. */
type FieldsOf<T> = Record<keyof T, FieldRule>;

const MODEL_FIELDS = { name: 'optional', jobs: 'required', components: 'required' } satisfies FieldsOf<ClusterModel>;
const JOB_FIELDS = {
  job: 'required',
  describes: 'required',
  role: 'required',
  componentUpMetric: 'optional',
} satisfies FieldsOf<JobSpec>;
const COMPONENT_FIELDS = {
  id: 'required',
  name: 'required',
  critical: 'required',
  dependsOn: 'optional',
  checks: 'required',
  link: 'optional',
} satisfies FieldsOf<ComponentSpec>;
const DEPENDENCY_FIELDS = { id: 'required', propagation: 'optional' } satisfies FieldsOf<DependencySpec>;
const MEASURE_FIELDS = {
  expr: 'required',
  aggregate: 'required',
  distinctBy: 'optional',
  ungated: 'optional',
} satisfies FieldsOf<MeasureSpec>;
const CHECK_BASE_FIELDS = { kind: 'required', id: 'required', title: 'required', job: 'required' } as const;
const CHECK_FIELDS = {
  threshold: {
    ...CHECK_BASE_FIELDS,
    expr: 'required',
    aggregate: 'optional',
    warning: 'required',
    critical: 'optional',
    direction: 'optional',
    unit: 'optional',
    nameBy: 'optional',
  } satisfies FieldsOf<ThresholdCheckSpec>,
  quorum: {
    ...CHECK_BASE_FIELDS,
    members: 'required',
    live: 'required',
    expected: 'required',
    expectedNote: 'optional',
  } satisfies FieldsOf<QuorumCheckSpec>,
  leader: { ...CHECK_BASE_FIELDS, leaders: 'required', claimants: 'optional' } satisfies FieldsOf<LeaderCheckSpec>,
  kOfN: {
    ...CHECK_BASE_FIELDS,
    items: 'required',
    healthy: 'required',
    total: 'required',
    totalNote: 'optional',
    okAtLeast: 'optional',
    warningAtLeast: 'required',
    noneExpected: 'optional',
  } satisfies FieldsOf<KOfNCheckSpec>,
  presence: {
    ...CHECK_BASE_FIELDS,
    expr: 'required',
    minSeries: 'optional',
    hint: 'optional',
  } satisfies FieldsOf<PresenceCheckSpec>,
} satisfies Record<CheckKind, FieldTable>;

/** Collects errors, at most MAX_ERRORS of them. */
class Report {
  private readonly errors: ValidationError[] = [];
  private dropped = 0;

  add(path: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push({ path, message });
    } else {
      this.dropped++;
    }
  }

  list(): ValidationError[] {
    return this.dropped === 0
      ? this.errors
      : [...this.errors, { path: '', message: `${this.dropped} more error${this.dropped === 1 ? '' : 's'} not shown` }];
  }
}

/** Validates a model document; see the module comment. */
export function validateModel(input: unknown): ValidationResult {
  const report = new Report();
  try {
    checkModel(report, input);
  } catch (error) {
    // Nothing above should throw; a hostile value (a proxy, a getter) must still not escape as an exception.
    report.add('', `the model could not be validated (${error instanceof Error ? error.name : 'unexpected error'})`);
  }
  const errors = report.list();
  return errors.length === 0 ? { valid: true, model: input as ClusterModel, errors: [] } : { valid: false, errors };
}

// ---------------------------------------------------------------------------------------------------------
// Paths and words

function fieldPath(parent: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) {
    return `${parent}[${quote(key)}]`;
  }
  return parent ? `${parent}.${key}` : key;
}

function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A string as it appears in a message: quoted, and cut short when long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** A wrong value as a message shows it: strings quoted, numbers as they are, anything else by its type. */
function shown(value: unknown): string {
  return typeof value === 'string' ? quote(value) : shownNumber(value);
}

/** For fields that take a number: the number as it is, anything else by its type. */
function shownNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? type : `a ${type}`;
}

/** The closest known name, for typos: `dependOn` → `dependsOn`. */
function suggestion(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return known.find((name) => name.toLowerCase() === lower || editDistance(name, key, 2) <= 2);
}

/** Levenshtein distance, giving up (returning limit + 1) when the lengths alone differ by more than limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Values

type Fields = Record<string, unknown>;

/** Plain objects only (what YAML and JSON produce): not arrays, dates, maps or class instances. */
function asFields(value: unknown): Fields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null ? (value as Fields) : undefined;
}

function ownValue(fields: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
}

/**
 * Reads an object against its field table: reports unknown fields (with the likely intended one) and
 * missing required ones, and returns the known fields' own values.
 */
function readObject<K extends string>(
  report: Report,
  path: string,
  value: unknown,
  table: FieldTable<K>,
  what: string,
  options: { ignoreUnknown?: boolean } = {}
): Record<K, unknown> | undefined {
  const fields = asFields(value);
  if (!fields) {
    report.add(path, `expected ${what} (an object), got ${describeType(value)}`);
    return undefined;
  }
  const known = Object.keys(table);
  if (!options.ignoreUnknown) {
    for (const key of Object.keys(fields)) {
      if (!known.includes(key)) {
        const likely = suggestion(key, known);
        report.add(
          fieldPath(path, key),
          likely
            ? `unknown field ${quote(key)}, did you mean ${quote(likely)}?`
            : `unknown field ${quote(key)} (known: ${known.join(', ')})`
        );
      }
    }
  }
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of known as K[]) {
    const own = ownValue(fields, key);
    if (own === undefined && table[key] === 'required') {
      report.add(fieldPath(path, key), 'required field is missing');
    }
    picked[key] = own;
  }
  return picked as Record<K, unknown>;
}

function readArray(report: Report, path: string, value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) {
    report.add(path, `expected a list, got ${describeType(value)}`);
    return undefined;
  }
  return value;
}

function readString(
  report: Report,
  path: string,
  value: unknown,
  options: { nonEmpty?: boolean } = {}
): string | undefined {
  if (typeof value !== 'string') {
    report.add(path, `expected a string, got ${describeType(value)}`);
    return undefined;
  }
  if (options.nonEmpty && value.trim() === '') {
    report.add(path, 'must not be empty');
    return undefined;
  }
  return value;
}

function readBoolean(report: Report, path: string, value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') {
    report.add(path, `expected true or false, got ${describeType(value)}`);
    return undefined;
  }
  return value;
}

function readNumber(report: Report, path: string, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    report.add(path, `expected a finite number, got ${shownNumber(value)}`);
    return undefined;
  }
  return value;
}

function readPositiveInteger(report: Report, path: string, value: unknown, name: string): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    report.add(path, `${name} must be an integer ≥ 1, got ${shownNumber(value)}`);
    return undefined;
  }
  return value;
}

function readEnum<T extends string>(
  report: Report,
  path: string,
  value: unknown,
  options: readonly T[]
): T | undefined {
  const match = options.find((option) => option === value);
  if (match === undefined) {
    report.add(path, `expected one of ${options.join(', ')}, got ${shown(value)}`);
  }
  return match;
}

function readPattern(report: Report, path: string, value: unknown, pattern: RegExp, what: string): string | undefined {
  const text = readString(report, path, value);
  if (text !== undefined && !pattern.test(text)) {
    report.add(path, `${quote(text)} is not a valid ${what}`);
    return undefined;
  }
  return text;
}

function readId(report: Report, path: string, value: unknown): string | undefined {
  return readPattern(report, path, value, ID, 'id (a lower-case letter, then a-z, 0-9, _ or -)');
}

/** Runs `read` on a field only when it is present. */
function optional<T>(value: unknown, read: (present: unknown) => T | undefined): T | undefined {
  return value === undefined ? undefined : read(value);
}

// ---------------------------------------------------------------------------------------------------------
// PromQL

/** Offset of the first syntax error of a PromQL expression, or undefined when it parses. */
function syntaxErrorOffset(expr: string): number | undefined {
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) {
      return cursor.from;
    }
  } while (cursor.next());
  return undefined;
}

function checkPromQL(report: Report, path: string, value: unknown): void {
  const expr = readString(report, path, value);
  if (expr === undefined) {
    return;
  }
  if (expr.trim() === '') {
    report.add(path, 'empty PromQL expression');
    return;
  }
  // Also parsed in parentheses, as the planner embeds it: an unterminated string (a lone `"`) parses on
  // its own but swallows the rest of the planned query.
  const wrapped = syntaxErrorOffset(`(${expr})`);
  const offset =
    syntaxErrorOffset(expr) ?? (wrapped === undefined ? undefined : Math.min(Math.max(0, wrapped - 1), expr.length));
  if (offset !== undefined) {
    const near = expr.slice(Math.max(0, offset - 8), offset + 8).replace(/\s+/g, ' ');
    report.add(path, `PromQL syntax error at offset ${offset} near ${quote(near)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The document

interface ModelContext {
  /** The declared job names; undefined when `jobs` itself is broken (then job references are not judged). */
  jobs: Set<string> | undefined;
  /** Index of the first component with each id. */
  components: Map<string, number>;
}

/** A validated `dependsOn` edge, for cycle detection. */
interface Edge {
  from: string;
  to: string;
  path: string;
}

function checkModel(report: Report, input: unknown): void {
  const model = readObject(report, '', input, MODEL_FIELDS, 'a model with jobs and components');
  if (!model) {
    return;
  }
  optional(model.name, (name) => readString(report, 'name', name));
  const jobs = optional(model.jobs, (list) => readArray(report, 'jobs', list));
  const components = optional(model.components, (list) => readArray(report, 'components', list));
  if (components?.length === 0) {
    report.add('components', 'a model needs at least one component');
  }
  if (components && components.length > MAX_COMPONENTS) {
    report.add('components', `at most ${MAX_COMPONENTS} components, got ${components.length}`);
  }
  const context: ModelContext = {
    jobs: jobs && checkJobs(report, jobs),
    components: firstComponentIds(components ?? []),
  };
  const edges: Edge[] = [];
  (components ?? []).forEach((component, index) => {
    edges.push(...checkComponent(report, indexPath('components', index), component, index, context));
  });
  checkCycles(report, [...context.components.keys()], edges);
}

/** Validates the jobs and returns the names declared. */
function checkJobs(report: Report, jobs: unknown[]): Set<string> {
  const first = new Map<string, number>();
  jobs.forEach((value, index) => {
    const path = indexPath('jobs', index);
    const job = readObject(report, path, value, JOB_FIELDS, 'a job');
    if (!job) {
      return;
    }
    const name = optional(job.job, (text) => readString(report, fieldPath(path, 'job'), text, { nonEmpty: true }));
    optional(job.describes, (text) => readString(report, fieldPath(path, 'describes'), text, { nonEmpty: true }));
    const role = optional(job.role, (text) => readEnum(report, fieldPath(path, 'role'), text, ROLES));
    const upMetricPath = fieldPath(path, 'componentUpMetric');
    optional(job.componentUpMetric, (text) => {
      const metric = readPattern(report, upMetricPath, text, METRIC_NAME, 'metric name');
      // The planner writes `<metric>{job="…"}`: it must be a selector PromQL's own parser accepts.
      if (metric !== undefined && syntaxErrorOffset(`${metric}{job="x"}`) !== undefined) {
        report.add(upMetricPath, `${quote(metric)} is not a metric name PromQL accepts in a selector`);
      }
    });
    if (role === 'exporter' && job.componentUpMetric === undefined) {
      report.add(
        upMetricPath,
        "an exporter job needs componentUpMetric, the exporter's own up metric (e.g. gluster_up)"
      );
    }
    if (role === 'member' && job.componentUpMetric !== undefined) {
      report.add(upMetricPath, 'only exporter jobs have a componentUpMetric (a member target is the component itself)');
    }
    if (name !== undefined) {
      const earlier = first.get(name);
      if (earlier === undefined) {
        first.set(name, index);
      } else {
        report.add(fieldPath(path, 'job'), `duplicate job ${quote(name)} (first at ${indexPath('jobs', earlier)})`);
      }
    }
  });
  return new Set(first.keys());
}

/** The index of the first component with each (string) id, so references and duplicates can be judged. */
function firstComponentIds(components: unknown[]): Map<string, number> {
  const first = new Map<string, number>();
  components.forEach((value, index) => {
    const fields = asFields(value);
    const id = fields ? ownValue(fields, 'id') : undefined;
    if (typeof id === 'string' && !first.has(id)) {
      first.set(id, index);
    }
  });
  return first;
}

/** Validates one component and returns its dependency edges. */
function checkComponent(report: Report, path: string, value: unknown, index: number, context: ModelContext): Edge[] {
  const component = readObject(report, path, value, COMPONENT_FIELDS, 'a component');
  if (!component) {
    return [];
  }
  const idPath = fieldPath(path, 'id');
  const id = optional(component.id, (text) => readId(report, idPath, text));
  const earlier = id === undefined ? undefined : context.components.get(id);
  if (id !== undefined && earlier !== undefined && earlier !== index) {
    report.add(idPath, `duplicate component id ${quote(id)} (first at ${indexPath('components', earlier)})`);
  }
  optional(component.name, (text) => readString(report, fieldPath(path, 'name'), text, { nonEmpty: true }));
  optional(component.critical, (flag) => readBoolean(report, fieldPath(path, 'critical'), flag));
  const dependsOnPath = fieldPath(path, 'dependsOn');
  const dependsOn = optional(component.dependsOn, (list) => readArray(report, dependsOnPath, list));
  const edges = checkDependencies(report, dependsOnPath, dependsOn ?? [], id, context);
  const checksPath = fieldPath(path, 'checks');
  const checks = optional(component.checks, (list) => readArray(report, checksPath, list));
  if (checks?.length === 0) {
    report.add(checksPath, 'a component needs at least one check (with none it observes nothing)');
  }
  checkChecks(report, checksPath, checks ?? [], context);
  optional(component.link, (text) =>
    readPattern(report, fieldPath(path, 'link'), text, LINK, 'link (an http(s) URL or a path starting with /)')
  );
  // Only the first component with an id takes part in the graph; a duplicate is already an error.
  return earlier === index ? edges : [];
}

function checkDependencies(
  report: Report,
  path: string,
  dependsOn: unknown[],
  self: string | undefined,
  context: ModelContext
): Edge[] {
  const edges: Edge[] = [];
  const seen = new Set<string>();
  dependsOn.forEach((value, index) => {
    const entryPath = indexPath(path, index);
    const target = typeof value === 'string' ? value : dependencyObjectId(report, entryPath, value);
    if (target === undefined) {
      return;
    }
    if (!context.components.has(target)) {
      report.add(entryPath, `unknown component ${quote(target)}`);
    } else if (target === self) {
      report.add(entryPath, `a component cannot depend on itself (${quote(target)})`);
    } else if (seen.has(target)) {
      report.add(entryPath, `duplicate dependency ${quote(target)}`);
    } else if (self !== undefined) {
      edges.push({ from: self, to: target, path: entryPath });
    }
    seen.add(target);
  });
  return edges;
}

/** The id of a `{ id, propagation }` dependency, or undefined (reported) when it is malformed. */
function dependencyObjectId(report: Report, path: string, value: unknown): string | undefined {
  const dependency = readObject(report, path, value, DEPENDENCY_FIELDS, 'a component id or { id, propagation }');
  if (!dependency) {
    return undefined;
  }
  optional(dependency.propagation, (mode) => readEnum(report, fieldPath(path, 'propagation'), mode, PROPAGATIONS));
  return optional(dependency.id, (text) => readString(report, fieldPath(path, 'id'), text));
}

/**
 * Reports every dependency cycle found by a depth-first search with an explicit stack (no recursion, so
 * no depth limit), each at the edge that closes it: `dependency cycle swarm → docker → swarm`.
 */
function checkCycles(report: Report, ids: string[], edges: Edge[]): void {
  const outgoing = new Map<string, Edge[]>();
  for (const edge of edges) {
    outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  }
  const state = new Map<string, 'open' | 'closed'>();
  for (const root of ids) {
    if (state.has(root)) {
      continue;
    }
    state.set(root, 'open');
    const stack = [{ id: root, next: 0 }];
    for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
      const edge = outgoing.get(frame.id)?.[frame.next];
      frame.next++;
      if (!edge) {
        state.set(frame.id, 'closed');
        stack.pop();
      } else if (state.get(edge.to) === 'open') {
        const ring = stack.slice(stack.findIndex((open) => open.id === edge.to)).map((open) => open.id);
        report.add(edge.path, `dependency cycle ${[edge.from, ...ring.slice(0, -1), edge.from].join(' → ')}`);
      } else if (!state.has(edge.to)) {
        state.set(edge.to, 'open');
        stack.push({ id: edge.to, next: 0 });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checks

function checkChecks(report: Report, path: string, checks: unknown[], context: ModelContext): void {
  const first = new Map<string, number>();
  checks.forEach((value, index) => {
    const checkPath = indexPath(path, index);
    const id = checkCheck(report, checkPath, value, context);
    if (id === undefined) {
      return;
    }
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, index);
    } else {
      report.add(fieldPath(checkPath, 'id'), `duplicate check id ${quote(id)} (first at ${indexPath(path, earlier)})`);
    }
  });
}

/** Validates one check and returns its id when it is valid. */
function checkCheck(report: Report, path: string, value: unknown, context: ModelContext): string | undefined {
  const fields = asFields(value);
  const kindValue = fields ? ownValue(fields, 'kind') : undefined;
  const kind = KINDS.find((known) => known === kindValue);
  if (fields && kindValue !== undefined && kind === undefined) {
    readEnum(report, fieldPath(path, 'kind'), kindValue, KINDS);
  }
  // Without a known kind the other fields cannot be judged: only the common ones are.
  const table: FieldTable = kind ? CHECK_FIELDS[kind] : CHECK_BASE_FIELDS;
  const check = readObject(report, path, value, table, 'a check', { ignoreUnknown: kind === undefined });
  if (!check) {
    return undefined;
  }
  const id = optional(check.id, (text) => readId(report, fieldPath(path, 'id'), text));
  optional(check.title, (text) => readString(report, fieldPath(path, 'title'), text, { nonEmpty: true }));
  const job = optional(check.job, (text) => readString(report, fieldPath(path, 'job'), text));
  if (job !== undefined && context.jobs && !context.jobs.has(job)) {
    report.add(fieldPath(path, 'job'), `unknown job ${quote(job)}: declare it in jobs`);
  }
  const at = (key: string) => fieldPath(path, key);
  const get = (key: string) => ownValue(check, key);
  switch (kind) {
    case 'threshold':
      checkThreshold(report, at, get);
      break;
    case 'quorum':
      checkQuorum(report, at, get);
      break;
    case 'leader':
      optional(get('leaders'), (measure) => checkMeasure(report, at('leaders'), measure));
      optional(get('claimants'), (expr) => checkPromQL(report, at('claimants'), expr));
      break;
    case 'kOfN':
      checkKOfN(report, at, get);
      break;
    case 'presence':
      optional(get('expr'), (expr) => checkPromQL(report, at('expr'), expr));
      optional(get('minSeries'), (count) => readPositiveInteger(report, at('minSeries'), count, 'minSeries'));
      optional(get('hint'), (text) => readString(report, at('hint'), text));
      break;
  }
  return id;
}

/** Path of a field of the check being validated, and its value. */
type At = (key: string) => string;
type Get = (key: string) => unknown;

function checkMeasure(report: Report, path: string, value: unknown): void {
  const measure = readObject(report, path, value, MEASURE_FIELDS, 'a measure { expr, aggregate }');
  if (!measure) {
    return;
  }
  optional(measure.expr, (expr) => checkPromQL(report, fieldPath(path, 'expr'), expr));
  optional(measure.aggregate, (name) => readEnum(report, fieldPath(path, 'aggregate'), name, AGGREGATES));
  optional(measure.distinctBy, (label) =>
    readPattern(report, fieldPath(path, 'distinctBy'), label, LABEL_NAME, 'label name')
  );
  optional(measure.ungated, (flag) => readBoolean(report, fieldPath(path, 'ungated'), flag));
}

/** An expected count: a fixed integer ≥ 1, or a measure. Returns the fixed number. */
function checkCount(report: Report, path: string, value: unknown, name: string): number | undefined {
  if (typeof value === 'number') {
    return readPositiveInteger(report, path, value, name);
  }
  if (asFields(value)) {
    checkMeasure(report, path, value);
  } else {
    report.add(path, `expected a number or a measure { expr, aggregate }, got ${describeType(value)}`);
  }
  return undefined;
}

function checkThreshold(report: Report, at: At, get: Get): void {
  optional(get('expr'), (expr) => checkPromQL(report, at('expr'), expr));
  optional(get('aggregate'), (name) => readEnum(report, at('aggregate'), name, AGGREGATES));
  const direction =
    optional(get('direction'), (name) => readEnum(report, at('direction'), name, DIRECTIONS)) ?? 'above';
  optional(get('unit'), (text) => readString(report, at('unit'), text));
  optional(get('nameBy'), (list) => checkLabelList(report, at('nameBy'), list));
  const warning = optional(get('warning'), (level) => readNumber(report, at('warning'), level));
  const critical = optional(get('critical'), (level) => readNumber(report, at('critical'), level));
  if (warning === undefined || critical === undefined) {
    return;
  }
  if (direction === 'above' && critical < warning) {
    report.add(
      at('critical'),
      `critical ${critical} is below warning ${warning} (direction above needs warning ≤ critical)`
    );
  }
  if (direction === 'below' && critical > warning) {
    report.add(
      at('critical'),
      `critical ${critical} is above warning ${warning} (direction below needs warning ≥ critical)`
    );
  }
}

function checkLabelList(report: Report, path: string, value: unknown): void {
  const labels = readArray(report, path, value);
  if (labels?.length === 0) {
    report.add(path, 'name at least one label');
  }
  labels?.forEach((label, index) => readPattern(report, indexPath(path, index), label, LABEL_NAME, 'label name'));
}

function checkQuorum(report: Report, at: At, get: Get): void {
  optional(get('members'), (text) => readString(report, at('members'), text, { nonEmpty: true }));
  optional(get('live'), (measure) => checkMeasure(report, at('live'), measure));
  optional(get('expected'), (count) => checkCount(report, at('expected'), count, 'expected'));
  optional(get('expectedNote'), (text) => readString(report, at('expectedNote'), text));
}

function checkKOfN(report: Report, at: At, get: Get): void {
  optional(get('items'), (text) => readString(report, at('items'), text, { nonEmpty: true }));
  optional(get('healthy'), (measure) => checkMeasure(report, at('healthy'), measure));
  const total = optional(get('total'), (count) => checkCount(report, at('total'), count, 'total'));
  optional(get('totalNote'), (text) => readString(report, at('totalNote'), text));
  const ok = optional(get('okAtLeast'), (level) => readLevel(report, at('okAtLeast'), level));
  const warning = optional(get('warningAtLeast'), (level) => readLevel(report, at('warningAtLeast'), level));
  optional(get('noneExpected'), (mode) => readEnum(report, at('noneExpected'), mode, NONE_EXPECTED));
  checkLevels(report, at, { total, ok, warning });
}

/**
 * kOfN levels must be reachable and ordered: okAtLeast above 0 (ok with nothing healthy would call a
 * missing series ok), no count above a fixed total, and okAtLeast ≥ warningAtLeast, compared as they are
 * when both are counts or both percentages, else once resolved against a fixed total.
 */
function checkLevels(report: Report, at: At, levels: { total?: number; ok?: Level; warning?: Level }): void {
  const { total, ok, warning } = levels;
  if (ok !== undefined && levelValue(ok) === 0) {
    report.add(at('okAtLeast'), 'okAtLeast must be above 0 (ok with nothing healthy would hide a missing series)');
  }
  const beyondTotal = (name: string, level: Level | undefined): boolean => {
    if (total === undefined || typeof level !== 'number' || level <= total) {
      return false;
    }
    report.add(at(name), `${name} ${level} is above total ${total}: it can never be reached`);
    return true;
  };
  const okBeyond = beyondTotal('okAtLeast', ok);
  const warningBeyond = beyondTotal('warningAtLeast', warning);
  if (ok === undefined || warning === undefined || okBeyond || warningBeyond) {
    return;
  }
  const count = (level: Level): number | undefined =>
    typeof ok === typeof warning ? levelValue(level) : total === undefined ? undefined : resolveLevel(level, total);
  const [okCount, warningCount] = [count(ok), count(warning)];
  if (okCount !== undefined && warningCount !== undefined && okCount < warningCount) {
    report.add(at('okAtLeast'), `okAtLeast ${ok} is below warningAtLeast ${warning}`);
  }
}

/** A count (integer ≥ 0) or a percentage "N%" with 0 ≤ N ≤ 100. */
function readLevel(report: Report, path: string, value: unknown): Level | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return value;
  }
  if (typeof value === 'string' && PERCENTAGE.test(value) && levelValue(value as Level) <= 100) {
    return value as Level;
  }
  report.add(path, `expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got ${shown(value)}`);
  return undefined;
}

function levelValue(level: Level): number {
  return typeof level === 'number' ? level : Number(level.slice(0, -1));
}
