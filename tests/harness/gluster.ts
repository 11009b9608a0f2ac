/**
 * A real GlusterFS volume (replica 3 by default) on one machine: one glusterd and one brick
 * process per brick, all in a private network namespace and a private directory (see
 * /work/shared/TOOLCHAIN.md for the hand-made recipe this automates).
 *
 * Why real Gluster: what the exporter has to survive (a down brick reported as pid -1 / port N/A,
 * heal info saying `-` instead of a number) is only trustworthy when the real CLI says it.
 *
 * Isolation from the host and from other beds (a system glusterd, if any, is never touched):
 * - Network: glusterd always listens on 24007 and bricks always dial 24007, and `volume create`
 *   refuses 127.0.0.1, so everything runs in its own network namespace `pgl-<random>` with only `lo`
 *   up; glusterd and bricks bind 127.0.0.2 there (unreachable from the host).
 * - Files: glusterd 10.3 writes to hard-coded paths whatever glusterd.vol says: brick and shd logs
 *   and cmd_history.log in /var/log/glusterfs, brick sockets in /var/run/gluster, geo-replication
 *   files in /var/lib/glusterd; and `heal info` (glfsheal) only ever dials /var/run/glusterd.socket.
 *   So glusterd runs in a private MOUNT namespace too, where <dir>/lib, <dir>/log and <dir>/run are
 *   bind-mounted over /var/lib/glusterd, /var/log/glusterfs and /run. Every gluster CLI call enters
 *   that mount and network namespace (nsenter --target <glusterd>), so `/var/run/glusterd.socket`
 *   is ours (<dir>/run/glusterd.socket on the host) and nothing is written outside <dir>.
 * - Processes: glusterd runs in the foreground (-N) as a harness service; bricks and the self-heal
 *   daemon daemonize (setsid, re-parented to PID 1), so ownership is "every process in our network
 *   namespace" (glustershd's command line names no private path) plus the `<dir>/` marker.
 * - The registry entry (dir, marker, netns) exists before the namespace is created, so the reaper
 *   removes everything even if the test runner is SIGKILLed.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  deleteNetnsSync,
  findNetnsProcesses,
  findOwnedProcesses,
  killOwnedPass,
  readProcess,
  signalQuietly,
} from './cleanup';
import {
  createPrivateDir,
  formatLogTail,
  notRunningReason,
  PrivateDir,
  runCommand,
  ServiceHandle,
  spawnService,
  waitFor,
  waitForValue,
} from './processes';
import { registry, Registration } from './registry';

export const GLUSTERD_BINARY = '/usr/sbin/glusterd';
export const GLUSTER_CLI = '/usr/sbin/gluster';
const NSENTER = '/usr/bin/nsenter';
const UNSHARE = '/usr/bin/unshare';
const IP = '/usr/sbin/ip';
/** Brick host: gluster refuses 127.0.0.1 ("provide a valid hostname/ip other than localhost"). */
export const GLUSTER_HOST = '127.0.0.2';
/** Host paths that glusterd writes to regardless of its configuration; each is shadowed by a bind mount. */
const SHADOWED = { lib: '/var/lib/glusterd', log: '/var/log/glusterfs', run: '/run' } as const;
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface StartGlusterOptions {
  /** Volume name (default `pgv`). */
  volume?: string;
  /** Replica count = number of bricks (default 3). */
  replicas?: number;
  /** Deadline for glusterd, volume creation and all bricks online (default 60 s). */
  startTimeoutMs?: number;
}

export interface GlusterBrick {
  readonly index: number;
  /** `host:path`, the brick's name in every gluster command and XML answer. */
  readonly id: string;
  readonly host: string;
  /** Brick directory (inside the private directory). */
  readonly path: string;
}

/** One brick as `volume status --xml` reports it; values kept as gluster prints them. */
export interface GlusterBrickStatus {
  /** `host:path`. */
  id: string;
  host: string;
  path: string;
  online: boolean;
  /** Brick process id; -1 when the brick is down. */
  pid: number;
  /** TCP port; the string `N/A` when the brick is down. */
  port: string;
}

