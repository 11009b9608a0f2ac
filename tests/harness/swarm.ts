/**
 * A real Docker Swarm made of several Docker engines on one machine, each a separate dockerd with
 * its own private directories, socket, metrics endpoint and 127.0.0.x address (see
 * /work/shared/TOOLCHAIN.md for the recipe this automates).
 *
 * Why real engines: the plugin's whole point is reading what engines really export
 * (`swarm_node_manager`, `swarm_manager_leader`, node counts) and how that changes when managers
 * stop; simulated metrics can only confirm our own assumptions.
 *
 * Isolation from the host (a system Docker, if any, is never touched):
 * - `hosts`, `data-root`, `exec-root`, `pidfile` live under one private directory; the docker CLI
 *   is always Debian's /usr/bin/docker with `-H unix://<our socket>` and a private DOCKER_CONFIG;
 * - `iptables`/`ip-masq` off, `bridge: none`; the `docker_gwbridge` network that Swarm creates for its
 *   ingress sandbox is pre-created per engine under a unique interface name in 198.18.0.0/15
 *   (RFC 2544 benchmarking range), instead of the shared default `docker_gwbridge` in 172.17/16;
 * - container cgroups go under a private `cgroup-parent`, removed on stop;
 * - on stop every dockerd, containerd, shim and container process is killed (they carry the private
 *   directory in their command lines), mounts below the directory are unmounted, the bridges deleted.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  deleteLinkSync,
  findOwnedProcesses,
  killOwnedPass,
  killOwnedSync,
  removeCgroupSync,
  removeStaleSocketsSync,
  unmountUnderSync,
} from './cleanup';
import { httpRequest, isRecord, parseJson } from './http';
import {
  createPrivateDir,
  formatLogTail,
  freePort,
  isPortFree,
  notRunningReason,
  PrivateDir,
  readLogTail,
  runCommand,
  ServiceHandle,
  spawnService,
  waitFor,
  waitForValue,
} from './processes';
import { registry, Registration } from './registry';

export const DOCKERD_BINARY = '/usr/sbin/dockerd';
/** Debian's CLI matching the 20.10 engine; /usr/local/bin/docker (28.x) shadows it in PATH. */
export const DOCKER_CLI = '/usr/bin/docker';
export const BUSYBOX_BINARY = '/bin/busybox';
/** Offline image built from busybox-static (nothing can be pulled here). */
export const BUSYBOX_IMAGE = 'local/busybox:latest';
const GOSSIP_PORT = 7946;
const FIRST_SWARM_PORT = 2377;

export type SwarmRole = 'manager' | 'worker';

export interface StartSwarmOptions {
  /** Number of manager engines (at least 1). */
  managers: number;
  /** Number of worker engines (default 0). */
  workers?: number;
  /** Deadline for the whole swarm to be up and consistent (default 60 s + 15 s per engine). */
  startTimeoutMs?: number;
}

/** One engine (node) of the swarm. */
export interface SwarmEngine {
  readonly index: number;
  readonly role: SwarmRole;
  /** Private directory of this engine (data-root, exec-root, socket, log). */
  readonly dir: string;
  /** Path of the Docker API socket. */
  readonly socket: string;
  /** `unix://<socket>`, as for `docker -H` and Prometheus' dockerswarm_sd_configs `host`. */
  readonly host: string;
  /** Loopback address of this engine (127.0.0.1 for engine 0, 127.0.0.2 for engine 1, …). */
  readonly ip: string;
  /** `ip:port` of the engine's Prometheus endpoint (the port is the same on every engine). */
  readonly metricsAddress: string;
  readonly metricsUrl: string;
  /** Swarm advertise/listen address `ip:port` (127.0.0.1:2377, 127.0.0.2:2378, …). */
  readonly advertiseAddress: string;
  /** Name of the interface backing this engine's docker_gwbridge network. */
  readonly gatewayBridge: string;
  /** Swarm node ID, known once the engine joined. */
  readonly nodeId: string;
  /** Whether the engine's dockerd is currently running (stopEngine/startEngine). */
  readonly running: boolean;
  /** Log of the current (or last) dockerd run. */
  logTail(lines?: number): string;
}

