/**
 * A real Prometheus (Debian's /usr/bin/prometheus, 2.42) on 127.0.0.1 with a private config and
 * TSDB, for tests that must see exactly what the plugin will see in production: real scrapes, real
 * `up`, real service discovery, real PromQL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

import { httpRequest, isRecord, parseJson } from './http';
import {
  createPrivateDir,
  formatLogTail,
  freePort,
  notRunningReason,
  ServiceHandle,
  spawnService,
  waitFor,
  waitForValue,
} from './processes';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const VICTORIA_METRICS_BINARY = '/usr/bin/victoria-metrics';

/** Command line of each engine: Prometheus flags, or VictoriaMetrics' own for the same roles. */
function engineCommand(options: StartPrometheusOptions, configPath: string, dataDir: string, port: number) {
  if (options.engine === 'victoriametrics') {
    return {
      command: VICTORIA_METRICS_BINARY,
      readyPath: '/health',
      args: [
        `-promscrape.config=${configPath}`,
        `-storageDataPath=${options.dataDir ?? dataDir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        // The same config file as Prometheus: its `evaluation_interval` means nothing to VictoriaMetrics.
        '-promscrape.config.strictParse=false',
        // Tests look at the newest samples at once: no latency offset, no response cache.
        '-search.latencyOffset=0s',
        '-search.disableCache',
        ...(options.extraArgs ?? []),
      ],
    };
  }
  return {
    command: PROMETHEUS_BINARY,
    readyPath: '/-/ready',
    args: [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${options.dataDir ?? dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...(options.extraArgs ?? []),
    ],
  };
}

/** `static_configs` entry. */
export interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}

/** `relabel_configs` / `metric_relabel_configs` entry (field names as in Prometheus' YAML). */
export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  modulus?: number;
  target_label?: string;
  replacement?: string;
  action?:
    | 'replace'
    | 'keep'
    | 'drop'
    | 'keepequal'
    | 'dropequal'
    | 'hashmod'
    | 'labelmap'
    | 'labeldrop'
    | 'labelkeep'
    | 'lowercase'
    | 'uppercase';
}

/** `dockerswarm_sd_configs` entry: discovery straight from a (Swarm manager) Docker API. */
export interface DockerSwarmSdConfig {
  /** e.g. `unix:///tmp/…/docker.sock` */
  host: string;
  role: 'nodes' | 'services' | 'tasks';
  /** Port put into `__address__` for the discovered nodes/tasks (default 80). */
  port?: number;
  refresh_interval?: string;
  filters?: Array<{ name: string; values: string[] }>;
}

/** `file_sd_configs` entry. */
export interface FileSdConfig {
  files: string[];
  refresh_interval?: string;
}

/** One `scrape_configs` entry; snake_case because it is written verbatim as Prometheus YAML. */
export interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  metrics_path?: string;
  scheme?: 'http' | 'https';
  params?: Record<string, string[]>;
  honor_labels?: boolean;
  honor_timestamps?: boolean;
  static_configs?: StaticConfig[];
  file_sd_configs?: FileSdConfig[];
  dockerswarm_sd_configs?: DockerSwarmSdConfig[];
  relabel_configs?: RelabelConfig[];
  metric_relabel_configs?: RelabelConfig[];
}

export interface StartPrometheusOptions {
  scrapeConfigs: ScrapeConfig[];
  /** Global scrape and evaluation interval; short so tests observe changes within seconds. */
  scrapeInterval?: string;
  /** Extra command-line flags, appended after the harness' own. */
  extraArgs?: string[];
  /**
   * Existing TSDB directory to serve instead of a fresh private one, e.g. blocks written by
   * `promtool tsdb create-blocks-from openmetrics` (add a long `--storage.tsdb.retention.time` in
   * extraArgs, or old blocks are deleted at start). It belongs to the caller: left in place on stop.
   */
  dataDir?: string;
  /**
   * The PromQL engine: Prometheus (default) or VictoriaMetrics (`victoria-metrics` from Debian), which
   * scrapes the same config and answers the same HTTP API, for the second-engine tests.
   */
  engine?: 'prometheus' | 'victoriametrics';
  /** Deadline for `/-/ready` (default 20 s). */
  startTimeoutMs?: number;
  /**
   * Port on 127.0.0.1 to listen on, e.g. to start again where clients already point (default: a free
   * one). A given port is not retried when taken.
   */
  port?: number;
}

/** A target as returned by /api/v1/targets. */
export interface PrometheusTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

/** One element of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>;
  /** [unix seconds, value as Prometheus formats it] */
  value: [number, string];
}

export type QueryResult =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

export interface WaitForTargetsOptions {
  /** Only targets of this scrape pool (= job_name before relabelling). */
  job?: string;
  health: 'up' | 'down' | 'unknown';
  /** Exact number of targets (of the job) that must have this health. */
  count: number;
  timeoutMs?: number;
}

export interface PrometheusHandle {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly configPath: string;
  readonly dir: string;
  readonly service: ServiceHandle;
  /** Rewrites the config and reloads through /-/reload (which answers after the reload finished). */
  reload(scrapeConfigs: ScrapeConfig[]): Promise<void>;
  /** Active targets, optionally of one job. */
  targets(job?: string): Promise<PrometheusTarget[]>;
  /** Waits until exactly `count` targets (of `job`) have `health`; returns all targets of the job. */
  waitForTargets(options: WaitForTargetsOptions): Promise<PrometheusTarget[]>;
  /** Instant query returning the raw, typed result. */
  queryRaw(promql: string, time?: number): Promise<QueryResult>;
  /** Instant query that must return a vector. */
  query(promql: string): Promise<VectorSample[]>;
  /** Polls a vector query until `accept` returns true; returns the accepted samples. */
  waitForQuery(
    promql: string,
    accept: (samples: VectorSample[]) => boolean,
    options?: { timeoutMs?: number; what?: string }
  ): Promise<VectorSample[]>;
  logTail(lines?: number): string;
  /** Stops Prometheus and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Error for a Prometheus API answer that is not `status: success`. */
export class PrometheusApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusApiError';
  }
}

