/**
 * `npm run bench`: what one status refresh of the `swarm-mode` preset costs for simulated clusters of 3,
 * 30, 300 and 3,000 hosts, on a REAL Prometheus serving backfilled data: queries per refresh, answer
 * bytes against clients that do not aggregate in Prometheus, and model time next to the round trip.
 * Figures only, no assertions on time (the machine is noisy); it fails only when the figures would be
 * meaningless (the simulated cluster does not evaluate as healthy) or the one-query design is broken.
 * Tables go to stdout, progress to stderr, the figures as JSON to artifacts/bench.json.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

import {
  buildPreset,
  planQuery,
  STATUS_DISPLAY,
  type ClusterEvaluation,
  type ClusterModel,
  type QueryPlan,
} from '../src/model';
import { createPrivateDir, PROMETHEUS_BINARY } from '../tests/harness';
import { createBlocks, prometheusVersion, servePrometheus } from './backfill';
import {
  cliRefresh,
  measureDownload,
  timeRefreshes,
  type RefreshSample,
  type RunPlan,
  type Target,
} from './measureRefresh';
import { perTargetExpressions, rawSelectors } from './naiveBaseline';
import { gzipWireBytes } from './prometheusHttp';
import { phaseTable, sizeTable, spread, statusLines, timeTable, type ClusterFigures } from './report';
import { layoutFor, sampleTimes, writeOpenMetrics, type ClusterLayout } from './simulatedCluster';

const HOST_COUNTS = [3, 30, 300, 3000];
/** 3 warm-ups, then 20 timed refreshes – or as many as fit in 30 s, but at least 5 (3,000 hosts: ~5 s each). */
const RUNS: RunPlan = { warmups: 3, minRuns: 5, maxRuns: 20, budgetMs: 30_000 };
/** Components whose status proves the simulation right; the others are simulated too and reported. */
const MUST_BE_OK = ['hosts', 'docker', 'swarm'];
const ARTIFACT = path.resolve(__dirname, '..', 'artifacts', 'bench.json');

/** What every cluster size shares: the model, its plan, the baselines' queries and the instant. */
interface BenchContext {
  model: ClusterModel;
  plan: QueryPlan;
  rawSelectors: string[];
  perTargetExpressions: string[];
  /** Unix seconds: the end of the simulated history and the evaluated instant. */
  time: number;
  workDir: string;
}

/**
 * The evaluated instant T: an hour ago on a whole minute, so that the ten simulated minutes before it
 * are clearly in the past for Prometheus (backfilled blocks, no head data) and `[1h]` windows are valid.
 */
function evaluationInstant(): number {
  return Math.floor((Date.now() / 1000 - 3600) / 60) * 60;
}

/** Runs `work` and says how long it took, in ms. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Progress goes to stderr, so that stdout holds the figures only. */
function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

/**
 * A healthy simulated cluster must evaluate as healthy with the right counts, or the figures measure a
 * broken simulation (or a broken model: then it is a bug to report). Throws with every reason.
 */