export interface CreateServiceOptions {
  name: string;
  /** Replicated (default) or global. */
  mode?: 'replicated' | 'global';
  /** Replicas for replicated mode (default 1). */
  replicas?: number;
  /** Command run by the busybox image (default `sleep 1d`). */
  command?: string[];
  /** Placement constraints, e.g. ['node.role==manager']. */
  constraints?: string[];
  /** Additional `docker service create` flags. */
  extraArgs?: string[];
}

/** A node as the swarm's manager reports it (subset of GET /nodes). */
export interface SwarmNodeInfo {
  id: string;
  role: SwarmRole;
  state: string;
  availability: string;
  address: string;
  leader: boolean;
  reachability?: string;
  /**
   * Raft address `ip:port` of a manager. Unlike `address` it is the advertise address: on one host
   * every node dials the leader from 127.0.0.1, so `Status.Addr` (Prometheus'
   * `__meta_dockerswarm_node_address`) reads 127.0.0.1 for most nodes. For dockerswarm_sd over
   * several engines relabel `__meta_dockerswarm_node_manager_address` instead.
   */
  managerAddress?: string;
}

export interface SwarmHandle {
  /** Private directory holding every engine's directory. */
  readonly dir: string;
  readonly engines: readonly SwarmEngine[];
  /** The metrics port shared by all engines (each on its own 127.0.0.x). */
  readonly metricsPort: number;
  /** Runs `/usr/bin/docker -H unix://<socket of engine i> …args`; resolves to trimmed stdout. */
  docker(
    engineIndex: number,
    args: readonly string[],
    options?: { timeoutMs?: number; input?: string }
  ): Promise<string>;
  /** GET on engine i's Docker API; resolves to the parsed JSON. */
  api(engineIndex: number, apiPath: string): Promise<unknown>;
  /**
   * Stops engine i. Default: SIGKILL of dockerd, containerd, shims and containers (a node crash,
   * instant); `graceful: true` sends SIGTERM and lets dockerd shut down (3–6 s).
   */
  stopEngine(engineIndex: number, options?: { graceful?: boolean }): Promise<void>;
  /** Starts a stopped engine again with the same state; waits until it is back in the swarm. */
  startEngine(engineIndex: number, options?: { timeoutMs?: number }): Promise<void>;
  /** Index of a running manager whose API answers (the first one), for manager-only commands. */
  managerIndex(): number;
  /** Nodes as seen by a running manager. */
  nodes(fromEngine?: number): Promise<SwarmNodeInfo[]>;
  /** Imports the offline busybox image into engine i (default: every running engine). Idempotent. */
  importBusyboxImage(engineIndex?: number): Promise<void>;
  /** `docker service create` of the busybox image with host networking; resolves to the service ID. */
  createService(options: CreateServiceOptions): Promise<string>;
  /** Waits until `count` tasks of the service are running; returns that count. */
  waitForServiceTasks(name: string, count: number, options?: { timeoutMs?: number }): Promise<number>;
  /** Kills everything, unmounts, removes bridges, cgroups and the directory. Idempotent. */
  stop(): Promise<void>;
}

interface EngineState {
  index: number;
  role: SwarmRole;
  dir: string;
  socket: string;
  host: string;
  ip: string;
  swarmPort: number;
  metricsAddress: string;
  metricsUrl: string;
  advertiseAddress: string;
  gatewayBridge: string;
  gatewaySubnet: string;
  cgroupParent: string;
  configPath: string;
  nodeId: string;
  service: ServiceHandle | undefined;
  runs: number;
  lastLogFile: string;
}

interface AddressPlan {
  ips: string[];
  swarmPorts: number[];
  metricsPort: number;
}