function renderConfig(scrapeInterval: string, scrapeConfigs: ScrapeConfig[]): string {
  return stringify({
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    scrape_configs: scrapeConfigs,
  });
}

async function apiGet(baseUrl: string, apiPath: string, params: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(apiPath, baseUrl);
  for (const [key, value] of Object.entries(params)) {
    url.searchParams.set(key, value);
  }
  const response = await httpRequest(url.toString(), { timeoutMs: 10000 });
  let body: unknown;
  try {
    body = parseJson(response.body);
  } catch {
    throw new PrometheusApiError(`${url} answered ${response.status} with non-JSON: ${response.body.slice(0, 300)}`);
  }
  if (!isRecord(body) || body.status !== 'success') {
    const error = isRecord(body) ? `${String(body.errorType)}: ${String(body.error)}` : response.body.slice(0, 300);
    throw new PrometheusApiError(`${url} failed (${response.status}): ${error}`);
  }
  return body.data;
}

function isQueryResult(data: unknown): data is QueryResult {
  return (
    isRecord(data) &&
    typeof data.resultType === 'string' &&
    ['vector', 'matrix', 'scalar', 'string'].includes(data.resultType) &&
    Array.isArray(data.result)
  );
}

function isTarget(value: unknown): value is PrometheusTarget {
  return (
    isRecord(value) &&
    typeof value.scrapePool === 'string' &&
    typeof value.health === 'string' &&
    isRecord(value.labels)
  );
}

