/**
 * What one status refresh costs against a real Prometheus: how many requests it makes (counted by
 * Prometheus itself while the real CLI runs), how many bytes come back compared with clients that do not
 * aggregate in Prometheus, and how long the model takes next to the round trip.
 */
import { performance } from 'node:perf_hooks';

import { main as runCli } from '../src/cli/main';
import { evaluateCluster, parseInstantResponse, type ClusterEvaluation, type ClusterModel } from '../src/model';
import { apiRequestsServed, gzipWireBytes, postInstantQuery } from './prometheusHttp';

/** Where and when to evaluate. */
export interface Target {
  prometheusUrl: string;
  /** Unix SECONDS of the evaluated instant (the end of the simulated history). */
  time: number;
}

/** The timings of one refresh, in ms, and the size of its answer. */
export interface RefreshSample {
  roundTripMs: number;
  /** JSON.parse of the body (inside queryInstant in the product). */
  jsonParseMs: number;
  /** parseInstantResponse. */
  parseResponseMs: number;
  /** evaluateCluster. */
  evaluateMs: number;
  bytes: number;
  encoding: string;
  /** Samples in the answer. */
  samples: number;
}

/** The product's refresh, step by step with a clock between the steps: request, JSON, samples, model. */
async function refreshOnce(target: Target, model: ClusterModel, query: string) {
  const answer = await postInstantQuery({ prometheusUrl: target.prometheusUrl, query, time: target.time });
  const started = performance.now();
  const json: unknown = JSON.parse(answer.text);
  const jsonParsed = performance.now();
  const parsed = parseInstantResponse(json);
  const samplesRead = performance.now();
  if (!parsed.ok) {
    throw new Error(`the planned query failed: ${parsed.error}`);
  }
  const evaluation = evaluateCluster({ model, samples: parsed.samples, now: target.time * 1000 });
  const evaluated = performance.now();
  const sample: RefreshSample = {
    roundTripMs: answer.roundTripMs,
    jsonParseMs: jsonParsed - started,
    parseResponseMs: samplesRead - jsonParsed,
    evaluateMs: evaluated - samplesRead,
    bytes: answer.bytes,
    encoding: answer.encoding,
    samples: parsed.samples.length,
  };
  return { sample, evaluation };
}

/** How many refreshes to time: at most `maxRuns`, at least `minRuns`, and no more once `budgetMs` is spent. */
export interface RunPlan {
  warmups: number;
  minRuns: number;
  maxRuns: number;
  /** Wall-clock budget for warm-ups and timed runs together. */
  budgetMs: number;
}

/**
 * `warmups` untimed refreshes (the first queries pay for page faults on the fresh blocks and JIT), then
 * timed ones, one after the other. The budget keeps the bench within minutes where one refresh takes
 * seconds (3,000 hosts); the number of timed runs is returned with the samples. Returns the last
 * evaluation too, for the sanity check.
 */
export async function timeRefreshes(args: {
  target: Target;
  model: ClusterModel;
  query: string;
  runs: RunPlan;
}): Promise<{ samples: RefreshSample[]; evaluation: ClusterEvaluation }> {
  const { warmups, minRuns, maxRuns, budgetMs } = args.runs;
  const started = performance.now();
  const samples: RefreshSample[] = [];
  let evaluation: ClusterEvaluation | undefined;
  const wanted = () => samples.length < minRuns || (samples.length < maxRuns && performance.now() - started < budgetMs);
  for (let index = 0; index < warmups || wanted(); index++) {
    const refresh = await refreshOnce(args.target, args.model, args.query);
    evaluation = refresh.evaluation;
    if (index >= warmups) {
      samples.push(refresh.sample);
    }
  }
  if (!evaluation) {
    throw new Error('no refresh was run (warmups + minRuns must be at least 1)');
  }
  return { samples, evaluation };
}

/**
 * Runs the real `panopticon status --preset swarm-mode` once, in process, and lets Prometheus count the
 * API requests it served meanwhile: the queries per refresh as the server sees them. Returns the CLI's
 * exit code too (0 ok … 3 unknown) as a cross-check of the bench's own evaluation.
 */
export async function cliRefresh(target: Target): Promise<{ requests: number; exitCode: number; output: string }> {
  let output = '';
  const sink = {
    write: (text: string) => {
      output += text;
      return true;
    },
  };
  const args = ['status', '--prometheus', target.prometheusUrl, '--preset', 'swarm-mode'];
  const before = await apiRequestsServed(target.prometheusUrl);
  const exitCode = await runCli([...args, '--time', String(target.time), '--timeout', '60', '--json'], {
    stdout: sink,
    stderr: sink,
  });
  const after = await settledRequestCount(target.prometheusUrl);
  return { requests: after - before, exitCode, output };
}

/**
 * The served-requests count once it stopped moving: Prometheus counts a request after its handler
 * returned, which can be just after the client already has the whole answer.
 */
async function settledRequestCount(prometheusUrl: string): Promise<number> {
  let last = await apiRequestsServed(prometheusUrl);
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await apiRequestsServed(prometheusUrl);
    if (now === last) {
      return now;
    }
    last = now;
  }
  return last;
}

/** What a list of queries downloads, run one by one as a client would. */
export interface Download {
  requests: number;
  bytes: number;
  gzipBytes: number;
  /** Sum of the plain requests' round trips, one after the other. */
  roundTripMs: number;
}

/** Runs each query once (plain, then with gzip) and adds up the answers' sizes. */
export async function measureDownload(target: Target, queries: string[]): Promise<Download> {
  const total: Download = { requests: 0, bytes: 0, gzipBytes: 0, roundTripMs: 0 };
  for (const query of queries) {
    const one = { prometheusUrl: target.prometheusUrl, query, time: target.time };
    const answer = await postInstantQuery(one);
    total.bytes += answer.bytes;
    total.roundTripMs += answer.roundTripMs;
    total.gzipBytes += await gzipWireBytes(one);
    total.requests += 1;
  }
  return total;
}