/**
 * Picks loopback addresses and ports: 127.0.0.(i+1) and 2377+i as in TOOLCHAIN.md when they are
 * free, otherwise the same pattern in 127.0.B.x blocks. Gossip (7946, TCP and UDP) binds per
 * address, so each engine needs its own IP; the metrics port is shared so that Prometheus'
 * dockerswarm_sd relabelling `<node address>:<port>` reaches every engine.
 */
async function planAddresses(count: number): Promise<AddressPlan> {
  for (let block = 0; block < 32; block++) {
    const ips = Array.from({ length: count }, (_, i) => `127.0.${block}.${i + 1}`);
    const swarmPorts = Array.from({ length: count }, (_, i) => FIRST_SWARM_PORT + i);
    const first = ips[0] ?? '127.0.0.1';
    const metricsPort = await freePort(first);
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const ip = ips[i] ?? first;
      ok =
        (await isPortFree(ip, swarmPorts[i] ?? FIRST_SWARM_PORT)) &&
        (await isPortFree(ip, GOSSIP_PORT, { udp: true })) &&
        (await isPortFree(ip, metricsPort));
    }
    if (ok) {
      return { ips, swarmPorts, metricsPort };
    }
  }
  throw new Error('no free 127.0.B.x block with swarm, gossip and metrics ports available');
}

const usedSubnets = new Set<string>();

/** IPv4 routes of the host as [network, mask] (host byte order), default route excluded. */
function hostRoutes(): Array<[number, number]> {
  const routes: Array<[number, number]> = [];
  let text = '';
  try {
    text = fs.readFileSync('/proc/net/route', 'utf8');
  } catch {
    return routes;
  }
  const toHost = (hex: string): number => {
    const le = parseInt(hex, 16);
    return (
      (((le & 0xff) << 24) | (((le >>> 8) & 0xff) << 16) | (((le >>> 16) & 0xff) << 8) | ((le >>> 24) & 0xff)) >>> 0
    );
  };
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const destination = fields[1];
    const mask = fields[7];
    if (destination && mask && mask !== '00000000') {
      routes.push([toHost(destination), toHost(mask)]);
    }
  }
  return routes;
}

/** A /28 in 198.18.0.0/15 that overlaps no host route and no subnet we already handed out. */
function pickGatewaySubnet(): string {
  const routes = hostRoutes();
  const mask = 0xfffffff0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const network = ((198 << 24) | (18 << 16) | (Math.floor(Math.random() * 8192) << 4)) >>> 0;
    const overlaps = routes.some(([net, m]) => (network & m) >>> 0 === net || (net & mask) >>> 0 === network);
    const text = `${network >>> 24}.${(network >>> 16) & 0xff}.${(network >>> 8) & 0xff}.${network & 0xff}/28`;
    if (!overlaps && !usedSubnets.has(text)) {
      usedSubnets.add(text);
      return text;
    }
  }
  throw new Error('no free /28 in 198.18.0.0/15 for a docker_gwbridge');
}

/** Value of an unlabelled sample in a Prometheus text exposition. */
export function sampleValue(exposition: string, metric: string): number | undefined {
  const match = new RegExp(`^${metric} (\\S+)$`, 'm').exec(exposition);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function dockerEnv(configDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: configDir };
  // Whatever the developer's shell points at must not redirect our commands.
  for (const key of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']) {
    delete env[key];
  }
  return env;
}