export interface GlusterVolumeStatus {
  bricks: GlusterBrickStatus[];
  /** Self-heal daemon nodes (`<hostname>localhost</hostname>` rows). */
  selfHealDaemons: Array<{ online: boolean; pid: number }>;
}

/** Subset of `volume info --xml`. */
export interface GlusterVolumeInfo {
  name: string;
  /** `Replicate`, `Distribute`, … */
  typeStr: string;
  /** `Created`, `Started`, `Stopped`. */
  statusStr: string;
  brickCount: number;
  replicaCount: number;
  bricks: string[];
}

/** One brick of `volume heal VOL info --xml`. */
export interface GlusterHealBrick {
  /** `host:path`. */
  id: string;
  /** `Connected`, or the error text (`Transport endpoint is not connected` for a down brick). */
  status: string;
  /** `<numberOfEntries>` verbatim: a number, or `-` when the brick is down. */
  numberOfEntries: string;
  /** numberOfEntries as a number, undefined when gluster did not give one. */
  entries: number | undefined;
}

export interface GlusterHandle {
  /** Private directory: bricks, glusterd state (lib), logs (log), sockets and pid files (run). */
  readonly dir: string;
  /** Name of the private network namespace (`ip netns`). */
  readonly netns: string;
  readonly volume: string;
  readonly bricks: readonly GlusterBrick[];
  /** pid of glusterd (host pid namespace). */
  readonly glusterdPid: number;
  /**
   * Runs the gluster CLI against OUR glusterd (in its network and mount namespace, `--mode=script`)
   * and resolves to stdout. Rejects on a non-zero exit. With `--xml`, check `<opRet>` yourself or
   * use `glusterXml`.
   */
  gluster(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
  /** `gluster(args + --xml)`, rejecting when `<opRet>` is not 0 (with `<opErrstr>`). */
  glusterXml(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
  volumeInfo(): Promise<GlusterVolumeInfo>;
  volumeStatus(): Promise<GlusterVolumeStatus>;
  healInfo(): Promise<GlusterHealBrick[]>;
  /**
   * SIGKILLs brick i's process (a crash) and waits until glusterd reports it offline.
   * Resolves to the pid that was killed.
   */
  killBrick(index: number): Promise<number>;
  /** `volume start VOL force` (restarts killed bricks) and waits until every brick is online. */
  startBricks(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * FUSE-mounts the volume at `<dir>/mnt` in the host's mount namespace (the client process runs in
   * our network namespace). Idempotent; resolves to the mount point.
   */
  mount(): Promise<string>;
  /** Last lines of glusterd's log. */
  logTail(lines?: number): string;
  /**
   * Unmounts, stops the volume, kills glusterd, bricks and helpers, deletes the network namespace
   * and the directory. Idempotent.
   */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Minimal XML reading: gluster's --xml answers are flat, machine-written and entity-free in the
// fields we read, which is not worth a dependency.

/** Inner texts of every `<tag …>…</tag>` (non-nested tags only). */
export function xmlElements(xml: string, tag: string): string[] {
  const result: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>|<${tag}(?:\\s[^>]*)?/>`, 'g');
  for (let match = re.exec(xml); match; match = re.exec(xml)) {
    result.push(match[1] ?? '');
  }
  return result;
}

/** Text of the first `<tag>`, trimmed; undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  return xmlElements(xml, tag)[0]?.trim();
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Throws a readable error when a gluster --xml answer reports failure. */
function checkOpRet(xml: string, what: string): string {
  const opRet = xmlText(xml, 'opRet');
  if (opRet !== '0') {
    throw new Error(`gluster ${what}: opRet ${opRet ?? '(missing)'}: ${xmlText(xml, 'opErrstr') ?? xml.slice(0, 300)}`);
  }
  return xml;
}

export function parseVolumeInfo(xml: string): GlusterVolumeInfo[] {
  return xmlElements(xml, 'volume')
    .filter((v) => xmlText(v, 'name') !== undefined)
    .map((v) => ({
      name: xmlText(v, 'name') ?? '',
      typeStr: xmlText(v, 'typeStr') ?? '',
      statusStr: xmlText(v, 'statusStr') ?? '',
      brickCount: Number(xmlText(v, 'brickCount')),
      replicaCount: Number(xmlText(v, 'replicaCount')),
      bricks: xmlElements(v, 'brick').map((b) => xmlText(b, 'name') ?? ''),
    }));
}

export function parseVolumeStatus(xml: string): GlusterVolumeStatus {
  const status: GlusterVolumeStatus = { bricks: [], selfHealDaemons: [] };
  for (const node of xmlElements(xml, 'node')) {
    const host = xmlText(node, 'hostname') ?? '';
    const online = xmlText(node, 'status') === '1';
    const pid = Number(xmlText(node, 'pid'));
    // Daemons (self-heal, …) are listed as nodes whose hostname is the literal `localhost`
    // (or `Self-heal Daemon` in older releases) and whose path is the peer's name.
    if (host === 'localhost' || host.includes('Daemon')) {
      status.selfHealDaemons.push({ online, pid });
      continue;
    }
    const brickPath = xmlText(node, 'path') ?? '';
    status.bricks.push({
      id: `${host}:${brickPath}`,
      host,
      path: brickPath,
      online,
      pid,
      port: xmlText(node, 'port') ?? '',
    });
  }
  return status;
}

export function parseHealInfo(xml: string): GlusterHealBrick[] {
  return xmlElements(xml, 'brick').map((b) => {
    const numberOfEntries = xmlText(b, 'numberOfEntries') ?? '';
    return {
      id: xmlText(b, 'name') ?? '',
      status: xmlText(b, 'status') ?? '',
      numberOfEntries,
      entries: /^\d+$/.test(numberOfEntries) ? Number(numberOfEntries) : undefined,
    };
  });
}

// ---------------------------------------------------------------------------------------------

/** glusterd.vol: state in the private dir; everything else lands in the shadowed paths. */
function glusterdVol(libDir: string): string {
  return [
    'volume management',
    '    type mgmt/glusterd',
    `    option working-directory ${libDir}`,
    '    option transport-type socket',
    '    option transport.socket.listen-port 24007',
    // Only 127.0.0.2 inside the namespace; bricks inherit the bind address.
    `    option transport.socket.bind-address ${GLUSTER_HOST}`,
    '    option ping-timeout 0',
    '    option event-threads 1',
    // A small range is plenty for one volume; the namespace makes clashes with other beds impossible.
    '    option base-port 49152',
    '    option max-port 49251',
    'end-volume',
    '',
  ].join('\n');
}

/**
 * Shell run by `unshare --mount` inside the namespace: shadow the hard-coded host paths, then exec
 * glusterd in the foreground (so the harness' pid is glusterd's and its log is ours).
 */
const GLUSTERD_WRAPPER = [
  'set -eu',
  'dir="$1"',
  `mount --bind "$dir/lib" ${SHADOWED.lib}`,
  `mount --bind "$dir/log" ${SHADOWED.log}`,
  `mount --bind "$dir/run" ${SHADOWED.run}`,
  `exec ${GLUSTERD_BINARY} -N -f "$dir/glusterd.vol" -l "$dir/log/glusterd.log"`,
].join('\n');

/** Starts glusterd, creates and starts a replica volume, waits until every brick is online. */
export async function startGluster(options: StartGlusterOptions = {}): Promise<GlusterHandle> {
  const volume = options.volume ?? 'pgv';
  const replicas = options.replicas ?? 3;
  if (!/^[A-Za-z0-9_-]+$/.test(volume)) {
    throw new Error(`invalid gluster volume name ${JSON.stringify(volume)}`);
  }
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`startGluster needs replicas >= 1, got ${replicas}`);
  }
  for (const file of [GLUSTERD_BINARY, GLUSTER_CLI, NSENTER, UNSHARE, IP]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing; run scripts/install-services.sh`);
    }
  }
  for (const mountPoint of [SHADOWED.lib, SHADOWED.log]) {
    // Bind-mount targets must exist; glusterfs-server ships both.
    if (!fs.existsSync(mountPoint)) {
      throw new Error(`${mountPoint} is missing (glusterfs-server not installed?); run scripts/install-services.sh`);
    }
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 60000);
  const remaining = (): number => Math.max(1000, deadline - Date.now());

