/**
 * The full test bed of issue 5, for `npm run bed` and the tests: everything under Grafana, real where this
 * machine can run it, on 127.0.0.x in private directories, cleaned up on stop, on exit and (through the
 * harness' reaper) even after the process was killed.
 *
 * - a real Docker Swarm of three manager engines running a replicated service from the offline busybox
 *   image, discovered by Prometheus with `dockerswarm_sd_configs` as a real Swarm deployment would be;
 * - a real node_exporter, and Prometheus scraping itself;
 * - a real GlusterFS replica-3 volume in a private network namespace (not scraped until the GlusterFS
 *   exporter lands: the `gluster` job is the simulated gluster_exporter meanwhile);
 * - simulated Consul, Weave Net, gluster_exporter and cAdvisor exporters (tests/simulators/cluster.ts);
 * - VictoriaMetrics scraping the same targets, for the second-engine tests;
 * - a control endpoint: `POST /control/fault/<name>` for the simulated faults and the real ones below.
 *
 * Root only (dockerd, network namespaces). Needs scripts/install-services.sh.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  startGluster,
  startNodeExporter,
  startPrometheus,
  startSwarm,
  type GlusterHandle,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  type SwarmHandle,
  swarmNodesScrapeConfig,
  faultNameOf,
  sendJson,
  waitForValue,
} from '../harness';
import { CLUSTER_FAULTS, isClusterFault, startSimulatedCluster, type SimulatedCluster } from '../simulators/cluster';

/** The replicated service of the bed. */
export const BED_SERVICE = { name: 'web', replicas: 3 } as const;

/** What its tasks run: healthy, and a bad deploy whose every task exits at once (a crash loop). */
export const SERVICE_COMMANDS = { healthy: 'sleep 1d', failing: 'sh -c "exit 1"' } as const;

/** Changes what the bed service's tasks run, all at once, whatever happens to them. */
export async function setServiceCommand(swarm: SwarmHandle, command: string): Promise<void> {
  await swarm.docker(swarm.managerIndex(), [
    'service',
    'update',
    '--detach',
    '--no-resolve-image',
    '--update-parallelism',
    '0',
    '--update-failure-action',
    'continue',
    '--args',
    command,
    BED_SERVICE.name,
  ]);
}

/** Faults on the real parts of the bed, by the name used in the control URL. */
export const REAL_FAULTS = {
  'stop-leader': 'crash the Swarm leader engine (SIGKILL of dockerd, containerd and its containers)',
  'stop-follower': 'crash one follower manager engine',
  'start-engines': 'start every stopped engine again, one at a time, each back in the swarm',
  'service-failing': 'a bad deploy: every task of the service exits 1 and Swarm restarts it again and again',
  'service-fixed': 'the service runs `sleep 1d` again',
  'stop-node-exporter': 'stop node_exporter, for the rest of the run',
  'kill-brick': 'crash one brick of the GlusterFS volume',
  'start-bricks': 'restart the killed bricks (`gluster volume start force`)',
} as const;
export type RealFault = keyof typeof REAL_FAULTS;

function isRealFault(name: string): name is RealFault {
  return Object.prototype.hasOwnProperty.call(REAL_FAULTS, name);
}

export interface Bed {
  readonly swarm: SwarmHandle;
  readonly gluster: GlusterHandle;
  readonly simulated: SimulatedCluster;
  readonly prometheus: PrometheusHandle;
  readonly victoriaMetrics: PrometheusHandle;
  /** The control endpoint, http://127.0.0.1:port. */
  readonly controlUrl: string;
  /** Targets each engine scrapes when all is well (three engines, node, itself and the simulated ones). */
  readonly targetCount: number;
  /** Applies a fault (simulated or real); resolves to a one-line description of what was done. */
  inject(fault: string): Promise<string>;
  /** Stops everything; idempotent. */
  stop(): Promise<void>;
}

export interface StartBedOptions {
  /** Scrape interval of both engines (default 2s). */
  scrapeInterval?: string;
  /** Progress lines, e.g. console.log. */
  log?: (line: string) => void;
}

