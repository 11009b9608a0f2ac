/**
 * The simulated exporters of the demo cluster, served over HTTP for `docker compose up`: a healthy
 * three-node cluster from the pure generators in tests/simulators (real metric names, label sets and help
 * strings). One consul_exporter (it lists every member), and one Weave router and one gluster_exporter per
 * node, each on its own port so that Prometheus sees one target (`instance`) per node.
 *
 * Run: `tsx deploy/simulators/server.ts` (listens on SIMULATORS_HOST, default 0.0.0.0).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  consulCluster,
  consulScrape,
  glusterCluster,
  glusterScrape,
  weaveMesh,
  weaveScrape,
  type ScrapeAnswer,
} from '../../tests/simulators';

export type SimulatedJob = 'consul' | 'weave' | 'gluster';

/** Ports per job, one per simulated target; 0 picks a free port. */
export type SimulatorPorts = Record<SimulatedJob, number[]>;

/** The ports the demo's Prometheus scrapes (deploy/prometheus/prometheus.yml). */
export const DEFAULT_PORTS: SimulatorPorts = {
  consul: [9107],
  weave: [6782, 6783, 6784],
  gluster: [9189, 9190, 9191],
};

const NODES = 3;

/** What each simulated target answers: a healthy cluster of three nodes. */
export function demoAnswers(): Record<SimulatedJob, ScrapeAnswer[]> {
  return {
    consul: [consulScrape(consulCluster(NODES, 0))],
    weave: weaveMesh(NODES).map(weaveScrape),
    gluster: Array.from({ length: NODES }, () => glusterScrape(glusterCluster(NODES - 1))),
  };
}

export interface RunningSimulators {
  /** `host:port` of every target, per job, in the order of the ports. */
  targets: Record<SimulatedJob, string[]>;
  close(): Promise<void>;
}

function serve(answer: ScrapeAnswer, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    const type = answer.ok ? 'text/plain; version=0.0.4; charset=utf-8' : 'text/plain; charset=utf-8';
    res.writeHead(answer.status, { 'Content-Type': type }).end(answer.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Starts every simulated target; on failure the ones already listening are closed again. */
export async function startSimulators(
  host = '0.0.0.0',
  ports: SimulatorPorts = DEFAULT_PORTS
): Promise<RunningSimulators> {
  const answers = demoAnswers();
  const servers: Server[] = [];
  const targets: Record<SimulatedJob, string[]> = { consul: [], weave: [], gluster: [] };
  const close = () =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(
      () => undefined
    );
  try {
    for (const job of Object.keys(targets) as SimulatedJob[]) {
      if (ports[job].length !== answers[job].length) {
        throw new Error(`${job}: ${answers[job].length} targets need ${answers[job].length} ports`);
      }
      for (const [index, port] of ports[job].entries()) {
        const answer = answers[job][index];
        if (answer === undefined) {
          continue;
        }
        const server = await serve(answer, host, port);
        servers.push(server);
        targets[job].push(`${host}:${(server.address() as AddressInfo).port}`);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { targets, close };
}

if (require.main === module) {
  startSimulators(process.env.SIMULATORS_HOST ?? '0.0.0.0').then(
    (running) => {
      for (const [job, addresses] of Object.entries(running.targets)) {
        console.log(`${job}: ${addresses.map((address) => `http://${address}/metrics`).join(' ')}`);
      }
      const stop = () => void running.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  );
}
