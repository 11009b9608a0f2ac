import { stringify } from 'yaml';

import { parseModelDocument } from './load';
import { buildPreset, DEFAULT_PARAMS, PRESET_NAMES, type PresetParams } from './presets';
import { formatValidationError, validateModel } from './validate';

/** Documents under test are drafts: plain data that may be as wrong as a person's YAML. */
type Draft = Record<string, unknown>;

function aJob(overrides: Draft = {}): Draft {
  return { job: 'node', describes: 'node_exporter', role: 'member', ...overrides };
}

function anExporterJob(overrides: Draft = {}): Draft {
  return {
    job: 'consul',
    describes: 'consul_exporter',
    role: 'exporter',
    componentUpMetric: 'consul_up',
    ...overrides,
  };
}

function aMeasure(overrides: Draft = {}): Draft {
  return { expr: 'up == 1', aggregate: 'count', ...overrides };
}

function aThreshold(overrides: Draft = {}): Draft {
  return {
    kind: 'threshold',
    id: 'load',
    title: 'load',
    job: 'node',
    expr: 'node_load1',
    warning: 2,
    critical: 4,
    ...overrides,
  };
}

function aQuorum(overrides: Draft = {}): Draft {
  return {
    kind: 'quorum',
    id: 'managers',
    title: 'managers',
    job: 'node',
    members: 'managers',
    live: aMeasure(),
    expected: 3,
    ...overrides,
  };
}

function aLeader(overrides: Draft = {}): Draft {
  return { kind: 'leader', id: 'leader', title: 'leader', job: 'node', leaders: aMeasure(), ...overrides };
}

function aKOfN(overrides: Draft = {}): Draft {
  return {
    kind: 'kOfN',
    id: 'hosts',
    title: 'hosts',
    job: 'node',
    items: 'hosts',
    healthy: aMeasure(),
    total: 4,
    warningAtLeast: 2,
    ...overrides,
  };
}

function aPresence(overrides: Draft = {}): Draft {
  return { kind: 'presence', id: 'info', title: 'info', job: 'node', expr: 'node_uname_info', ...overrides };
}

function aComponent(overrides: Draft = {}): Draft {
  return { id: 'hosts', name: 'Hosts', critical: false, checks: [aPresence()], ...overrides };
}

function aModel(overrides: Draft = {}): Draft {
  return { jobs: [aJob()], components: [aComponent()], ...overrides };
}

/** A model whose only component has this one check: its path is `components[0].checks[0]`. */
function withCheck(check: Draft): Draft {
  return aModel({ jobs: [aJob(), anExporterJob()], components: [aComponent({ checks: [check] })] });
}

/** Components a, b, c… each depending on what the table says. */
function withDependencies(dependsOn: Record<string, unknown[]>): Draft {
  return aModel({
    components: Object.entries(dependsOn).map(([id, deps]) => aComponent({ id, name: id, dependsOn: deps })),
  });
}

function errorsOf(input: unknown): string[] {
  return validateModel(input).errors.map(formatValidationError);
}

const ALL_COUNTS: PresetParams = {
  ...DEFAULT_PARAMS,
  managers: 3,
  hosts: 5,
  consulServers: 3,
  glusterPeers: 3,
  weavePeers: 5,
};

