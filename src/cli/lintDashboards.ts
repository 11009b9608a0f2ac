import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from './main';
import { queryInstant } from './prometheus';
import { judgeShape, MAX_SERIES, substituteVariables } from './promqlShape';

/** At most this many graphs per dashboard, and this many queries per graph: the six-graph rule. */
export const MAX_GRAPHS = 6;
export const MAX_QUERIES = 6;

/** Panel types that draw series over time or a distribution: the ones the six-graph rule counts. */
export const GRAPH_TYPES: readonly string[] = [
  'timeseries',
  'graph',
  'barchart',
  'heatmap',
  'histogram',
  'state-timeline',
  'status-history',
  'trend',
  'xychart',
  'candlestick',
];

export type Rule =
  'too-many-graphs' | 'too-many-queries' | 'unbounded-query' | 'invalid-promql' | 'too-many-series' | 'query-failed';

export interface PanelRef {
  id: number | string | null;
  title: string;
}

export interface Finding {
  file: string;
  dashboard: string;
  /** null for dashboard-level findings. */
  panel: PanelRef | null;
  rule: Rule;
  message: string;
}

/** Something the linter could not judge (a library panel, a query with an unknown variable): no finding. */
export interface NotChecked {
  file: string;
  dashboard: string;
  panel: PanelRef | null;
  message: string;
}

export interface GraphQuery {
  refId: string;
  /** The PromQL with template variables substituted. */
  expr: string;
  /** Runnable against Prometheus: parses and has no variable without a value. */
  runnable: boolean;
}

export interface Graph {
  panel: PanelRef;
  queries: GraphQuery[];
}

