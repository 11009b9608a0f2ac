import type { Status } from './status';

/**
 * The cluster dependency model document (YAML or JSON). It is plain data: presets produce it, users may
 * write it, the validator checks it, the planner compiles it to PromQL and the evaluator judges the results.
 */
export interface ClusterModel {
  /** Shown in reasons and titles. */
  name?: string;
  /** How scrape jobs are observed; every check names one of them. */
  jobs: JobSpec[];
  components: ComponentSpec[];
}

/**
 * A Prometheus scrape job and what its `up` means.
 * - `member`: the target IS the member (a Docker engine's own metrics endpoint, a host's node_exporter).
 *   A failed scrape means that member is down.
 * - `exporter`: the target is a separate exporter in front of the component (consul_exporter,
 *   gluster_exporter). A failed scrape, or the exporter's own `<name>_up == 0`, means the component is
 *   not observed: its checks are `unknown`, not critical.
 */
export interface JobSpec {
  /** The value of the `job` label. */
  job: string;
  /** What the job's targets are, for reasons ("docker engine", "gluster_exporter"). */
  describes: string;
  role: 'member' | 'exporter';
  /** For exporters: the metric that says the exporter reached its component, e.g. `gluster_up`. */
  componentUpMetric?: string;
}

export type PropagationMode = 'asIs' | 'capWarning' | 'ignore';

export interface DependencySpec {
  id: string;
  /** How a failing dependency shows on this component: as it is (default), at most warning, or not at all. */
  propagation?: PropagationMode;
}

export interface ComponentSpec {
  /** Lower-case identifier, `[a-z][a-z0-9_-]*`; stable: dashboards and links use it. */
  id: string;
  name: string;
  /** A critical component that is `critical` makes the whole cluster critical; any other only warning. */
  critical: boolean;
  /** Components this one needs; a plain string means `{ id, propagation: 'asIs' }`. */
  dependsOn?: Array<string | DependencySpec>;
  checks: CheckSpec[];
  /** Where to look for details (a dashboard URL); the panel links tiles to it. */
  link?: string;
}

/**
 * A measured value. `expr` is PromQL returning ONE SERIES PER TARGET (keeping the `job` and `instance`
 * labels); the planner gates it on the target being up (`up == 1`, and for exporters
 * `<componentUpMetric> == 1`) so that stale samples of a dead target never count, then reduces it to
 * one number with `aggregate` inside Prometheus, so the response does not grow with the number of hosts.
 * `count` counts the series (0 when there are none); the others give no value when there are no series.
 * `distinctBy` counts or reduces over distinct values of a label first (e.g. Consul `member`, seen by
 * several exporters at once).
 */
export interface MeasureSpec {
  expr: string;
  aggregate: 'count' | 'sum' | 'max' | 'min' | 'avg';
  distinctBy?: string;
  /**
   * Skips the up-gate: only for expectations that must remember members that are down now
   * (e.g. managers seen in the last hour). Never for live values.
   */
  ungated?: boolean;
}

/** A level given as a number of members, or a percentage of the expected count (`"50%"`). */
export type Level = number | `${number}%`;

interface CheckBase {
  /** Unique within its component: `[a-z][a-z0-9_-]*`. */
  id: string;
  /** Short human description, used in reasons ("managers", "CPU busy"). */
  title: string;
  /** The scrape job whose targets produce the series, declared in `jobs`. */
  job: string;
}

/**
 * Threshold on a value, per instance (`aggregate` absent: every target judged on its own, the worst one
 * names the status) or aggregated across targets (`aggregate` set: one number judged).
 * `direction: 'above'` (default): value ≥ critical → critical, ≥ warning → warning, else ok.
 * `direction: 'below'`: value ≤ critical → critical, ≤ warning → warning.
 * No value at all → unknown ("no series").
 * Examples, CPU busy % with warning 85, critical 95: 84.9 → ok, 85 → warning, 95 → critical.
 * Free disk % `below` with warning 15, critical 5: 20 → ok, 15 → warning, 4 → critical.
 */
export interface ThresholdCheckSpec extends CheckBase {
  kind: 'threshold';
  expr: string;
  aggregate?: MeasureSpec['aggregate'];
  warning: number;
  /** Absent: this value alone is never critical (e.g. failed Weave connections: worth a look, not an outage). */
  critical?: number;
  direction?: 'above' | 'below';
  /** Appended to values in reasons, e.g. `%`. */
  unit?: string;
  /** Labels that name the offending series in reasons; default `instance`. */
  nameBy?: string[];
}