describe('validateModel: valid models', () => {
  it.each(
    PRESET_NAMES.flatMap((name) => [
      [name, 'default parameters', DEFAULT_PARAMS] as const,
      [name, 'all counts set', ALL_COUNTS] as const,
    ])
  )('preset %s with %s validates (every preset PromQL expression parses)', (name, _label, params) => {
    const model = buildPreset(name, params);
    expect(errorsOf(model)).toEqual([]);
    expect(validateModel(model)).toEqual({ valid: true, model, errors: [] });
  });

  it.each([
    ['the minimal model', aModel()],
    [
      'a threshold with every option',
      withCheck(
        aThreshold({
          aggregate: 'max',
          direction: 'below',
          warning: 15,
          critical: 5,
          unit: '%',
          nameBy: ['instance', 'mountpoint'],
        })
      ),
    ],
    ['a threshold without critical', withCheck(aThreshold({ critical: undefined }))],
    [
      'a threshold with warning equal to critical',
      withCheck(aThreshold({ warning: 0, critical: 0, direction: 'below' })),
    ],
    [
      'a quorum with a measured expectation',
      withCheck(aQuorum({ expected: aMeasure({ ungated: true, distinctBy: 'member' }), expectedNote: 'seen' })),
    ],
    ['a leader with claimants', withCheck(aLeader({ claimants: 'swarm_manager_leader == 1' }))],
    ['a kOfN with percentages', withCheck(aKOfN({ okAtLeast: '100%', warningAtLeast: '50%' }))],
    ['a kOfN with decimal percentages', withCheck(aKOfN({ okAtLeast: '66.67%', warningAtLeast: '33.3%' }))],
    [
      'a kOfN with a measured total',
      withCheck(aKOfN({ total: aMeasure({ aggregate: 'max' }), totalNote: 'n', okAtLeast: 3, warningAtLeast: 0 })),
    ],
    ['a kOfN that is ok when nothing is expected', withCheck(aKOfN({ noneExpected: 'ok' }))],
    ['a kOfN with mixed levels that agree on the total', withCheck(aKOfN({ okAtLeast: 3, warningAtLeast: '50%' }))],
    ['a presence with minSeries and hint', withCheck(aPresence({ minSeries: 3, hint: 'scrape it' }))],
    ['a check on an exporter job', withCheck(aPresence({ job: 'consul' }))],
    ['a chain a → b → c', withDependencies({ a: ['b'], b: ['c'], c: [] })],
    ['a diamond a → b, c → d', withDependencies({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] })],
    [
      'dependencies with propagation',
      withDependencies({
        a: [{ id: 'b', propagation: 'capWarning' }, { id: 'c' }],
        b: [{ id: 'c', propagation: 'ignore' }],
        c: [],
      }),
    ],
    ['a model name', aModel({ name: 'Production' })],
    ['an https link', aModel({ components: [aComponent({ link: 'https://grafana.example/d/abc?var-x=1' })] })],
    ['a path link', aModel({ components: [aComponent({ link: '/d/abc/hosts' })] })],
    [
      'ids with digits, _ and -',
      aModel({ components: [aComponent({ id: 'a1_b-c', checks: [aPresence({ id: 'x9_y-z' })] })] }),
    ],
  ])('%s', (_title, input) => {
    expect(errorsOf(input)).toEqual([]);
  });
});

/** Paths of every PromQL string in a JSON value (`expr` of checks and measures, `claimants`). */
function promqlPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) {
    return value.flatMap((child, index) => promqlPaths(child, [...path, index]));
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) =>
    (key === 'expr' || key === 'claimants') && typeof child === 'string'
      ? [[...path, key]]
      : promqlPaths(child, [...path, key])
  );
}

function withValueAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  let parent: unknown = copy;
  path.slice(0, -1).forEach((key) => {
    parent = (parent as Record<string | number, unknown>)[key];
  });
  (parent as Record<string | number, unknown>)[path[path.length - 1] ?? ''] = replacement;
  return copy;
}

describe('validateModel: every preset expression is judged', () => {
  it.each(PRESET_NAMES)('breaking any one PromQL expression of %s is reported at its path', (name) => {
    const model = buildPreset(name, ALL_COUNTS);
    const paths = promqlPaths(model);
    expect(paths.length).toBeGreaterThan(25);
    for (const path of paths) {
      const where = path
        .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
        .join('')
        .slice(1);
      expect(errorsOf(withValueAt(model, path, 'sum('))).toEqual([
        `${where}: PromQL syntax error at offset 4 near "sum("`,
      ]);
    }
  });
});