/** Starts Prometheus and waits until /-/ready answers 200. Retries on a port race. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusHandle> {
  const scrapeInterval = options.scrapeInterval ?? '1s';
  const startTimeoutMs = options.startTimeoutMs ?? 20000;
  const dir = await createPrivateDir('prometheus');
  const configPath = path.join(dir.path, 'prometheus.yml');
  await fs.promises.writeFile(configPath, renderConfig(scrapeInterval, options.scrapeConfigs));
  const startedAt = Date.now();

  let service: ServiceHandle | undefined;
  let url = '';
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort('127.0.0.1'));
      url = `http://127.0.0.1:${port}`;
      const engine = engineCommand(options, configPath, path.join(dir.path, 'data'), port);
      const name = options.engine ?? 'prometheus';
      const candidate = spawnService({
        name: attempt === 1 ? name : `${name}-${attempt}`,
        command: engine.command,
        args: engine.args,
        logDir: dir.path,
        stopTimeoutMs: 5000,
      });
      const readyUrl = `${url}${engine.readyPath}`;
      try {
        await waitFor(async () => (await httpRequest(readyUrl, { timeoutMs: 2000 })).status === 200, {
          timeoutMs: Math.max(1000, startTimeoutMs - (Date.now() - startedAt)),
          intervalMs: 50,
          what: `Prometheus ready at ${readyUrl}`,
          abortIf: () => notRunningReason(candidate),
          diagnostics: () => formatLogTail('prometheus', candidate.logFile),
        });
        service = candidate;
        break;
      } catch (error) {
        await candidate.stop({ timeoutMs: 0 });
        // Another process grabbed the port between freePort() and Prometheus' bind: try again.
        if (options.port === undefined && attempt < 3 && /address already in use/.test(candidate.logTail(20))) {
          continue;
        }
        throw error;
      }
    }
  } catch (error) {
    await dir.remove();
    throw error;
  }

  const running = service;
  const baseUrl = url;
  const targets = async (job?: string): Promise<PrometheusTarget[]> => {
    const data = await apiGet(baseUrl, '/api/v1/targets', { state: 'active' });
    const active = isRecord(data) && Array.isArray(data.activeTargets) ? data.activeTargets : [];
    return active.filter(isTarget).filter((t) => job === undefined || t.scrapePool === job);
  };
  const queryRaw = async (promql: string, time?: number): Promise<QueryResult> => {
    const params: Record<string, string> = { query: promql };
    if (time !== undefined) {
      params.time = String(time);
    }
    const data = await apiGet(baseUrl, '/api/v1/query', params);
    if (!isQueryResult(data)) {
      throw new PrometheusApiError(`unexpected query result for ${promql}: ${JSON.stringify(data).slice(0, 300)}`);
    }
    return data;
  };
  const query = async (promql: string): Promise<VectorSample[]> => {
    const result = await queryRaw(promql);
    if (result.resultType !== 'vector') {
      throw new PrometheusApiError(`${promql} returned a ${result.resultType}, expected a vector`);
    }
    return result.result;
  };
  const diagnostics = (): string => formatLogTail('prometheus', running.logFile, 20);
  let stopped: Promise<void> | undefined;

  return {
    url: baseUrl,
    configPath,
    dir: dir.path,
    service: running,
    targets,
    queryRaw,
    query,
    logTail: (lines?: number) => running.logTail(lines),
    reload: async (scrapeConfigs: ScrapeConfig[]) => {
      await fs.promises.writeFile(configPath, renderConfig(scrapeInterval, scrapeConfigs));
      const response = await httpRequest(`${baseUrl}/-/reload`, { method: 'POST', timeoutMs: 15000 });
      // Prometheus answers 200 once reloaded; VictoriaMetrics 204 (it applies the file right after).
      if (response.status !== 200 && response.status !== 204) {
        throw new PrometheusApiError(`reload failed (${response.status}): ${response.body.trim()}\n${diagnostics()}`);
      }
    },
    waitForTargets: async (wait: WaitForTargetsOptions) => {
      let last: PrometheusTarget[] = [];
      const describe = (list: PrometheusTarget[]): string =>
        list
          .map((t) => `${t.scrapePool} ${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`)
          .join('\n') || '(no targets)';
      return waitForValue(
        async () => {
          last = await targets(wait.job);
          return last.filter((t) => t.health === wait.health).length === wait.count ? last : undefined;
        },
        {
          timeoutMs: wait.timeoutMs ?? 30000,
          intervalMs: 200,
          what: `${wait.count} target(s)${wait.job ? ` of job ${wait.job}` : ''} with health ${wait.health}`,
          abortIf: () => notRunningReason(running),
          diagnostics: () => `targets:\n${describe(last)}\n${diagnostics()}`,
        }
      );
    },
    waitForQuery: async (promql, accept, waitOptions = {}) => {
      let last: VectorSample[] = [];
      return waitForValue(
        async () => {
          last = await query(promql);
          return accept(last) ? last : undefined;
        },
        {
          timeoutMs: waitOptions.timeoutMs ?? 30000,
          intervalMs: 200,
          what: waitOptions.what ?? `query ${promql} to return the expected result`,
          abortIf: () => notRunningReason(running),
          diagnostics: () => `last result: ${JSON.stringify(last)}\n${diagnostics()}`,
        }
      );
    },
    stop: () => {
      stopped ??= (async () => {
        await running.stop();
        await dir.remove();
      })();
      return stopped;
    },
  };
}