/**
 * Quorum of live members against an expected count n (Raft, Consul servers).
 * All n live → ok; at least ⌊n/2⌋+1 live → warning, with how many more failures it tolerates;
 * fewer → critical ("no quorum").
 * Examples, n = 3: 3 → ok "3/3 managers"; 2 → warning "2/3 managers, no further failure tolerated";
 * 1 → critical "1/3 managers: no quorum (2 needed)". n = 5: 4 → warning, tolerates 1 more; 3 → warning,
 * tolerates none; 2 → critical.
 * `expected` is a fixed number, or a measure when the operator did not give one (the reason says so).
 */
export interface QuorumCheckSpec extends CheckBase {
  kind: 'quorum';
  /** Plural noun for reasons, e.g. "managers". */
  members: string;
  live: MeasureSpec;
  expected: number | MeasureSpec;
  /** Why the expectation is what it is, when it was derived ("managers seen in the last hour"). */
  expectedNote?: string;
}

/**
 * Exactly one leader. 1 → ok; 0 → critical "no leader"; more than 1 → critical "split brain".
 * `leaders` counts the live members that claim leadership.
 */
export interface LeaderCheckSpec extends CheckBase {
  kind: 'leader';
  leaders: MeasureSpec;
  /** PromQL of the claimants, one series per live member claiming leadership, to name them. */
  claimants?: string;
}

/**
 * k of n healthy, by count or percentage (Checkmk BI `count_ok`, Zabbix "at least N% of children").
 * healthy ≥ okAtLeast (default: all of `total`) → ok; healthy ≥ warningAtLeast → warning; else critical.
 * Percentages are of `total` and rounded up: 3 hosts with warningAtLeast "50%" need 2.
 * Examples, 4 hosts, okAtLeast 4, warningAtLeast 2: 4 → ok, 3 → warning, 2 → warning, 1 → critical.
 * No value for `healthy` or `total` → unknown. total 0 → unknown ("nothing expected"), or ok with
 * `noneExpected: 'ok'` where having none is normal (a swarm that runs no service has no tasks).
 */
export interface KOfNCheckSpec extends CheckBase {
  kind: 'kOfN';
  /** Plural noun for reasons, e.g. "hosts". */
  items: string;
  healthy: MeasureSpec;
  total: number | MeasureSpec;
  totalNote?: string;
  okAtLeast?: Level;
  warningAtLeast: Level;
  noneExpected?: NoneExpected;
}

export const NONE_EXPECTED = ['unknown', 'ok'] as const;
export type NoneExpected = (typeof NONE_EXPECTED)[number];

/**
 * Presence: the expected series exist. At least `minSeries` (default 1) live series → ok; fewer →
 * unknown, naming what is missing. A missing series is never ok.
 */
export interface PresenceCheckSpec extends CheckBase {
  kind: 'presence';
  expr: string;
  minSeries?: number;
  /** What to do about it, appended to the reason when series are missing. */
  hint?: string;
}

export type CheckSpec = ThresholdCheckSpec | QuorumCheckSpec | LeaderCheckSpec | KOfNCheckSpec | PresenceCheckSpec;

export type CheckKind = CheckSpec['kind'];

/** One sample of an instant query: labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** What a check found, in the product's words. */
export interface CheckResult {
  id: string;
  kind: CheckKind;
  title: string;
  status: Status;
  reason: string;
  /** Live/expected counts, for rules that have them (quorum, kOfN). */
  live?: number;
  expected?: number;
  /** The judged value, for thresholds. */
  value?: number;
  /** Instances named by the check (offenders, claimants, lost members). */
  instances?: string[];
}

export interface ComponentResult {
  id: string;
  name: string;
  critical: boolean;
  /** Effective status: the worst of its own checks and what its dependencies propagate. */
  status: Status;
  /** The worst of its own checks alone. */
  ownStatus: Status;
  /** A dependency's failure made this component worse than its own checks say. */
  impacted: boolean;
  reason: string;
  /** The deepest failing component that explains this one's status (itself when it is the origin). */
  rootCause: string | null;
  dependsOn: string[];
  checks: CheckResult[];
  live?: number;
  expected?: number;
  link?: string;
}

export interface ClusterEvaluation {
  status: Status;
  reason: string;
  rootCause: string | null;
  components: ComponentResult[];
  /** Unix milliseconds of the instant evaluated. */
  evaluatedAt: number;
}