describe('validateModel: errors', () => {
  it.each([
    // The document
    ['a string', 'jobs: []', 'expected a model with jobs and components (an object), got a string'],
    ['null', null, 'expected a model with jobs and components (an object), got null'],
    ['an array', [aModel()], 'expected a model with jobs and components (an object), got an array'],
    ['missing jobs', aModel({ jobs: undefined }), 'jobs: required field is missing'],
    ['jobs not a list', aModel({ jobs: { node: aJob() } }), 'jobs: expected a list, got object'],
    ['no components', aModel({ components: [] }), 'components: a model needs at least one component'],
    [
      'a typo at the top',
      { jobs: [aJob()], component: [aComponent()], components: [aComponent()] },
      'component: unknown field "component", did you mean "components"?',
    ],
    ['a name that is not a string', aModel({ name: 42 }), 'name: expected a string, got a number'],
    // Jobs
    [
      'a job without describes',
      aModel({ jobs: [aJob({ describes: undefined })] }),
      'jobs[0].describes: required field is missing',
    ],
    ['an empty job name', aModel({ jobs: [aJob({ job: '' }), aJob()] }), 'jobs[0].job: must not be empty'],
    [
      'an unknown role',
      aModel({ jobs: [aJob({ role: 'target' })] }),
      'jobs[0].role: expected one of member, exporter, got "target"',
    ],
    [
      'an exporter without componentUpMetric',
      aModel({ jobs: [aJob(), anExporterJob({ componentUpMetric: undefined })] }),
      "jobs[1].componentUpMetric: an exporter job needs componentUpMetric, the exporter's own up metric (e.g. gluster_up)",
    ],
    [
      'a componentUpMetric that is no metric name',
      aModel({ jobs: [aJob(), anExporterJob({ componentUpMetric: 'consul-up' })] }),
      'jobs[1].componentUpMetric: "consul-up" is not a valid metric name',
    ],
    [
      'a member with componentUpMetric',
      aModel({ jobs: [aJob({ componentUpMetric: 'node_up' })] }),
      'jobs[0].componentUpMetric: only exporter jobs have a componentUpMetric (a member target is the component itself)',
    ],
    [
      'a duplicate job',
      aModel({ jobs: [aJob(), anExporterJob(), aJob({ describes: 'again' })] }),
      'jobs[2].job: duplicate job "node" (first at jobs[0])',
    ],
    [
      'a typo in a job',
      aModel({ jobs: [aJob({ roles: 'member' })] }),
      'jobs[0].roles: unknown field "roles", did you mean "role"?',
    ],
    // Components
    [
      'a component that is not an object',
      aModel({ components: ['hosts'] }),
      'components[0]: expected a component (an object), got a string',
    ],
    [
      'dependOn instead of dependsOn',
      aModel({ components: [aComponent({ dependOn: [] })] }),
      'components[0].dependOn: unknown field "dependOn", did you mean "dependsOn"?',
    ],
    [
      'an unknown component field',
      aModel({ components: [aComponent({ colour: 'red' })] }),
      'components[0].colour: unknown field "colour" (known: id, name, critical, dependsOn, checks, link)',
    ],
    [
      'an upper-case id',
      aModel({ components: [aComponent({ id: 'Swarm' })] }),
      'components[0].id: "Swarm" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)',
    ],
    [
      'an id with a slash',
      aModel({ components: [aComponent({ id: 'swarm/raft' })] }),
      'components[0].id: "swarm/raft" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)',
    ],
    [
      'an id starting with a digit',
      aModel({ components: [aComponent({ id: '1swarm' })] }),
      'components[0].id: "1swarm" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)',
    ],
    [
      'a missing id',
      aModel({ components: [aComponent({ id: undefined })] }),
      'components[0].id: required field is missing',
    ],
    [
      'a duplicate component id',
      aModel({
        components: [
          aComponent(),
          aComponent({ id: 'swarm' }),
          aComponent({ id: 'docker' }),
          aComponent({ id: 'swarm' }),
        ],
      }),
      'components[3].id: duplicate component id "swarm" (first at components[1])',
    ],
    ['an empty name', aModel({ components: [aComponent({ name: ' ' })] }), 'components[0].name: must not be empty'],
    [
      'critical as a string',
      aModel({ components: [aComponent({ critical: 'yes' })] }),
      'components[0].critical: expected true or false, got a string',
    ],
    [
      'no checks',
      aModel({ components: [aComponent({ checks: [] })] }),
      'components[0].checks: a component needs at least one check (with none it observes nothing)',
    ],
    [
      'checks missing',
      aModel({ components: [aComponent({ checks: undefined })] }),
      'components[0].checks: required field is missing',
    ],
    [
      'a javascript: link',
      aModel({ components: [aComponent({ link: 'javascript:alert(1)' })] }),
      'components[0].link: "javascript:alert(1)" is not a valid link (an http(s) URL or a path starting with /)',
    ],
    [
      'a protocol-relative link',
      aModel({ components: [aComponent({ link: '//evil.example/x' })] }),
      'components[0].link: "//evil.example/x" is not a valid link (an http(s) URL or a path starting with /)',
    ],
    [
      'a relative link',
      aModel({ components: [aComponent({ link: 'd/abc' })] }),
      'components[0].link: "d/abc" is not a valid link (an http(s) URL or a path starting with /)',
    ],
    [
      'a link with spaces',
      aModel({ components: [aComponent({ link: 'https://x.example/a b' })] }),
      'components[0].link: "https://x.example/a b" is not a valid link (an http(s) URL or a path starting with /)',
    ],
    // Dependencies
    [
      'an unknown dependency',
      withDependencies({ a: [], b: ['a'], c: ['consul'] }),
      'components[2].dependsOn[0]: unknown component "consul"',
    ],
    [
      'an unknown dependency object',
      withDependencies({ a: [{ id: 'consul' }] }),
      'components[0].dependsOn[0]: unknown component "consul"',
    ],
    [
      'a self-dependency',
      withDependencies({ docker: [], swarm: ['docker', 'swarm'] }),
      'components[1].dependsOn[1]: a component cannot depend on itself ("swarm")',
    ],
    [
      'a duplicate dependency',
      withDependencies({ a: ['b', { id: 'b' }], b: [] }),
      'components[0].dependsOn[1]: duplicate dependency "b"',
    ],
    [
      'an unknown propagation',
      withDependencies({ a: [{ id: 'b', propagation: 'cap' }], b: [] }),
      'components[0].dependsOn[0].propagation: expected one of asIs, capWarning, ignore, got "cap"',
    ],
    [
      'a kOfN with an unknown noneExpected',
      withCheck(aKOfN({ noneExpected: 'green' as 'ok' })),
      'components[0].checks[0].noneExpected: expected one of unknown, ok, got "green"',
    ],
    [
      'a dependency object without id',
      withDependencies({ a: [{ propagation: 'asIs' }], b: [] }),
      'components[0].dependsOn[0].id: required field is missing',
    ],
    [
      'a dependency that is a number',
      withDependencies({ a: [7], b: [] }),
      'components[0].dependsOn[0]: expected a component id or { id, propagation } (an object), got a number',
    ],
    [
      'dependsOn not a list',
      withDependencies({ a: 'b' as unknown as unknown[], b: [] }),
      'components[0].dependsOn: expected a list, got a string',
    ],
    // Cycles
    [
      'a 2-cycle',
      withDependencies({ docker: ['swarm'], swarm: ['docker'] }),
      'components[1].dependsOn[0]: dependency cycle swarm → docker → swarm',
    ],
    [
      'a 3-cycle',
      withDependencies({ a: ['b'], b: ['c'], c: ['a'] }),
      'components[2].dependsOn[0]: dependency cycle c → a → b → c',
    ],
    [
      'a cycle through an ignored edge',
      withDependencies({ a: [{ id: 'b', propagation: 'ignore' }], b: ['a'] }),
      'components[1].dependsOn[0]: dependency cycle b → a → b',
    ],
    [
      'a cycle below an acyclic root',
      withDependencies({ root: ['x'], x: ['y'], y: ['x'] }),
      'components[2].dependsOn[0]: dependency cycle y → x → y',
    ],
    // Checks
    [
      'a check that is not an object',
      withCheck('presence' as unknown as Draft),
      'components[0].checks[0]: expected a check (an object), got a string',
    ],
    [
      'an unknown kind',
      withCheck(aPresence({ kind: 'treshold' })),
      'components[0].checks[0].kind: expected one of threshold, quorum, leader, kOfN, presence, got "treshold"',
    ],
    [
      'a missing kind',
      withCheck(aPresence({ kind: undefined })),
      'components[0].checks[0].kind: required field is missing',
    ],
    [
      'a bad check id',
      withCheck(aPresence({ id: 'Info' })),
      'components[0].checks[0].id: "Info" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)',
    ],
    [
      'a duplicate check id',
      aModel({ components: [aComponent({ checks: [aPresence(), aThreshold(), aPresence({ expr: 'up' })] })] }),
      'components[0].checks[2].id: duplicate check id "info" (first at components[0].checks[0])',
    ],
    [
      'an unknown job',
      withCheck(aPresence({ job: 'nodes' })),
      'components[0].checks[0].job: unknown job "nodes": declare it in jobs',
    ],
    ['an empty title', withCheck(aPresence({ title: '' })), 'components[0].checks[0].title: must not be empty'],
    [
      'a field of another kind',
      withCheck(aThreshold({ minSeries: 1 })),
      'components[0].checks[0].minSeries: unknown field "minSeries" (known: kind, id, title, job, expr, aggregate, warning, critical, direction, unit, nameBy)',
    ],
    [
      'a typo in a kOfN',
      withCheck(aKOfN({ warningAtleast: 1 })),
      'components[0].checks[0].warningAtleast: unknown field "warningAtleast", did you mean "warningAtLeast"?',
    ],
    // Thresholds
    [
      'a threshold without warning',
      withCheck(aThreshold({ warning: undefined })),
      'components[0].checks[0].warning: required field is missing',
    ],
    [
      'a warning given as a string',
      withCheck(aThreshold({ warning: '85' })),
      'components[0].checks[0].warning: expected a finite number, got a string',
    ],
    [
      'an infinite critical',
      withCheck(aThreshold({ critical: Infinity })),
      'components[0].checks[0].critical: expected a finite number, got Infinity',
    ],
    [
      'a NaN warning',
      withCheck(aThreshold({ warning: NaN })),
      'components[0].checks[0].warning: expected a finite number, got NaN',
    ],
    [
      'critical below warning, above',
      withCheck(aThreshold({ warning: 95, critical: 85 })),
      'components[0].checks[0].critical: critical 85 is below warning 95 (direction above needs warning ≤ critical)',
    ],
    [
      'critical above warning, below',
      withCheck(aThreshold({ direction: 'below', warning: 5, critical: 15 })),
      'components[0].checks[0].critical: critical 15 is above warning 5 (direction below needs warning ≥ critical)',
    ],
    [
      'an unknown direction',
      withCheck(aThreshold({ direction: 'up' })),
      'components[0].checks[0].direction: expected one of above, below, got "up"',
    ],
    [
      'an unknown aggregate',
      withCheck(aThreshold({ aggregate: 'median' })),
      'components[0].checks[0].aggregate: expected one of count, sum, max, min, avg, got "median"',
    ],
    [
      'an empty nameBy',
      withCheck(aThreshold({ nameBy: [] })),
      'components[0].checks[0].nameBy: name at least one label',
    ],
    [
      'a bad label in nameBy',
      withCheck(aThreshold({ nameBy: ['instance', 'mount-point'] })),
      'components[0].checks[0].nameBy[1]: "mount-point" is not a valid label name',
    ],
    [
      'a unit that is a number',
      withCheck(aThreshold({ unit: 1 })),
      'components[0].checks[0].unit: expected a string, got a number',
    ],
    // Quorum
    [
      'expected 0',
      withCheck(aQuorum({ expected: 0 })),
      'components[0].checks[0].expected: expected must be an integer ≥ 1, got 0',
    ],
    [
      'expected 2.5',
      withCheck(aQuorum({ expected: 2.5 })),
      'components[0].checks[0].expected: expected must be an integer ≥ 1, got 2.5',
    ],
    [
      'expected negative',
      withCheck(aQuorum({ expected: -3 })),
      'components[0].checks[0].expected: expected must be an integer ≥ 1, got -3',
    ],
    [
      'expected as a string',
      withCheck(aQuorum({ expected: '3' })),
      'components[0].checks[0].expected: expected a number or a measure { expr, aggregate }, got a string',
    ],
    [
      'a live measure without aggregate',
      withCheck(aQuorum({ live: aMeasure({ aggregate: undefined }) })),
      'components[0].checks[0].live.aggregate: required field is missing',
    ],
    [
      'a live measure that is a string',
      withCheck(aQuorum({ live: 'up == 1' })),
      'components[0].checks[0].live: expected a measure { expr, aggregate } (an object), got a string',
    ],
    [
      'a measured expectation with a typo',
      withCheck(aQuorum({ expected: aMeasure({ ungate: true }) })),
      'components[0].checks[0].expected.ungate: unknown field "ungate", did you mean "ungated"?',
    ],
    [
      'a bad distinctBy',
      withCheck(aQuorum({ live: aMeasure({ distinctBy: 'a b' }) })),
      'components[0].checks[0].live.distinctBy: "a b" is not a valid label name',
    ],
    [
      'ungated as a string',
      withCheck(aQuorum({ live: aMeasure({ ungated: 'true' }) })),
      'components[0].checks[0].live.ungated: expected true or false, got a string',
    ],
    [
      'no members',
      withCheck(aQuorum({ members: undefined })),
      'components[0].checks[0].members: required field is missing',
    ],
    // Leader
    [
      'a leader without leaders',
      withCheck(aLeader({ leaders: undefined })),
      'components[0].checks[0].leaders: required field is missing',
    ],
    // kOfN
    ['total 0', withCheck(aKOfN({ total: 0 })), 'components[0].checks[0].total: total must be an integer ≥ 1, got 0'],
    [
      'total 1.5',
      withCheck(aKOfN({ total: 1.5, warningAtLeast: 1 })),
      'components[0].checks[0].total: total must be an integer ≥ 1, got 1.5',
    ],
    [
      'a percentage above 100',
      withCheck(aKOfN({ warningAtLeast: '150%' })),
      'components[0].checks[0].warningAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got "150%"',
    ],
    [
      'a percentage without %',
      withCheck(aKOfN({ warningAtLeast: '50' })),
      'components[0].checks[0].warningAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got "50"',
    ],
    [
      'a negative percentage',
      withCheck(aKOfN({ warningAtLeast: '-5%' })),
      'components[0].checks[0].warningAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got "-5%"',
    ],
    [
      'a fractional count',
      withCheck(aKOfN({ warningAtLeast: 1.5 })),
      'components[0].checks[0].warningAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got 1.5',
    ],
    [
      'a negative count',
      withCheck(aKOfN({ warningAtLeast: -1 })),
      'components[0].checks[0].warningAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got -1',
    ],
    [
      'a boolean level',
      withCheck(aKOfN({ okAtLeast: true })),
      'components[0].checks[0].okAtLeast: expected a count (an integer ≥ 0) or a percentage from "0%" to "100%", got a boolean',
    ],
    [
      'okAtLeast below warningAtLeast',
      withCheck(aKOfN({ okAtLeast: 2, warningAtLeast: 3 })),
      'components[0].checks[0].okAtLeast: okAtLeast 2 is below warningAtLeast 3',
    ],
    [
      'okAtLeast below warningAtLeast, percentages',
      withCheck(aKOfN({ okAtLeast: '50%', warningAtLeast: '75%' })),
      'components[0].checks[0].okAtLeast: okAtLeast 50% is below warningAtLeast 75%',
    ],
    [
      'okAtLeast below warningAtLeast of the total',
      withCheck(aKOfN({ total: 4, okAtLeast: '25%', warningAtLeast: 2 })),
      'components[0].checks[0].okAtLeast: okAtLeast 25% is below warningAtLeast 2',
    ],
    [
      'okAtLeast 0',
      withCheck(aKOfN({ okAtLeast: 0, warningAtLeast: 0 })),
      'components[0].checks[0].okAtLeast: okAtLeast must be above 0 (ok with nothing healthy would hide a missing series)',
    ],
    [
      'okAtLeast "0%"',
      withCheck(aKOfN({ okAtLeast: '0%', warningAtLeast: '0%' })),
      'components[0].checks[0].okAtLeast: okAtLeast must be above 0 (ok with nothing healthy would hide a missing series)',
    ],
    [
      'warningAtLeast above the total',
      withCheck(aKOfN({ total: 4, warningAtLeast: 5, okAtLeast: '100%' })),
      'components[0].checks[0].warningAtLeast: warningAtLeast 5 is above total 4: it can never be reached',
    ],
    [
      'okAtLeast above the total',
      withCheck(aKOfN({ total: 4, okAtLeast: 6 })),
      'components[0].checks[0].okAtLeast: okAtLeast 6 is above total 4: it can never be reached',
    ],
    [
      'a kOfN without warningAtLeast',
      withCheck(aKOfN({ warningAtLeast: undefined })),
      'components[0].checks[0].warningAtLeast: required field is missing',
    ],
    // Presence
    [
      'minSeries 0',
      withCheck(aPresence({ minSeries: 0 })),
      'components[0].checks[0].minSeries: minSeries must be an integer ≥ 1, got 0',
    ],
    [
      'minSeries 1.5',
      withCheck(aPresence({ minSeries: 1.5 })),
      'components[0].checks[0].minSeries: minSeries must be an integer ≥ 1, got 1.5',
    ],
    [
      'minSeries as a string',
      withCheck(aPresence({ minSeries: '2' })),
      'components[0].checks[0].minSeries: minSeries must be an integer ≥ 1, got a string',
    ],
    // PromQL
    [
      'an empty expression',
      withCheck(aPresence({ expr: '' })),
      'components[0].checks[0].expr: empty PromQL expression',
    ],
    [
      'a blank expression',
      withCheck(aPresence({ expr: '  \n' })),
      'components[0].checks[0].expr: empty PromQL expression',
    ],
    [
      'an expression that is not a string',
      withCheck(aPresence({ expr: 3 })),
      'components[0].checks[0].expr: expected a string, got a number',
    ],
    [
      'a dangling operator',
      withCheck(aThreshold({ expr: 'sum(rate(x[5m])) == )' })),
      'components[0].checks[0].expr: PromQL syntax error at offset 20 near "m])) == )"',
    ],
    [
      'an unclosed selector',
      withCheck(aPresence({ expr: 'up{job="node"' })),
      'components[0].checks[0].expr: PromQL syntax error at offset 13 near "b=\\"node\\""',
    ],
    [
      'an unclosed call',
      withCheck(aThreshold({ expr: 'rate(x[5m]' })),
      'components[0].checks[0].expr: PromQL syntax error at offset 10 near "te(x[5m]"',
    ],
    [
      'a bad measure expression',
      withCheck(aQuorum({ live: aMeasure({ expr: 'up ==' }) })),
      'components[0].checks[0].live.expr: PromQL syntax error at offset 5 near "up =="',
    ],
    [
      'bad claimants',
      withCheck(aLeader({ claimants: 'x and' })),
      'components[0].checks[0].claimants: PromQL syntax error at offset 5 near "x and"',
    ],
    [
      'an empty measured total',
      withCheck(aKOfN({ total: aMeasure({ expr: '' }) })),
      'components[0].checks[0].total.expr: empty PromQL expression',
    ],
  ])('%s', (_title, input, expected) => {
    expect(errorsOf(input)).toEqual([expected]);
  });

  it('collects every error, not only the first', () => {
    const model = aModel({
      jobs: [aJob({ role: 'target' })],
      components: [
        aComponent({ id: 'A', dependsOn: ['consul'], checks: [aThreshold({ job: 'x', warning: 9, critical: 1 })] }),
        aComponent({ checks: [] }),
      ],
    });
    expect(errorsOf(model)).toEqual([
      'jobs[0].role: expected one of member, exporter, got "target"',
      'components[0].id: "A" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)',
      'components[0].dependsOn[0]: unknown component "consul"',
      'components[0].checks[0].job: unknown job "x": declare it in jobs',
      'components[0].checks[0].critical: critical 1 is below warning 9 (direction above needs warning ≤ critical)',
      'components[1].checks: a component needs at least one check (with none it observes nothing)',
    ]);
  });

  it('reports every cycle of a graph once per closing edge', () => {
    const errors = errorsOf(withDependencies({ a: ['b'], b: ['a', 'c'], c: ['d'], d: ['c'] }));
    expect(errors).toEqual([
      'components[1].dependsOn[0]: dependency cycle b → a → b',
      'components[3].dependsOn[0]: dependency cycle d → c → d',
    ]);
  });
});