function assertMeaningful(evaluation: ClusterEvaluation, layout: ClusterLayout, cliExitCode: number): void {
  const problems: string[] = [];
  const byId = new Map(evaluation.components.map((component) => [component.id, component]));
  for (const id of MUST_BE_OK) {
    const component = byId.get(id);
    if (component?.status !== 'ok') {
      problems.push(`${id} is ${component?.status ?? 'missing'}: ${component?.reason ?? ''}`);
    }
  }
  const expectCount = (id: string, live: number) => {
    const component = byId.get(id);
    if (component && (component.live !== live || component.expected !== live)) {
      problems.push(`${id} counts ${component.live}/${component.expected}, simulated ${live}/${live}`);
    }
  };
  expectCount('swarm', layout.managers);
  expectCount('hosts', layout.hosts);
  expectCount('docker', layout.hosts);
  if (cliExitCode !== STATUS_DISPLAY[evaluation.status].exitCode) {
    problems.push(`the CLI exited ${cliExitCode}, the bench's evaluation says ${evaluation.status}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `${layout.hosts} hosts: the simulated cluster does not evaluate as simulated:\n  ${problems.join('\n  ')}`
    );
  }
}

/** The timing part of the figures, from the timed refreshes. */
function timingFigures(samples: RefreshSample[]): ClusterFigures['timing'] {
  const pick = (read: (sample: RefreshSample) => number) => spread(samples.map(read));
  const roundTripMs = pick((sample) => sample.roundTripMs);
  const modelMs = pick((sample) => sample.parseResponseMs + sample.evaluateMs);
  return {
    warmups: RUNS.warmups,
    runs: samples.length,
    roundTripMs,
    jsonParseMs: pick((sample) => sample.jsonParseMs),
    parseResponseMs: pick((sample) => sample.parseResponseMs),
    evaluateMs: pick((sample) => sample.evaluateMs),
    modelMs,
    modelSharePercent: (100 * modelMs.median) / roundTripMs.median,
  };
}

/** Sizes and timings against one running Prometheus, with the time each step took. */
async function measure(context: BenchContext, target: Target, layout: ClusterLayout) {
  const check = await timed(() => cliRefresh(target));
  const refreshes = await timed(() =>
    timeRefreshes({ target, model: context.model, query: context.plan.query, runs: RUNS })
  );
  assertMeaningful(refreshes.value.evaluation, layout, check.value.exitCode);
  const baselines = await timed(async () => ({
    plannedGzip: await gzipWireBytes({ ...target, query: context.plan.query }),
    raw: await measureDownload(target, context.rawSelectors),
    perTarget: await measureDownload(target, context.perTargetExpressions),
  }));
  return { check, refreshes, baselines };
}

/** Generates, backfills, serves and measures one cluster size; cleans its files up whatever happens. */
async function benchCluster(context: BenchContext, hosts: number): Promise<ClusterFigures> {
  const started = performance.now();
  const layout = layoutFor(hosts);
  const file = path.join(context.workDir, `cluster-${hosts}.om`);
  const tsdb = path.join(context.workDir, `tsdb-${hosts}`);
  progress(`${hosts} hosts: generating OpenMetrics`);
  const generated = await timed(() => writeOpenMetrics({ path: file, layout, times: sampleTimes(context.time) }));
  progress(
    `${hosts} hosts: promtool tsdb create-blocks-from openmetrics (${(generated.value.bytes / 1e6).toFixed(0)} MB)`
  );
  const promtool = await timed(() => createBlocks(file, tsdb));
  // Hundreds of MB for 3,000 hosts: not kept while the next size is generated.
  await rm(file, { force: true });
  const served = await timed(() => servePrometheus(tsdb));
  try {
    progress(`${hosts} hosts: measuring`);
    const target: Target = { prometheusUrl: served.value.url, time: context.time };
    const { check, refreshes, baselines } = await measure(context, target, layout);
    const { evaluation, samples } = refreshes.value;
    const last = samples[samples.length - 1];
    const planned = last?.bytes ?? 0;
    return {
      hosts,
      managers: layout.managers,
      simulated: {
        series: generated.value.series,
        samples: generated.value.samples,
        openMetricsBytes: generated.value.bytes,
      },
      signals: context.plan.signals.length,
      queryChars: context.plan.query.length,
      queriesPerRefresh: check.value.requests,
      cliExitCode: check.value.exitCode,
      status: evaluation.status,
      components: Object.fromEntries(
        evaluation.components.map((component) => [component.id, { status: component.status, reason: component.reason }])
      ),
      planned: {
        bytes: planned,
        gzipBytes: baselines.value.plannedGzip,
        samples: last?.samples ?? 0,
        encoding: last?.encoding ?? 'none',
      },
      rawSeries: {
        ...baselines.value.raw,
        ratio: baselines.value.raw.bytes / planned,
        gzipRatio: baselines.value.raw.gzipBytes / baselines.value.plannedGzip,
      },
      perTarget: {
        ...baselines.value.perTarget,
        ratio: baselines.value.perTarget.bytes / planned,
        gzipRatio: baselines.value.perTarget.gzipBytes / baselines.value.plannedGzip,
      },
      timing: timingFigures(samples),
      phasesMs: {
        generate: generated.ms,
        promtool: promtool.ms,
        start: served.ms,
        check: check.ms,
        refreshes: refreshes.ms,
        baselines: baselines.ms,
        total: performance.now() - started,
      },
    };
  } finally {
    await served.value.stop();
    await rm(tsdb, { recursive: true, force: true });
  }
}

/** Prints the three tables with a legend; the figures are in artifacts/bench.json too. */
function printReport(context: BenchContext, figures: ClusterFigures[], totalMs: number): void {
  const evaluatedAt = new Date(context.time * 1000).toISOString();
  const out = (text = '') => process.stdout.write(`${text}\n`);
  out(`Panopticon refresh bench: preset swarm-mode, real Prometheus on backfilled data, evaluated at ${evaluatedAt}`);
  out();
  out('Cluster status per size (everything is simulated healthy; the bench stops unless hosts, docker, swarm are ok):');
  out(statusLines(figures));
  out();
  out('Size of one refresh:');
  out(sizeTable(figures));
  out(`  queries/refresh: API requests Prometheus served while the real CLI ran one "status".`);
  out(
    `  raw series: the ${context.rawSelectors.length} distinct selectors of the plan, fetched as they are (ranges included).`
  );
  out(
    `  per-target: the ${context.perTargetExpressions.length} per-target expressions (every check's, each job's up), neither gated nor aggregated.`
  );
  out('  bytes: decompressed JSON (what the client parses); gzip: on the wire with Accept-Encoding: gzip.');
  out();
  out(
    `Time of one refresh (median of the timed runs after ${RUNS.warmups} warm-ups; model = parseInstantResponse + evaluateCluster):`
  );
  out(timeTable(figures));
  out(
    "  model share: median model ÷ median round trip. raw series ms: the naive client's requests one after the other, once."
  );
  out();
  out('Where the bench spent its time:');
  out(phaseTable(figures));
  out(`  whole bench: ${(totalMs / 1000).toFixed(1)} s`);
}

/** artifacts/bench.json: the same figures plus what they were measured on. */
async function writeArtifact(context: BenchContext, figures: ClusterFigures[], totalMs: number): Promise<void> {
  const document = {
    generatedAt: new Date().toISOString(),
    evaluatedAt: new Date(context.time * 1000).toISOString(),
    preset: 'swarm-mode',
    machine: { cpus: os.cpus().length, node: process.version, prometheus: await prometheusVersion(PROMETHEUS_BINARY) },
    simulation:
      'node_exporter, Docker engine (swarmkit), Weave Net and Prometheus self targets per host, gluster_exporter on 3 peers; ' +
      '10 min at 15 s ending at evaluatedAt; every component healthy',
    runs: RUNS,
    signals: context.plan.signals,
    rawSelectors: context.rawSelectors,
    perTargetExpressions: context.perTargetExpressions,
    clusters: figures,
    totalMs,
  };
  await mkdir(path.dirname(ARTIFACT), { recursive: true });
  await writeFile(ARTIFACT, `${JSON.stringify(document, null, 2)}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const model = buildPreset('swarm-mode');
  const plan = planQuery(model);
  const workDir = await createPrivateDir('bench');
  const context: BenchContext = {
    model,
    plan,
    rawSelectors: rawSelectors(plan.query),
    perTargetExpressions: perTargetExpressions(model),
    time: evaluationInstant(),
    workDir: workDir.path,
  };
  const figures: ClusterFigures[] = [];
  try {
    for (const hosts of HOST_COUNTS) {
      figures.push(await benchCluster(context, hosts));
    }
  } finally {
    await workDir.remove();
  }
  const totalMs = performance.now() - started;
  printReport(context, figures, totalMs);
  await writeArtifact(context, figures, totalMs);
  progress(`figures written to ${path.relative(process.cwd(), ARTIFACT)}`);
  const broken = figures.filter((f) => f.queriesPerRefresh !== 1);
  if (broken.length > 0) {
    throw new Error(
      `one query per refresh is broken: ${broken.map((f) => `${f.hosts} hosts: ${f.queriesPerRefresh}`).join(', ')}`
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