  const root: PrivateDir = await createPrivateDir('gluster');
  const dir = root.path;
  const netns = `pgl-${randomBytes(4).toString('hex')}`;
  // Registered before the namespace and any process exist: the reaper replays this after a SIGKILL.
  const registration: Registration = registry.register(`gluster ${volume} ${dir} (netns ${netns})`, {
    markers: [`${dir}/`],
    dirs: [dir],
    netns: [netns],
  });
  const libDir = path.join(dir, 'lib');
  const logDir = path.join(dir, 'log');
  const mountPoint = path.join(dir, 'mnt');
  const glusterdLog = path.join(logDir, 'glusterd.log');
  const bricks: GlusterBrick[] = Array.from({ length: replicas }, (_, index) => {
    const brickPath = path.join(dir, `brick${index}`);
    return { index, id: `${GLUSTER_HOST}:${brickPath}`, host: GLUSTER_HOST, path: brickPath };
  });
  const env: NodeJS.ProcessEnv = { PATH: SYSTEM_PATH, HOME: dir, LANG: 'C' };

  let glusterd: ServiceHandle | undefined;
  let mounted = false;
  let stopped: Promise<void> | undefined;

  const diagnostics = (): string => formatLogTail('glusterd', glusterdLog);

  const gluster = async (args: readonly string[], runOptions: { timeoutMs?: number } = {}): Promise<string> => {
    if (!glusterd || glusterd.exitStatus() !== undefined) {
      throw new Error(`glusterd is not running; cannot run gluster ${args.join(' ')}\n${diagnostics()}`);
    }
    // Entering glusterd's mount namespace makes the default /var/run/glusterd.socket ours, which
    // `heal info` (glfsheal) needs: it ignores --glusterd-sock.
    const { stdout } = await runCommand(
      NSENTER,
      [`--target=${glusterd.pid}`, '--net', '--mount', '--', GLUSTER_CLI, '--mode=script', ...args],
      { env, timeoutMs: runOptions.timeoutMs ?? 60000 }
    );
    return stdout;
  };