export async function startBed(options: StartBedOptions = {}): Promise<Bed> {
  const log = options.log ?? (() => undefined);
  const scrapeInterval = options.scrapeInterval ?? '2s';
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    // Reverse order: the engines' scrapers first, the scraped last. Every part is stopped, whatever fails.
    const errors: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) {
      throw new Error(`stopping the bed: ${errors.map(String).join('; ')}`);
    }
  };

  try {
    log('starting a three-manager Docker Swarm, GlusterFS replica 3, node_exporter and the simulated exporters…');
    const [swarm, gluster, nodeExporter, simulated] = await Promise.all([
      startSwarm({ managers: 3 }).then((started) => (stops.push(() => started.stop()), started)),
      startGluster({ replicas: 3 }).then((started) => (stops.push(() => started.stop()), started)),
      startNodeExporter().then((started) => (stops.push(() => started.stop()), started)),
      startSimulatedCluster().then((started) => (stops.push(() => started.stop()), started)),
    ]);
    log(`starting the ${BED_SERVICE.replicas}-replica service ${BED_SERVICE.name}…`);
    await swarm.createService({ ...BED_SERVICE });
    await swarm.waitForServiceTasks(BED_SERVICE.name, BED_SERVICE.replicas, { timeoutMs: 60_000 });

    const scrapeConfigs = (self: string): ScrapeConfig[] => [
      { job_name: 'prometheus', static_configs: [{ targets: [self] }] },
      { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
      swarmNodesScrapeConfig('docker', swarm),
      // The real engines replace the recorded ones.
      ...simulated.scrapeConfigs().filter((config) => config.job_name !== 'docker'),
    ];
    log('starting Prometheus and VictoriaMetrics…');
    const prometheus = await startPrometheus({ scrapeConfigs: [], scrapeInterval });
    stops.push(() => prometheus.stop());
    // The same targets for both engines, Prometheus itself included: VictoriaMetrics watches it too.
    const sameTargets = scrapeConfigs(new URL(prometheus.url).host);
    await prometheus.reload(sameTargets);
    const victoriaMetrics = await startPrometheus({
      engine: 'victoriametrics',
      scrapeConfigs: sameTargets,
      scrapeInterval,
    });
    stops.push(() => victoriaMetrics.stop());
    const simulatedTargets = Object.entries(simulated.targets)
      .filter(([job]) => job !== 'docker')
      .reduce((sum, [, targets]) => sum + targets.length, 0);
    const targetCount = 2 + swarm.engines.length + simulatedTargets;
    for (const engine of [prometheus, victoriaMetrics]) {
      await engine.waitForQuery('up == 1', (samples) => samples.length === targetCount, {
        timeoutMs: 90_000,
        what: `${targetCount} targets up on ${engine.url}`,
      });
      // Ready means judgeable: rate() needs at least two samples of every counter in its window.
      await engine.waitForQuery('min(count_over_time(up[2m])) >= 3', (samples) => samples.length === 1, {
        timeoutMs: 60_000,
        what: `three scrapes of every target on ${engine.url}`,
      });
    }

    const inject = faultInjector({ swarm, gluster, simulated, nodeExporter });
    const control = await startControlServer(inject);
    stops.push(() => control.stop());

    let stopped: Promise<void> | undefined;
    return {
      swarm,
      gluster,
      simulated,
      prometheus,
      victoriaMetrics,
      controlUrl: control.url,
      targetCount,
      inject,
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

interface BedParts {
  swarm: SwarmHandle;
  gluster: GlusterHandle;
  simulated: SimulatedCluster;
  nodeExporter: NodeExporterHandle;
}

/** Index of the engine whose node is the Swarm leader now. */
async function leaderIndex(swarm: SwarmHandle): Promise<number> {
  const leader = (await swarm.nodes()).find((node) => node.leader);
  const index = swarm.engines.findIndex((engine) => engine.nodeId === leader?.id);
  if (index < 0) {
    throw new Error('no leader: the swarm has no quorum');
  }
  return index;
}

function faultInjector(parts: BedParts): (fault: string) => Promise<string> {
  const { swarm, gluster, simulated, nodeExporter } = parts;
  const stoppedEngines: number[] = [];
  const stopEngine = async (index: number) => {
    await swarm.stopEngine(index);
    stoppedEngines.push(index);
    return `engine ${index} (${swarm.engines[index]?.metricsAddress ?? '?'}) crashed`;
  };

  return async (fault: string): Promise<string> => {
    if (isClusterFault(fault) && Object.prototype.hasOwnProperty.call(BED_FAULTS, fault)) {
      simulated.inject(fault);
      return `simulated: ${CLUSTER_FAULTS[fault]}`;
    }
    if (!isRealFault(fault)) {
      throw new UnknownFaultError(fault);
    }
    switch (fault) {
      case 'stop-leader':
        return stopEngine(await leaderIndex(swarm));
      case 'stop-follower': {
        const leader = await leaderIndex(swarm);
        const follower = swarm.engines.findIndex((engine) => engine.running && engine.index !== leader);
        if (follower < 0) {
          throw new Error('no running follower left');
        }
        return stopEngine(follower);
      }
      case 'start-engines': {
        // One at a time: each restart lets the Raft group regain quorum before the next one joins.
        const started = stoppedEngines.splice(0);
        for (const index of started) {
          await swarm.startEngine(index, { timeoutMs: 120_000 });
          await waitForValue(() => leaderIndex(swarm).catch(() => undefined), {
            timeoutMs: 90_000,
            intervalMs: 250,
            what: `a Swarm leader after restarting engine ${index}`,
          });
        }
        return `engines started again: ${started.join(', ') || 'none was stopped'}`;
      }
      case 'service-failing':
        await setServiceCommand(swarm, SERVICE_COMMANDS.failing);
        return `service ${BED_SERVICE.name}: every task exits 1`;
      case 'service-fixed':
        await setServiceCommand(swarm, SERVICE_COMMANDS.healthy);
        return `service ${BED_SERVICE.name}: tasks run sleep 1d again`;
      case 'stop-node-exporter':
        await nodeExporter.stop();
        return `node_exporter ${nodeExporter.address} stopped`;
      case 'kill-brick':
        return `brick ${gluster.bricks[0]?.id ?? 0} killed (pid ${await gluster.killBrick(0)})`;
      case 'start-bricks':
        await gluster.startBricks();
        return 'every brick online again';
    }
  };
}

export class UnknownFaultError extends Error {
  constructor(readonly fault: string) {
    super(`unknown fault "${fault}"`);
  }
}

/** The simulated faults on the recorded engines: the bed scrapes real ones instead, with real faults. */
const RECORDED_ENGINE_FAULTS: readonly string[] = ['lose-manager', 'lose-two-managers'];

/** Every fault the control endpoint knows, with what it does. */
export const BED_FAULTS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(CLUSTER_FAULTS).filter(([name]) => !RECORDED_ENGINE_FAULTS.includes(name))),
  ...REAL_FAULTS,
};

/** `GET /` lists the faults; `POST /control/fault/<name>` applies one and answers what was done. */
async function startControlServer(
  inject: (fault: string) => Promise<string>
): Promise<{ url: string; stop(): Promise<void> }> {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://bed').pathname;
    const fault = faultNameOf(path);
    if (request.method === 'GET' && path === '/') {
      sendJson(response, 200, { faults: BED_FAULTS });
    } else if (fault === undefined) {
      sendJson(response, 404, { error: `no such endpoint: ${request.method ?? '?'} ${path}` });
    } else if (request.method !== 'POST') {
      sendJson(response, 405, { error: 'use POST to inject a fault' });
    } else {
      try {
        sendJson(response, 200, { fault, done: await inject(fault) });
      } catch (error) {
        const unknown = error instanceof UnknownFaultError;
        sendJson(response, unknown ? 404 : 500, {
          error: error instanceof Error ? error.message : String(error),
          ...(unknown ? { faults: Object.keys(BED_FAULTS) } : {}),
        });
      }
    }
  };
  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