describe('validateModel: hostile input', () => {
  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['a function', () => aModel()],
    ['a symbol', Symbol('model')],
    ['a Date', new Date(0)],
    ['a Map', new Map([['jobs', []]])],
    ['a null-prototype object', Object.assign(Object.create(null), aModel({ components: 'x' }))],
    [
      'a throwing proxy',
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('no');
          },
          getPrototypeOf: () => {
            throw new Error('no');
          },
        }
      ),
    ],
  ])('never throws on %s and reports it', (_title, input) => {
    const result = validateModel(input);
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('treats __proto__ and constructor keys as unknown fields, without touching prototypes', () => {
    const input = JSON.parse('{"jobs": [], "components": [], "__proto__": {"valid": true}, "constructor": 1}');
    expect(errorsOf(input)).toEqual([
      '__proto__: unknown field "__proto__" (known: name, jobs, components)',
      'constructor: unknown field "constructor" (known: name, jobs, components)',
      'components: a model needs at least one component',
    ]);
    expect(({} as Record<string, unknown>).valid).toBeUndefined();
  });

  it('names odd keys by quoting them', () => {
    expect(errorsOf(aModel({ 'a b': 1 }))).toEqual(['["a b"]: unknown field "a b" (known: name, jobs, components)']);
  });

  it('ignores how deep an unexpected value is nested', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) {
      deep = { deeper: deep };
    }
    expect(errorsOf(aModel({ name: deep }))).toEqual(['name: expected a string, got object']);
  });

  it('caps the number of errors of a huge document', () => {
    const errors = validateModel(aModel({ components: new Array(100_000).fill(7) })).errors;
    expect(errors).toHaveLength(201);
    expect(errors[0]).toEqual({ path: 'components', message: 'at most 2000 components, got 100000' });
    expect(errors[200]).toEqual({ path: '', message: '99801 more errors not shown' });
  });

  it.each([
    [2000, []],
    [2001, ['components: at most 2000 components, got 2001']],
  ])('accepts at most 2000 components (%i)', (count, expected) => {
    const components = Array.from({ length: count }, (_, i) =>
      aComponent({ id: `c${i}`, dependsOn: i > 0 ? [`c${i - 1}`] : [] })
    );
    expect(errorsOf(aModel({ components }))).toEqual(expected);
  });

  it('finds a cycle closing a chain of 20 000 components without recursion', () => {
    const count = 20_000;
    const components = Array.from({ length: count }, (_, i) =>
      aComponent({ id: `c${i}`, dependsOn: [`c${(i + 1) % count}`] })
    );
    const errors = errorsOf(aModel({ components }));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('components: at most 2000 components, got 20000');
    expect(errors[1]).toMatch(
      /^components\[19999\]\.dependsOn\[0\]: dependency cycle c19999 → c0 → c1 → .* → c19998 → c19999$/
    );
  });

  it('cuts long strings short in messages', () => {
    const [error] = errorsOf(aModel({ components: [aComponent({ id: 'X'.repeat(10_000) })] }));
    expect(error).toBe(
      `components[0].id: "${'X'.repeat(60)}…" is not a valid id (a lower-case letter, then a-z, 0-9, _ or -)`
    );
  });
});