  const glusterXml = async (args: readonly string[], runOptions: { timeoutMs?: number } = {}): Promise<string> =>
    checkOpRet(await gluster([...args, '--xml'], runOptions), args.join(' '));

  const volumeInfo = async (): Promise<GlusterVolumeInfo> => {
    const info = parseVolumeInfo(await glusterXml(['volume', 'info', volume])).find((v) => v.name === volume);
    if (!info) {
      throw new Error(`volume ${volume} missing from volume info`);
    }
    return info;
  };

  const volumeStatus = async (): Promise<GlusterVolumeStatus> =>
    parseVolumeStatus(await glusterXml(['volume', 'status', volume]));

  const healInfo = async (): Promise<GlusterHealBrick[]> =>
    parseHealInfo(await glusterXml(['volume', 'heal', volume, 'info']));

  const waitForBricks = async (what: string, wanted: (s: GlusterVolumeStatus) => boolean, timeoutMs: number) => {
    let last: GlusterVolumeStatus | undefined;
    await waitFor(
      async () => {
        last = await volumeStatus();
        return wanted(last);
      },
      {
        timeoutMs,
        intervalMs: 100,
        what,
        abortIf: () => (glusterd ? notRunningReason(glusterd) : 'glusterd not started'),
        diagnostics: () => `last status: ${JSON.stringify(last)}\n${diagnostics()}`,
      }
    );
  };
  const allOnline = (s: GlusterVolumeStatus): boolean =>
    s.bricks.length === replicas && s.bricks.every((b) => b.online && b.pid > 0);

