/**
 * A simulated three-node cluster behind real HTTP targets on 127.0.0.1, with faults: the ONE fault bed of
 * `npm run demo`, the browser scenarios and the integration tests.
 *
 * - job `docker`: the three real engine captures of a healthy three-manager Swarm (leader first);
 * - job `consul`: one consul_exporter (it lists every member);
 * - jobs `weave`, `gluster`, `cadvisor`: one target per node.
 *
 * A fault changes what the targets answer; Prometheus sees it at its next scrape. Faults add up; `heal`
 * clears them all. cAdvisor's samples carry their collection time, so its answers are re-collected every
 * second (as cAdvisor's housekeeping does): a fixed body would age until Prometheus drops its samples.
 */
import {
  RECORDED_ENGINE_CAPTURES,
  startMetricsFileServer,
  type MetricsFileServer,
  type ScrapeConfig,
} from '../harness';
import { cadvisorScrape, type CadvisorService } from './cadvisor';
import { consulCluster, consulScrape, withMemberStatus } from './consul';
import { httpError } from './exposition';
import { glusterCluster, glusterScrape, withVolume } from './gluster';
import { serveScrape } from './index';
import { weaveMesh, weaveScrape } from './weave';

/** Nodes of the simulated cluster: the recorded engines are three managers. */
export const CLUSTER_NODES = 3;

/** The faults, by the name used on the command line, in the demo's control URL and on its page. */
export const CLUSTER_FAULTS = {
  'lose-manager': "lose a manager: a follower's Docker engine (capture 9325) stops answering (HTTP 500)",
  'lose-two-managers': "lose two managers: both followers' engines stop answering, quorum is lost",
  'consul-leader': 'Consul loses its leader (consul_raft_leader 0)',
  'consul-raft-peer-gone':
    'a Consul server is gone: its Serf member failed (serfHealth critical), autopilot removed it from Raft (2 peers)',
  'weave-isolated': 'Weave router 1 isolated from the other two',
  'weave-connections-failing': 'Weave connections between routers 1 and 2 failing (state "failed" at both ends)',
  'gluster-heal-vanished': 'gluster heal info vanishes (a brick of replica volume v2 is down)',
  'stop-exporter': 'stop an exporter: consul_exporter answers HTTP 503',
  'cadvisor-stopped': 'stop an exporter: cAdvisor on node 3 answers HTTP 503',
  heal: 'heal all: back to the healthy cluster',
} as const;
export type ClusterFault = keyof typeof CLUSTER_FAULTS;
/** A fault that stays active until `heal`. */
export type ActiveFault = Exclude<ClusterFault, 'heal'>;

export function isClusterFault(name: string): name is ClusterFault {
  return Object.prototype.hasOwnProperty.call(CLUSTER_FAULTS, name);
}

export type SimulatedJob = 'docker' | 'consul' | 'weave' | 'gluster' | 'cadvisor';
export const SIMULATED_JOBS: readonly SimulatedJob[] = ['docker', 'consul', 'weave', 'gluster', 'cadvisor'];

/** The Swarm services whose task containers cAdvisor sees on node `index` (0-based). */
function servicesOn(index: number): CadvisorService[] {
  return [
    { name: 'app_web', runningTasks: 1 },
    { name: 'app_db', runningTasks: index === 0 ? 1 : 0 },
  ];
}

export interface SimulatedClusterOptions {
  /** The collection time of cAdvisor's samples (default Date.now); injectable for tests. */
  clock?: () => number;
  /** How often cAdvisor re-collects (default 1000 ms). */
  cadvisorCollectMs?: number;
}

export interface SimulatedCluster {
  /** `host:port` of every target, per job, node order. */
  readonly targets: Readonly<Record<SimulatedJob, readonly string[]>>;
  /** Number of targets over all jobs. */
  readonly targetCount: number;
  /** The faults in effect. */
  readonly active: ReadonlySet<ActiveFault>;
  /** Adds a fault (`heal`: clears them all); the targets answer accordingly from now on. */
  inject(fault: ClusterFault): void;
  /** Clears every fault. */
  heal(): void;
  /** One static scrape config per simulated job. */
  scrapeConfigs(): ScrapeConfig[];
  /** Stops the re-collection and every target. Idempotent. */
  stop(): Promise<void>;
}