describe('formatValidationError', () => {
  it.each([
    [
      { path: 'components[2].dependsOn[0]', message: 'unknown component "consul"' },
      'components[2].dependsOn[0]: unknown component "consul"',
    ],
    [{ path: '', message: 'the model document is empty' }, 'the model document is empty'],
  ])('%j → %s', (error, text) => {
    expect(formatValidationError(error)).toBe(text);
  });
});

describe('parseModelDocument', () => {
  it.each(PRESET_NAMES)('reads preset %s back from its YAML and its JSON', (name) => {
    const model = buildPreset(name, ALL_COUNTS);
    expect(parseModelDocument(stringify(model))).toEqual({ model, errors: [] });
    expect(parseModelDocument(JSON.stringify(model, null, 2), 'json')).toEqual({ model, errors: [] });
  });

  it('reads a hand-written YAML model', () => {
    const text = [
      'name: lab',
      'jobs:',
      '  - { job: node, describes: node_exporter, role: member }',
      'components:',
      '  - id: hosts',
      '    name: Hosts',
      '    critical: false',
      '    checks:',
      '      - kind: kOfN',
      '        id: up',
      '        title: hosts up',
      '        job: node',
      '        items: hosts',
      '        healthy: { expr: "up == 1", aggregate: count }',
      '        total: 3',
      '        warningAtLeast: 50%',
    ].join('\n');
    const { model, errors } = parseModelDocument(text);
    expect(errors).toEqual([]);
    expect(model?.components[0]?.checks[0]).toMatchObject({ kind: 'kOfN', warningAtLeast: '50%', total: 3 });
  });

  it.each([
    [
      'an unclosed flow sequence',
      'jobs: [\ncomponents: []\n',
      undefined,
      'line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a bad indentation',
      'jobs:\n  - job: x\n   role: member\ncomponents: []',
      undefined,
      'line 3, column 1: Sequence item without - indicator',
    ],
    ['a duplicate key', 'jobs: []\ncomponents: []\njobs: []', undefined, 'line 3, column 1: Map keys must be unique'],
    [
      'two documents',
      'jobs: []\n---\ncomponents: []',
      undefined,
      'line 2, column 1: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ],
    [
      'a bare word in JSON',
      '{"jobs": [], "components": [{"id": hosts}]}',
      'json' as const,
      'line 1, column 36: Unresolved plain scalar "hosts"',
    ],
    [
      'an unresolved alias',
      'jobs: *nothing\ncomponents: []',
      undefined,
      'Unresolved alias (the anchor must be set before the alias): nothing',
    ],
    ['an empty document', '  \n', undefined, 'the model document is empty'],
    ['a model error', 'jobs: []\ncomponents: []', undefined, 'components: a model needs at least one component'],
    ['a scalar document', 'hello', undefined, 'expected a model with jobs and components (an object), got a string'],
  ])('reports %s', (_title, text, hint, expected) => {
    const result = parseModelDocument(text, hint);
    expect(result.model).toBeUndefined();
    expect(result.errors.map(formatValidationError)).toEqual([expected]);
  });

  it('survives an alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`
      );
    }
    const result = parseModelDocument(lines.join('\n'));
    expect(result.model).toBeUndefined();
    expect(result.errors).toHaveLength(1);
  });
});