/** Builds `<dir>/busybox-rootfs.tar`: /bin/busybox plus one symlink per applet. */
async function buildBusyboxRootfs(dir: string): Promise<string> {
  const tarFile = path.join(dir, 'busybox-rootfs.tar');
  if (fs.existsSync(tarFile)) {
    return tarFile;
  }
  const rootfs = path.join(dir, 'busybox-rootfs');
  const bin = path.join(rootfs, 'bin');
  await fs.promises.mkdir(bin, { recursive: true });
  for (const sub of ['tmp', 'etc', 'proc', 'sys', 'dev']) {
    await fs.promises.mkdir(path.join(rootfs, sub), { recursive: true });
  }
  await fs.promises.copyFile(BUSYBOX_BINARY, path.join(bin, 'busybox'));
  await fs.promises.chmod(path.join(bin, 'busybox'), 0o755);
  const { stdout } = await runCommand(BUSYBOX_BINARY, ['--list'], { timeoutMs: 5000 });
  for (const applet of stdout.split('\n').map((s) => s.trim())) {
    if (applet && applet !== 'busybox' && /^[\w.\-[]+$/.test(applet)) {
      await fs.promises.symlink('busybox', path.join(bin, applet)).catch(() => undefined);
    }
  }
  await runCommand('tar', ['-C', rootfs, '-cf', `${tarFile}.tmp`, '.'], { timeoutMs: 30000 });
  await fs.promises.rename(`${tarFile}.tmp`, tarFile);
  return tarFile;
}

/** containerd's hard-coded directory for shim sockets (outside any configurable root). */
const SHIM_SOCKET_DIR = '/run/containerd/s';

/**
 * Starts a swarm of `managers` manager engines (+ `workers`) and waits until every node is ready,
 * every manager reachable, exactly one leader exists and every engine's metrics say so.
 */
export async function startSwarm(options: StartSwarmOptions): Promise<SwarmHandle> {
  const managers = options.managers;
  const workers = options.workers ?? 0;
  if (!Number.isInteger(managers) || managers < 1 || !Number.isInteger(workers) || workers < 0) {
    throw new Error(`startSwarm needs managers >= 1 and workers >= 0, got ${managers}/${workers}`);
  }
  for (const binary of [DOCKERD_BINARY, DOCKER_CLI]) {
    if (!fs.existsSync(binary)) {
      throw new Error(`${binary} is missing; run scripts/install-services.sh`);
    }
  }
  const count = managers + workers;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60000 + 15000 * count);
  const remaining = (): number => Math.max(1000, deadline - Date.now());

  const root: PrivateDir = await createPrivateDir('swarm');
  const tag = randomBytes(3).toString('hex');
  const cliConfig = path.join(root.path, 'cli');
  await fs.promises.mkdir(cliConfig);
  const env = dockerEnv(cliConfig);
  // Safety net for everything below root.path, registered before the first dockerd starts.
  const registration: Registration = registry.register(`swarm ${root.path}`, {
    markers: [`${root.path}/`],
    dirs: [root.path],
    staleSocketDirs: [SHIM_SOCKET_DIR],
  });

  const engines: EngineState[] = [];
  let stopped: Promise<void> | undefined;

  const engineAt = (index: number): EngineState => {
    const engine = engines[index];
    if (!engine) {
      throw new Error(`no engine ${index} (swarm has ${engines.length})`);
    }
    return engine;
  };

  const api = async (index: number, apiPath: string): Promise<unknown> => {
    const engine = engineAt(index);
    const response = await httpRequest(`http://docker${apiPath}`, { socketPath: engine.socket, timeoutMs: 10000 });
    if (response.status !== 200) {
      throw new Error(`engine ${index} GET ${apiPath}: ${response.status} ${response.body.trim()}`);
    }
    return parseJson(response.body);
  };

  const docker = async (
    index: number,
    args: readonly string[],
    runOptions: { timeoutMs?: number; input?: string } = {}
  ): Promise<string> => {
    const engine = engineAt(index);
    try {
      const { stdout } = await runCommand(DOCKER_CLI, ['-H', engine.host, ...args], {
        env,
        timeoutMs: runOptions.timeoutMs ?? 60000,
        input: runOptions.input,
      });
      return stdout.trim();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`engine ${index}: ${message}\n${formatLogTail(`dockerd ${index}`, engine.lastLogFile, 15)}`);
    }
  };

  const swarmInfo = async (index: number): Promise<{ state: string; nodeId: string; control: boolean }> => {
    const info = await api(index, '/info');
    const swarm = isRecord(info) && isRecord(info.Swarm) ? info.Swarm : {};
    return {
      state: typeof swarm.LocalNodeState === 'string' ? swarm.LocalNodeState : '',
      nodeId: typeof swarm.NodeID === 'string' ? swarm.NodeID : '',
      control: swarm.ControlAvailable === true,
    };
  };

  const launch = async (engine: EngineState, timeoutMs: number): Promise<void> => {
    engine.runs += 1;
    const name = engine.runs === 1 ? `dockerd-${engine.index}` : `dockerd-${engine.index}-run${engine.runs}`;
    const service = spawnService({
      name,
      command: DOCKERD_BINARY,
      args: ['--config-file', engine.configPath],
      logDir: engine.dir,
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: engine.dir },
      ownedMarkers: [`${engine.dir}/`],
      stopTimeoutMs: 20000,
    });
    engine.service = service;
    engine.lastLogFile = service.logFile;
    await waitFor(
      async () =>
        (await httpRequest('http://docker/_ping', { socketPath: engine.socket, timeoutMs: 2000 })).status === 200,
      {
        timeoutMs,
        intervalMs: 50,
        what: `dockerd ${engine.index} API on ${engine.socket}`,
        abortIf: () => notRunningReason(service),
        diagnostics: () => formatLogTail(name, service.logFile),
      }
    );
  };

  const metricsOf = async (engine: EngineState): Promise<string> => {
    const response = await httpRequest(engine.metricsUrl, { timeoutMs: 5000 });
    if (response.status !== 200) {
      throw new Error(`${engine.metricsUrl} answered ${response.status}`);
    }
    return response.body;
  };

  const waitForSwarmMember = async (engine: EngineState, timeoutMs: number): Promise<void> => {
    engine.nodeId = await waitForValue(
      async () => {
        const info = await swarmInfo(engine.index);
        const wantControl = engine.role === 'manager';
        return info.state === 'active' && info.nodeId && info.control === wantControl ? info.nodeId : undefined;
      },
      {
        timeoutMs,
        intervalMs: 100,
        what: `engine ${engine.index} to be an active swarm ${engine.role}`,
        abortIf: () => (engine.service ? notRunningReason(engine.service) : 'not started'),
        diagnostics: () => formatLogTail(`dockerd ${engine.index}`, engine.lastLogFile),
      }
    );
  };

  const managerIndex = (): number => {
    const manager = engines.find((e) => e.role === 'manager' && e.service && e.service.exitStatus() === undefined);
    if (!manager) {
      throw new Error('no running manager engine');
    }
    return manager.index;
  };

  const nodes = async (fromEngine?: number): Promise<SwarmNodeInfo[]> => {
    const list = await api(fromEngine ?? managerIndex(), '/nodes');
    if (!Array.isArray(list)) {
      throw new Error(`unexpected /nodes answer: ${JSON.stringify(list).slice(0, 200)}`);
    }
    return list.filter(isRecord).map((node) => {
      const spec = isRecord(node.Spec) ? node.Spec : {};
      const status = isRecord(node.Status) ? node.Status : {};
      const manager = isRecord(node.ManagerStatus) ? node.ManagerStatus : undefined;
      return {
        id: String(node.ID),
        role: spec.Role === 'manager' ? 'manager' : 'worker',
        state: String(status.State),
        availability: String(spec.Availability),
        address: String(status.Addr),
        leader: manager?.Leader === true,
        reachability: manager ? String(manager.Reachability) : undefined,
        managerAddress: manager ? String(manager.Addr) : undefined,
      };
    });
  };

  const importBusyboxImage = async (engineIndex?: number): Promise<void> => {
    const targets =
      engineIndex === undefined
        ? engines.filter((e) => e.service && e.service.exitStatus() === undefined)
        : [engineAt(engineIndex)];
    const tarFile = await buildBusyboxRootfs(root.path);
    for (const engine of targets) {
      const present = await httpRequest(`http://docker/images/${BUSYBOX_IMAGE}/json`, {
        socketPath: engine.socket,
        timeoutMs: 10000,
      });
      if (present.status !== 200) {
        await docker(engine.index, ['import', '-c', 'CMD ["/bin/sh"]', tarFile, BUSYBOX_IMAGE]);
      }
    }
  };

  const stopEngine = async (index: number, stopOptions: { graceful?: boolean } = {}): Promise<void> => {
    const engine = engineAt(index);
    const service = engine.service;
    if (!service) {
      return;
    }
    await service.stop({ timeoutMs: stopOptions.graceful ? 20000 : 0 });
    engine.service = undefined;
  };

  const startEngine = async (index: number, startOptions: { timeoutMs?: number } = {}): Promise<void> => {
    const engine = engineAt(index);
    if (engine.service && engine.service.exitStatus() === undefined) {
      return;
    }
    const timeoutMs = startOptions.timeoutMs ?? 60000;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await launch(engine, Math.max(1000, deadline - Date.now()));
        break;
      } catch (error) {
        // After a SIGKILL, under load, dockerd sometimes gives up on its restarted containerd (its own
        // 15 s limit, seen in CI): clear what is left of this engine and start it again while time remains.
        const exited = engine.service?.exitStatus() !== undefined;
        if (!exited || attempt >= 3 || deadline - Date.now() < 5000) {
          throw error;
        }
        killOwnedSync({ pgids: [], markers: [`${engine.dir}/`] });
      }
    }
    await waitForSwarmMember(engine, Math.max(1000, deadline - Date.now()));
  };

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.all(engines.map((e) => e.service?.stop({ timeoutMs: 0 })));
      // Anything still carrying the swarm directory (a shim whose dockerd was restarted, …).
      const owned = { pgids: [], markers: [`${root.path}/`] };
      await waitFor(() => killOwnedPass(owned) === 0, {
        timeoutMs: 10000,
        intervalMs: 50,
        what: `every process of swarm ${root.path} to die`,
        diagnostics: () =>
          findOwnedProcesses(owned)
            .map((p) => `${p.pid} ${p.cmdline}`)
            .join('\n'),
      });
      const leftMounts = unmountUnderSync(root.path);
      if (leftMounts.length > 0) {
        throw new Error(`could not unmount ${leftMounts.join(', ')}`);
      }
      for (const engine of engines) {
        deleteLinkSync(engine.gatewayBridge);
        const problems = removeCgroupSync(engine.cgroupParent);
        if (problems.length > 0) {
          throw new Error(problems.join('\n'));
        }
      }
      // Shims killed by SIGKILL leave their sockets in containerd's fixed /run/containerd/s.
      removeStaleSocketsSync(SHIM_SOCKET_DIR);
      await root.remove();
      registration.release();
    })();
    return stopped;
  };

  try {
    const plan = await planAddresses(count);
    for (let index = 0; index < count; index++) {
      const dir = path.join(root.path, `e${index}`);
      await fs.promises.mkdir(dir);
      const ip = plan.ips[index] ?? '127.0.0.1';
      const swarmPort = plan.swarmPorts[index] ?? FIRST_SWARM_PORT;
      const engine: EngineState = {
        index,
        role: index < managers ? 'manager' : 'worker',
        dir,
        socket: path.join(dir, 'docker.sock'),
        host: `unix://${path.join(dir, 'docker.sock')}`,
        ip,
        swarmPort,
        metricsAddress: `${ip}:${plan.metricsPort}`,
        metricsUrl: `http://${ip}:${plan.metricsPort}/metrics`,
        advertiseAddress: `${ip}:${swarmPort}`,
        gatewayBridge: `pgw${tag}e${index}`,
        gatewaySubnet: pickGatewaySubnet(),
        cgroupParent: `/panopticon-${tag}-e${index}`,
        configPath: path.join(dir, 'daemon.json'),
        nodeId: '',
        service: undefined,
        runs: 0,
        lastLogFile: path.join(dir, `dockerd-${index}.log`),
      };
      engines.push(engine);
      registration.update({ links: [engine.gatewayBridge], cgroups: [engine.cgroupParent] });
      await fs.promises.writeFile(
        engine.configPath,
        JSON.stringify(
          {
            hosts: [engine.host],
            'data-root': path.join(dir, 'data'),
            'exec-root': path.join(dir, 'exec'),
            pidfile: path.join(dir, 'docker.pid'),
            'metrics-addr': engine.metricsAddress,
            iptables: false,
            'ip-masq': false,
            bridge: 'none',
            'storage-driver': 'vfs',
            'cgroup-parent': engine.cgroupParent,
          },
          null,
          2
        )
      );
    }

    // Engines start in parallel (each takes ~0.2–1 s), but join one at a time: Raft adds one
    // member per configuration change.
    await Promise.all(engines.map((engine) => launch(engine, remaining())));
    for (const engine of engines) {
      await docker(engine.index, [
        'network',
        'create',
        '--driver',
        'bridge',
        '--subnet',
        engine.gatewaySubnet,
        '--opt',
        `com.docker.network.bridge.name=${engine.gatewayBridge}`,
        '--opt',
        'com.docker.network.bridge.enable_icc=false',
        '--opt',
        'com.docker.network.bridge.enable_ip_masquerade=false',
        'docker_gwbridge',
      ]);
    }
    const [first, ...others] = engines;
    if (!first) {
      throw new Error('no engine');
    }
    await docker(first.index, [
      'swarm',
      'init',
      '--advertise-addr',
      first.advertiseAddress,
      '--listen-addr',
      first.advertiseAddress,
    ]);
    await waitForSwarmMember(first, remaining());
    const managerToken = await docker(first.index, ['swarm', 'join-token', '-q', 'manager']);
    const workerToken = await docker(first.index, ['swarm', 'join-token', '-q', 'worker']);
    for (const engine of others) {
      await docker(engine.index, [
        'swarm',
        'join',
        '--token',
        engine.role === 'manager' ? managerToken : workerToken,
        '--advertise-addr',
        engine.advertiseAddress,
        '--listen-addr',
        engine.advertiseAddress,
        first.advertiseAddress,
      ]);
      await waitForSwarmMember(engine, remaining());
    }

    // Consistent view: all nodes ready, all managers reachable, one leader …
    let lastNodes: SwarmNodeInfo[] = [];
    await waitFor(
      async () => {
        lastNodes = await nodes(first.index);
        return (
          lastNodes.length === count &&
          lastNodes.every((n) => n.state === 'ready') &&
          lastNodes.filter((n) => n.role === 'manager' && n.reachability === 'reachable').length === managers &&
          lastNodes.filter((n) => n.leader).length === 1
        );
      },
      {
        timeoutMs: remaining(),
        intervalMs: 200,
        what: `${managers} reachable managers and ${workers} workers, all ready, one leader`,
        diagnostics: () => `nodes: ${JSON.stringify(lastNodes)}`,
      }
    );
    // … and the engines' own metrics agree, since that is what tests will scrape.
    let lastMetrics = '';
    await waitFor(
      async () => {
        let leaders = 0;
        for (const engine of engines) {
          const text = await metricsOf(engine);
          lastMetrics = `${engine.metricsUrl}: swarm_node_manager=${sampleValue(text, 'swarm_node_manager')} swarm_manager_leader=${sampleValue(text, 'swarm_manager_leader')}`;
          if (sampleValue(text, 'swarm_node_manager') !== (engine.role === 'manager' ? 1 : 0)) {
            return false;
          }
          leaders += sampleValue(text, 'swarm_manager_leader') ?? 0;
        }
        return leaders === 1;
      },
      {
        timeoutMs: remaining(),
        intervalMs: 200,
        what: 'engine metrics to show the swarm roles and exactly one leader',
        diagnostics: () => `last: ${lastMetrics}`,
      }
    );
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const publicEngines: SwarmEngine[] = engines.map((engine) => ({
    index: engine.index,
    role: engine.role,
    dir: engine.dir,
    socket: engine.socket,
    host: engine.host,
    ip: engine.ip,
    metricsAddress: engine.metricsAddress,
    metricsUrl: engine.metricsUrl,
    advertiseAddress: engine.advertiseAddress,
    gatewayBridge: engine.gatewayBridge,
    get nodeId() {
      return engine.nodeId;
    },
    get running() {
      return engine.service !== undefined && engine.service.exitStatus() === undefined;
    },
    logTail: (lines?: number) => readLogTail(engine.lastLogFile, lines),
  }));

  return {
    dir: root.path,
    engines: publicEngines,
    metricsPort: Number(engines[0]?.metricsAddress.split(':')[1]),
    docker,
    api,
    stopEngine,
    startEngine,
    managerIndex,
    nodes,
    importBusyboxImage,
    createService: async (serviceOptions: CreateServiceOptions) => {
      await importBusyboxImage();
      const args = [
        'service',
        'create',
        '--detach',
        '--quiet',
        '--no-resolve-image',
        '--network',
        'host',
        // busybox `sleep` as PID 1 ignores SIGTERM; do not make every task stop take 10 s.
        '--stop-grace-period',
        '1s',
        '--name',
        serviceOptions.name,
      ];
      if (serviceOptions.mode === 'global') {
        args.push('--mode', 'global');
      } else {
        args.push('--replicas', String(serviceOptions.replicas ?? 1));
      }
      for (const constraint of serviceOptions.constraints ?? []) {
        args.push('--constraint', constraint);
      }
      args.push(...(serviceOptions.extraArgs ?? []), BUSYBOX_IMAGE, ...(serviceOptions.command ?? ['sleep', '1d']));
      return docker(managerIndex(), args);
    },
    waitForServiceTasks: async (name: string, wanted: number, waitOptions: { timeoutMs?: number } = {}) => {
      let lastStates: string[] = [];
      return waitForValue(
        async () => {
          const filters = encodeURIComponent(JSON.stringify({ service: [name], 'desired-state': ['running'] }));
          const tasks = await api(managerIndex(), `/tasks?filters=${filters}`);
          lastStates = Array.isArray(tasks)
            ? tasks.filter(isRecord).map((t) => (isRecord(t.Status) ? String(t.Status.State) : '?'))
            : [];
          const running = lastStates.filter((s) => s === 'running').length;
          return running === wanted ? running : undefined;
        },
        {
          timeoutMs: waitOptions.timeoutMs ?? 30000,
          intervalMs: 200,
          what: `${wanted} running task(s) of service ${name}`,
          diagnostics: () => `task states: ${lastStates.join(', ') || '(none)'}`,
        }
      );
    },
    stop,
  };
}