export interface DashboardLint {
  file: string;
  title: string;
  graphs: Graph[];
  findings: Finding[];
  notChecked: NotChecked[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDashboard(value: unknown): value is Json {
  return isRecord(value) && (Array.isArray(value.panels) || Array.isArray(value.rows));
}

/**
 * A dashboard from a file's text: a bare dashboard JSON (with `panels`, or the pre-5.0 `rows`) or the
 * API/export wrapper `{ "dashboard": {…} }`. Anything else is an error in words.
 */
export function parseDashboard(text: string): { ok: true; dashboard: Json } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (isDashboard(json)) {
    return { ok: true, dashboard: json };
  }
  if (isRecord(json) && isDashboard(json.dashboard)) {
    return { ok: true, dashboard: json.dashboard };
  }
  return { ok: false, error: 'not a Grafana dashboard (no "panels" or "rows", nor a "dashboard" wrapping them)' };
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Every panel, depth first: top-level panels, the panels of collapsed rows, and pre-5.0 `rows[].panels`. */
export function flattenPanels(dashboard: Json): Json[] {
  const walk = (panels: Json[]): Json[] => panels.flatMap((panel) => [panel, ...walk(records(panel.panels))]);
  return [...walk(records(dashboard.panels)), ...records(dashboard.rows).flatMap((row) => walk(records(row.panels)))];
}

function panelRef(panel: Json): PanelRef {
  const id = typeof panel.id === 'number' || typeof panel.id === 'string' ? panel.id : null;
  const title = typeof panel.title === 'string' && panel.title.trim() !== '' ? panel.title : '(untitled)';
  return { id, title };
}

/** The datasource type of a target or panel, when it says: `{ type: 'loki' }`, `-- Grafana --`, … */
function datasourceType(value: unknown): string | undefined {
  if (isRecord(value) && typeof value.type === 'string') {
    return value.type;
  }
  if (value === '-- Grafana --' || value === '-- Dashboard --') {
    return 'grafana';
  }
  return undefined;
}

/** PromQL of a target: an `expr`, unless its datasource (or the panel's) is known to be something else. */
function promqlOf(target: Json, panel: Json): string | undefined {
  if (typeof target.expr !== 'string' || target.expr.trim() === '') {
    return undefined;
  }
  const type = datasourceType(target.datasource) ?? datasourceType(panel.datasource);
  return type === undefined || type === 'datasource' || type.includes('prometheus') ? target.expr : undefined;
}

/**
 * The static half of the six-graph rule for one dashboard:
 * - at most 6 graphs (see GRAPH_TYPES; stat, gauge, table, text… do not count), panels in rows included;
 * - at most 6 visible queries per graph (`hide: true` ones do not count);
 * - every PromQL query of a graph bounded (see judgeShape), after substituting template variables;
 *   one that does not parse is `invalid-promql`. Targets without `expr`, or of another datasource type,
 *   are skipped.
 * Library panels (a `libraryPanel` reference without a type) and repeated panels are listed as not checked.
 */
export function lintDashboard(args: { file: string; dashboard: Json }): DashboardLint {
  const { file, dashboard } = args;
  const title = typeof dashboard.title === 'string' ? dashboard.title : '(untitled)';
  const findings: Finding[] = [];
  const notChecked: NotChecked[] = [];
  const graphs: Graph[] = [];
  const find = (panel: PanelRef | null, rule: Rule, message: string) =>
    findings.push({ file, dashboard: title, panel, rule, message });

  for (const panel of flattenPanels(dashboard)) {
    const ref = panelRef(panel);
    const type = typeof panel.type === 'string' ? panel.type : undefined;
    if (type === undefined) {
      if (isRecord(panel.libraryPanel)) {
        const name = typeof panel.libraryPanel.name === 'string' ? ` "${panel.libraryPanel.name}"` : '';
        const uid = typeof panel.libraryPanel.uid === 'string' ? ` (uid ${panel.libraryPanel.uid})` : '';
        notChecked.push({ file, dashboard: title, panel: ref, message: `library panel${name}${uid}: not checked` });
      }
      continue;
    }
    if (!GRAPH_TYPES.includes(type)) {
      continue;
    }
    if (typeof panel.repeat === 'string' && panel.repeat !== '') {
      notChecked.push({
        file,
        dashboard: title,
        panel: ref,
        message: `repeated for each value of $${panel.repeat}: counted as one graph`,
      });
    }
    const visible = records(panel.targets).filter((target) => target.hide !== true);
    if (visible.length > MAX_QUERIES) {
      find(ref, 'too-many-queries', `${visible.length} queries (at most ${MAX_QUERIES}): split the graph`);
    }
    const queries: GraphQuery[] = [];
    visible.forEach((target, index) => {
      const expr = promqlOf(target, panel);
      if (expr === undefined) {
        return;
      }
      const refId = typeof target.refId === 'string' ? target.refId : `#${index + 1}`;
      const substituted = substituteVariables(expr);
      const shape = judgeShape(substituted.text);
      if (shape.kind === 'invalid') {
        find(ref, 'invalid-promql', `query ${refId}: ${shape.reason}: ${expr}`);
      } else if (shape.kind === 'unbounded') {
        find(
          ref,
          'unbounded-query',
          `query ${refId}: ${shape.reason}; aggregate it (sum, avg, …) or use topk(≤${MAX_SERIES}, …): ${expr}`
        );
      }
      const runnable = shape.kind !== 'invalid' && substituted.freeVariables.length === 0;
      if (shape.kind !== 'invalid' && !runnable) {
        const variables = substituted.freeVariables.map((name) => `$${name}`).join(', ');
        notChecked.push({
          file,
          dashboard: title,
          panel: ref,
          message: `query ${refId} not run against Prometheus: ${variables} has no value here`,
        });
      }
      queries.push({ refId, expr: substituted.text, runnable });
    });
    graphs.push({ panel: ref, queries });
  }
  if (graphs.length > MAX_GRAPHS) {
    findings.unshift({
      file,
      dashboard: title,
      panel: null,
      rule: 'too-many-graphs',
      message: `${graphs.length} graphs (at most ${MAX_GRAPHS}): split the dashboard`,
    });
  }
  return { file, title, graphs, findings, notChecked };
}

/** What Prometheus answered for one query of a graph. */
export type SeriesCount = { refId: string; series: number } | { refId: string; error: string };

/**
 * The live half for one graph: more than 6 series over all its queries at the instant is
 * `too-many-series` (e.g. A 8 + B 1 = 9); a failed query is `query-failed` with Prometheus' error.
 */
export function judgeSeries(args: {
  lint: DashboardLint;
  graph: Graph;
  counts: SeriesCount[];
  /** Unix milliseconds of the instant, for the message. */
  time: number;
}): Finding[] {
  const base = { file: args.lint.file, dashboard: args.lint.title, panel: args.graph.panel };
  const findings: Finding[] = [];
  let total = 0;
  const parts: string[] = [];
  for (const count of args.counts) {
    if ('error' in count) {
      findings.push({ ...base, rule: 'query-failed', message: `query ${count.refId}: ${count.error}` });
    } else {
      total += count.series;
      parts.push(`${count.refId} ${count.series}`);
    }
  }
  if (total > MAX_SERIES) {
    findings.unshift({
      ...base,
      rule: 'too-many-series',
      message: `${total} series at ${new Date(args.time).toISOString()} (at most ${MAX_SERIES}): ${parts.join(', ')}`,
    });
  }
  return findings;
}

export interface LintSummary {
  dashboards: number;
  graphs: number;
  findings: number;
  notChecked: number;
}

export function summarize(lints: DashboardLint[]): LintSummary {
  return {
    dashboards: lints.length,
    graphs: lints.reduce((sum, lint) => sum + lint.graphs.length, 0),
    findings: lints.reduce((sum, lint) => sum + lint.findings.length, 0),
    notChecked: lints.reduce((sum, lint) => sum + lint.notChecked.length, 0),
  };
}

/** "1 graph", "7 graphs" */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describePanel(panel: PanelRef | null, dashboard: string): string {
  return panel ? `panel "${panel.title}"${panel.id === null ? '' : ` (id ${panel.id})`}` : `dashboard "${dashboard}"`;
}

/**
 * The readable report: per file a header line, then one line per finding
 * (`  unbounded-query  panel "CPU" (id 2): query A: …`), then the summary line.
 */
export function formatReport(lints: DashboardLint[]): string {
  const lines: string[] = [];
  for (const lint of lints) {
    const verdict =
      lint.findings.length === 0 ? `ok, ${count(lint.graphs.length, 'graph')}` : count(lint.findings.length, 'finding');
    lines.push(`${lint.file}: dashboard "${lint.title}": ${verdict}`);
    for (const finding of lint.findings) {
      lines.push(`  ${finding.rule}  ${describePanel(finding.panel, lint.title)}: ${finding.message}`);
    }
    for (const note of lint.notChecked) {
      lines.push(`  not-checked  ${describePanel(note.panel, lint.title)}: ${note.message}`);
    }
  }
  const summary = summarize(lints);
  const notChecked = summary.notChecked > 0 ? `; ${summary.notChecked} not checked` : '';
  lines.push(
    `${count(summary.dashboards, 'dashboard')}, ${count(summary.graphs, 'graph')}, ${count(summary.findings, 'finding')}${notChecked}`
  );
  return `${lines.join('\n')}\n`;
}

export function toLintJson(lints: DashboardLint[]) {
  return {
    findings: lints.flatMap((lint) => lint.findings),
    notChecked: lints.flatMap((lint) => lint.notChecked),
    summary: summarize(lints),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The command: files and Prometheus

const QUERY_TIMEOUT_MS = 30_000;

/** Files named on the command line, and every `*.json` below directories named, in a stable order. */
async function collectFiles(paths: string[], errors: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        files.push(full);
      }
    }
  };
  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      errors.push(`cannot read ${given}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (info.isDirectory()) {
      const before = files.length;
      await walk(given);
      if (files.length === before) {
        errors.push(`no *.json files in ${given}`);
      }
    } else {
      files.push(given);
    }
  }
  return files;
}

async function countSeries(args: { prometheusUrl: string; query: GraphQuery; time: number }): Promise<SeriesCount> {
  const answer = await queryInstant({
    prometheusUrl: args.prometheusUrl,
    query: args.query.expr,
    time: args.time,
    timeoutMs: QUERY_TIMEOUT_MS,
  });
  if (answer.ok) {
    return { refId: args.query.refId, series: answer.samples.length };
  }
  if (answer.error.startsWith('cannot reach Prometheus')) {
    throw new Error(answer.error);
  }
  // A scalar (`time()`, `scalar(…)`) draws one line.
  if (/got scalar$/.test(answer.error)) {
    return { refId: args.query.refId, series: 1 };
  }
  return { refId: args.query.refId, error: answer.error };
}

/**
 * `panopticon lint-dashboards PATH… [--prometheus URL] [--time UNIX|RFC3339] [--json]`. Resolves to 0 (no
 * findings) or 1 (findings); throws an Error in words for what makes it unable to run (exit 3): usage,
 * unreadable or non-dashboard files (all of them named), an unreachable or non-Prometheus URL.
 */
export async function lintDashboardsCommand(
  args: string[],
  io: Io,
  deps: { parseTime: (text: string) => number; now?: () => number }
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { prometheus: { type: 'string' }, time: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) {
    throw new Error('lint-dashboards: expected at least one PATH (dashboard JSON file or directory)');
  }
  if (values.prometheus !== undefined && !/^https?:\/\//.test(values.prometheus)) {
    throw new Error(`--prometheus: expected an http(s) URL, got ${JSON.stringify(values.prometheus)}`);
  }
  if (values.time !== undefined && values.prometheus === undefined) {
    throw new Error('--time only applies with --prometheus');
  }
  const time = values.time === undefined ? (deps.now ?? Date.now)() : deps.parseTime(values.time);

  const errors: string[] = [];
  const files = await collectFiles(positionals, errors);
  const lints: DashboardLint[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      errors.push(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const parsed = parseDashboard(text);
    if (parsed.ok) {
      lints.push(lintDashboard({ file, dashboard: parsed.dashboard }));
    } else {
      errors.push(`${file}: ${parsed.error}`);
    }
  }
  if (errors.length > 0) {
    throw new Error(errors.join('\n'));
  }

  if (values.prometheus !== undefined) {
    const prometheusUrl = values.prometheus;
    // One probe first: a wrong URL is "cannot run" (exit 3), not a query-failed finding per query.
    const probe = await queryInstant({ prometheusUrl, query: 'vector(1)', time, timeoutMs: QUERY_TIMEOUT_MS });
    if (!probe.ok) {
      throw new Error(probe.error);
    }
    for (const lint of lints) {
      for (const graph of lint.graphs) {
        const counts: SeriesCount[] = [];
        for (const query of graph.queries.filter((q) => q.runnable)) {
          counts.push(await countSeries({ prometheusUrl, query, time }));
        }
        lint.findings.push(...judgeSeries({ lint, graph, counts, time }));
      }
    }
  }

  io.stdout.write(values.json ? `${JSON.stringify(toLintJson(lints), null, 2)}\n` : formatReport(lints));
  return lints.some((lint) => lint.findings.length > 0) ? 1 : 0;
}