/** Starts every target of a healthy cluster; on failure the ones already listening are stopped again. */
export async function startSimulatedCluster(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
  const clock = options.clock ?? Date.now;
  const servers: MetricsFileServer[] = [];
  const start = async (file?: string) => {
    const server = await startMetricsFileServer(file === undefined ? {} : { file });
    servers.push(server);
    return server;
  };
  const perNode = () => Promise.all(Array.from({ length: CLUSTER_NODES }, () => start()));
  let served: Record<SimulatedJob, MetricsFileServer[]>;
  try {
    served = {
      docker: await Promise.all(RECORDED_ENGINE_CAPTURES.map((file) => start(file))),
      consul: [await start()],
      weave: await perNode(),
      gluster: await perNode(),
      cadvisor: await perNode(),
    };
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  const active = new Set<ActiveFault>();

  /** What cAdvisor answers now: re-collected on every call. */
  const collectCadvisor = () => {
    const stopped = active.has('cadvisor-stopped') ? CLUSTER_NODES - 1 : -1;
    served.cadvisor.forEach((server, i) =>
      serveScrape(
        server,
        i === stopped
          ? httpError(503, 'cAdvisor stopped (simulated)')
          : cadvisorScrape({ node: `node-${i + 1}`, services: servicesOn(i) }, clock())
      )
    );
  };

  /** Sets every target's answer from the active faults. */
  const apply = () => {
    const lost = active.has('lose-two-managers') ? 2 : active.has('lose-manager') ? 1 : 0;
    // Followers first: the captures are static, so losing the recorded leader (9323) would leave no leader at all.
    served.docker.forEach((engine, i) => (i >= served.docker.length - lost ? engine.fail(500) : engine.recover()));

    let consul = { ...consulCluster(CLUSTER_NODES, 0), leaderSeen: !active.has('consul-leader') };
    if (active.has('consul-raft-peer-gone')) {
      // The failed server stays a Serf member (status 4, serfHealth critical); autopilot's dead-server
      // clean-up has taken it out of the Raft configuration.
      consul = { ...withMemberStatus(consul, 4, `consul-server-${CLUSTER_NODES}`), raftPeers: CLUSTER_NODES - 1 };
    }
    served.consul.forEach((server) =>
      serveScrape(
        server,
        active.has('stop-exporter') ? httpError(503, 'consul_exporter stopped (simulated)') : consulScrape(consul)
      )
    );

    const mesh = weaveMesh(CLUSTER_NODES, {
      isolated: active.has('weave-isolated') ? [0] : [],
      failedLinks: active.has('weave-connections-failing') ? [[0, 1]] : [],
    });
    mesh.forEach((router, i) => served.weave[i] && serveScrape(served.weave[i], weaveScrape(router)));

    const base = glusterCluster(CLUSTER_NODES - 1);
    const pool = active.has('gluster-heal-vanished') ? withVolume(base, 'v2', { healPending: 'vanished' }) : base;
    served.gluster.forEach((server) => serveScrape(server, glusterScrape(pool)));

    collectCadvisor();
  };
  apply();
  // Not a wait: the periodic collection of a running cAdvisor. unref: it never keeps a process alive.
  const collector = setInterval(collectCadvisor, options.cadvisorCollectMs ?? 1000);
  collector.unref();

  const targets = Object.fromEntries(
    SIMULATED_JOBS.map((job) => [job, served[job].map((server) => server.address)])
  ) as Record<SimulatedJob, string[]>;
  const inject = (fault: ClusterFault) => {
    if (fault === 'heal') {
      active.clear();
    } else {
      active.add(fault);
    }
    apply();
  };
  let stopped: Promise<void> | undefined;
  return {
    targets,
    targetCount: servers.length,
    active,
    inject,
    heal: () => inject('heal'),
    scrapeConfigs: () => SIMULATED_JOBS.map((job) => ({ job_name: job, static_configs: [{ targets: targets[job] }] })),
    stop() {
      clearInterval(collector);
      stopped ??= Promise.all(servers.map((server) => server.stop())).then(() => undefined);
      return stopped;
    },
  };
}