  const brickAt = (index: number): GlusterBrick => {
    const brick = bricks[index];
    if (!brick) {
      throw new Error(`no brick ${index} (volume has ${bricks.length})`);
    }
    return brick;
  };

  const killBrick = async (index: number): Promise<number> => {
    const brick = brickAt(index);
    const before = (await volumeStatus()).bricks.find((b) => b.id === brick.id);
    if (!before || !before.online || before.pid <= 0) {
      throw new Error(`brick ${index} (${brick.id}) is not online: ${JSON.stringify(before)}`);
    }
    // Only a process of our namespace may be killed: never trust a pid blindly.
    if (!findNetnsProcesses(netns).some((p) => p.pid === before.pid)) {
      throw new Error(`brick ${index} pid ${before.pid} is not a process of netns ${netns}`);
    }
    const startTime = readProcess(before.pid)?.startTime;
    signalQuietly(before.pid, 'SIGKILL');
    // Wait until the brick is reaped, not just dead: glusterd's liveness check (pid file + /proc/PID)
    // counts a zombie as running, and `start force` then "discovers already-running brick" and leaves
    // it offline. Daemonized bricks are orphans reaped by PID 1, which can take seconds (~2 s here).
    await waitFor(() => readProcess(before.pid)?.startTime !== startTime, {
      timeoutMs: 15000,
      intervalMs: 50,
      what: `killed brick ${index} (pid ${before.pid}) to be reaped by PID 1`,
    });
    await waitForBricks(
      `brick ${index} (${brick.id}) to be reported offline`,
      (s) => s.bricks.some((b) => b.id === brick.id && !b.online),
      10000
    );
    return before.pid;
  };

  const startBricks = async (startOptions: { timeoutMs?: number } = {}): Promise<void> => {
    await glusterXml(['volume', 'start', volume, 'force']);
    await waitForBricks(`all ${replicas} bricks of ${volume} online`, allOnline, startOptions.timeoutMs ?? 30000);
  };