/**
 * A scrape job that discovers a swarm's nodes through the managers' Docker API, as a real Swarm deployment
 * of Prometheus would: each node at its address with the engines' shared metrics port, its role kept as
 * the `swarm_role` label. Every manager is asked (Prometheus merges the identical targets), so one manager
 * down does not blind it. On one host every node's `Status.Addr` reads 127.0.0.1 (see README): a manager's
 * own advertise address, when it has one, replaces it.
 */
export function swarmNodesScrapeConfig(jobName: string, swarm: Pick<SwarmHandle, 'engines' | 'metricsPort'>) {
  return {
    job_name: jobName,
    dockerswarm_sd_configs: swarm.engines
      .filter((engine) => engine.role === 'manager')
      .map((engine) => ({ host: engine.host, role: 'nodes' as const, refresh_interval: '5s' })),
    relabel_configs: [
      {
        source_labels: ['__meta_dockerswarm_node_address'],
        regex: '(.+)',
        target_label: '__address__',
        replacement: `$1:${swarm.metricsPort}`,
      },
      {
        source_labels: ['__meta_dockerswarm_node_manager_address'],
        regex: '([^:]+):\\d+',
        target_label: '__address__',
        replacement: `$1:${swarm.metricsPort}`,
      },
      { source_labels: ['__meta_dockerswarm_node_role'], target_label: 'swarm_role' },
    ],
  };
}