  const mount = async (): Promise<string> => {
    if (!mounted) {
      await fs.promises.mkdir(mountPoint, { recursive: true });
      // Host mount namespace (so tests can use the files), our network namespace (to reach 127.0.0.2).
      // The client daemonizes; its command line carries the mount point, i.e. our marker.
      await runCommand(
        NSENTER,
        [
          `--net=/run/netns/${netns}`,
          '--',
          'mount',
          '-t',
          'glusterfs',
          '-o',
          `log-file=${path.join(logDir, 'mnt.log')}`,
          `${GLUSTER_HOST}:/${volume}`,
          mountPoint,
        ],
        { env, timeoutMs: 30000 }
      );
      mounted = true;
    }
    return mountPoint;
  };

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const problems: string[] = [];
      if (mounted) {
        // Lazy: a client whose bricks are gone may no longer answer.
        await runCommand('umount', ['-l', mountPoint], { env, timeoutMs: 10000 }).catch((error: unknown) =>
          problems.push(`umount ${mountPoint}: ${describeError(error)}`)
        );
      }
      if (glusterd && glusterd.exitStatus() === undefined) {
        // Graceful volume stop first, as an operator would; everything is SIGKILLed below anyway.
        await glusterXml(['volume', 'stop', volume], { timeoutMs: 20000 }).catch(() => undefined);
      }
      await glusterd?.stop({ timeoutMs: 5000 });
      // Bricks, glustershd and the FUSE client: daemonized, so outside glusterd's process group.
      const owned = { pgids: [], markers: [`${dir}/`] };
      const left = (): number => {
        const inside = findNetnsProcesses(netns);
        for (const p of inside) {
          signalQuietly(p.pid, 'SIGKILL');
        }
        return killOwnedPass(owned) + inside.length;
      };
      await waitFor(() => left() === 0, {
        timeoutMs: 10000,
        intervalMs: 50,
        what: `every process of gluster ${dir} / netns ${netns} to die`,
        diagnostics: () =>
          [...findOwnedProcesses(owned), ...findNetnsProcesses(netns)].map((p) => `${p.pid} ${p.cmdline}`).join('\n'),
      });
      deleteNetnsSync(netns);
      if (fs.existsSync(`/run/netns/${netns}`)) {
        problems.push(`could not delete netns ${netns}`);
      }
      if (problems.length > 0) {
        throw new Error(`gluster stop: ${problems.join('; ')} (left registered for the reaper)`);
      }
      await root.remove();
      registration.release();
    })();
    return stopped;
  };

  try {
    await Promise.all(
      [libDir, logDir, path.join(dir, 'run'), ...bricks.map((b) => b.path)].map((d) => fs.promises.mkdir(d))
    );
    await fs.promises.writeFile(path.join(dir, 'glusterd.vol'), glusterdVol(libDir));
    await runCommand(IP, ['netns', 'add', netns], { env, timeoutMs: 10000 });
    await runCommand(IP, ['-n', netns, 'link', 'set', 'lo', 'up'], { env, timeoutMs: 10000 });

    const started = Date.now();
    glusterd = spawnService({
      name: 'glusterd',
      command: NSENTER,
      args: [
        `--net=/run/netns/${netns}`,
        '--',
        UNSHARE,
        '--mount',
        // Private: our bind mounts must not leak to the host, nor host mounts change our view.
        '--propagation',
        'private',
        '--',
        '/bin/sh',
        '-c',
        GLUSTERD_WRAPPER,
        'glusterd-wrapper',
        dir,
      ],
      logDir,
      env,
      // No ownedMarkers: the bricks would count as glusterd's and delay its stop; stop() below and
      // the registration above (marker + netns) take care of them.
      stopTimeoutMs: 5000,
    });
    const service = glusterd;
    const socket = path.join(dir, 'run', 'glusterd.socket');
    await waitFor(
      async () => {
        if (!fs.existsSync(socket)) {
          return false;
        }
        await glusterXml(['volume', 'list'], { timeoutMs: 5000 });
        return true;
      },
      {
        timeoutMs: remaining(),
        intervalMs: 50,
        what: `glusterd to answer on ${socket} (netns ${netns})`,
        abortIf: () => notRunningReason(service),
        diagnostics: () => `${formatLogTail('glusterd wrapper', service.logFile, 10)}\n${diagnostics()}`,
      }
    );
    const glusterdUpMs = Date.now() - started;
    // `force`: bricks on the root filesystem are refused otherwise.
    const createArgs = ['volume', 'create', volume];
    if (replicas > 1) {
      createArgs.push('replica', String(replicas));
    }
    await glusterXml([...createArgs, ...bricks.map((b) => b.id), 'force']);
    await glusterXml(['volume', 'start', volume]);
    await waitForBricks(
      `all ${replicas} bricks of ${volume} online (glusterd up after ${glusterdUpMs} ms)`,
      (s) => allOnline(s) && (replicas === 1 || s.selfHealDaemons.some((d) => d.online)),
      remaining()
    );
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const pid = glusterd.pid;
  return {
    dir,
    netns,
    volume,
    bricks,
    glusterdPid: pid,
    gluster,
    glusterXml,
    volumeInfo,
    volumeStatus,
    healInfo,
    killBrick,
    startBricks,
    mount,
    logTail: (lines?: number) => formatLogTail('glusterd', glusterdLog, lines),
    stop,
  };
}

/** Waits until heal info reports `wanted` for every brick (e.g. all Connected with numbers). */
export async function waitForHealInfo(
  handle: Pick<GlusterHandle, 'healInfo'>,
  wanted: (bricks: GlusterHealBrick[]) => boolean,
  options: { timeoutMs?: number; what?: string } = {}
): Promise<GlusterHealBrick[]> {
  let last: GlusterHealBrick[] = [];
  return waitForValue(
    async () => {
      last = await handle.healInfo();
      return wanted(last) ? last : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 20000,
      intervalMs: 200,
      what: options.what ?? 'heal info to match',
      diagnostics: () => `last heal info: ${JSON.stringify(last)}`,
    }
  );
}
