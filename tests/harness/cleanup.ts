/**
 * Synchronous, dependency-free clean-up primitives shared by the in-process registry and the
 * out-of-process reaper (reaper.ts).
 *
 * Why synchronous: the last-chance paths (`process.on('exit')`, a signal handler, the reaper after
 * the test process died) cannot await anything. Normal `stop()` calls use the async variants in
 * processes.ts and only fall back to these for leftovers.
 *
 * Why "owned markers": dockerd starts containerd in a new session, and containerd starts one
 * shim per container, re-parented to PID 1, in yet another session. Killing dockerd's process group
 * therefore leaves them running. Every one of them carries the engine's private directory in its
 * command line, so "every process whose command line contains the private directory, plus all
 * their descendants (the container processes)" is exactly what a service owns.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** One row of /proc, as much as the clean-up needs. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Single-letter state from /proc/PID/stat ('Z' = zombie, cannot be killed, only reaped). */
  state: string;
  /** Start time in clock ticks since boot: with the pid it identifies a process across pid reuse. */
  startTime: string;
  /** Command line with NUL separators replaced by spaces. */
  cmdline: string;
}

/** What a registered resource owns; every field is optional so entries can be built piecemeal. */
export interface OwnedResources {
  /** Process groups (detached children are their own group leaders: pgid = pid). */
  pgids: number[];
  /** Substrings of command lines: matching processes and all their descendants are owned. */
  markers: string[];
}

/** A unit of clean-up as recorded by the registry and replayed by the reaper. */
export interface CleanupEntry extends OwnedResources {
  id: string;
  /** Human-readable, used in the reaper's log. */
  description: string;
  /** Private directories: everything mounted below them is unmounted, then they are deleted. */
  dirs: string[];
  /** Network interfaces created for the resource (e.g. a dockerd's gateway bridge). */
  links: string[];
  /**
   * cgroup paths (e.g. `/panopticon-ab12cd-e0`, a dockerd's `cgroup-parent`) to remove from every
   * mounted hierarchy: killed containers leave their cgroup directories behind otherwise.
   */
  cgroups: string[];
  /**
   * Directories outside our private one where helpers leave socket files: containerd shims bind
   * `/run/containerd/s/<hash>` (hard-coded) and a SIGKILLed shim leaves it behind. Socket files
   * there that no process has bound any more are deleted.
   */
  staleSocketDirs: string[];
  /**
   * Network namespaces (`ip netns` names) created for the resource: every process inside one is
   * killed (a daemon's helpers need not carry a marker: glustershd's command line names no private
   * path), then the namespace is deleted.
   */
  netns: string[];
}

/** Parses /proc/PID/stat; undefined when the process is gone (or was never there). */
export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces and parentheses.
  const close = stat.lastIndexOf(')');
  if (close < 0) {
    return undefined;
  }
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(' ');
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // Raced with exit: keep the empty command line.
  }
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTime: fields[19] ?? '',
    cmdline,
  };
}

/** Every process visible in /proc. */
export function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    const info = readProcess(Number(name));
    if (info) {
      result.push(info);
    }
  }
  return result;
}

/**
 * Processes owned by `owned`: members of the process groups, processes whose command line contains
 * a marker, and all descendants of both. Zombies are skipped (they are already dead) and so is the
 * current process and its ancestors, so a marker can never make us kill ourselves or the test runner.
 */
export function findOwnedProcesses(owned: OwnedResources, all: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const protectedPids = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1;) {
    protectedPids.add(pid);
    pid = readProcess(pid)?.ppid;
  }
  const markers = owned.markers.filter((m) => m.length > 0);
  const pgids = new Set(owned.pgids.filter((g) => g > 1));
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const found = new Map<number, ProcessInfo>();
  const queue = all.filter((p) => pgids.has(p.pgid) || markers.some((m) => p.cmdline.includes(m)));
  while (queue.length > 0) {
    const p = queue.pop();
    if (!p || found.has(p.pid)) {
      continue;
    }
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()].filter((p) => p.state !== 'Z' && !protectedPids.has(p.pid));
}

/** Sends a signal, ignoring processes that are already gone. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone; EPERM cannot happen as root and is not worth failing a clean-up for.
  }
}

/** One SIGKILL pass over everything owned; returns how many live processes were found. */
export function killOwnedPass(owned: OwnedResources): number {
  const found = findOwnedProcesses(owned);
  for (const pgid of owned.pgids) {
    if (pgid > 1) {
      signalQuietly(-pgid, 'SIGKILL');
    }
  }
  for (const p of found) {
    signalQuietly(p.pid, 'SIGKILL');
  }
  return found.length;
}

/**
 * Blocks the thread for `ms`. Only used as the interval of deadline-bounded polling loops in the
 * synchronous last-chance paths, where awaiting a timer is impossible.
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILLs owned processes until none is left or the deadline passes; returns the survivors. */
export function killOwnedSync(owned: OwnedResources, timeoutMs = 5000): ProcessInfo[] {
  const deadline = Date.now() + timeoutMs;
  while (killOwnedPass(owned) > 0 && Date.now() < deadline) {
    sleepSync(25);
  }
  return findOwnedProcesses(owned);
}

/** Decodes the octal escapes (\040 for space, ...) used in /proc/self/mountinfo. */
function unescapeMountPath(raw: string): string {
  return raw.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Real path when it exists (mountinfo shows resolved paths), the input otherwise. */
function realPathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Mount points at or below `dir`, deepest first (the order in which they must be unmounted). */
export function mountPointsUnder(dir: string): string[] {
  const root = realPathOrSelf(dir);
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const raw = line.split(' ')[4];
    if (raw === undefined) {
      continue;
    }
    const mountPoint = unescapeMountPath(raw);
    if (mountPoint === root || mountPoint.startsWith(root + '/')) {
      points.add(mountPoint);
    }
  }
  return [...points].sort((a, b) => b.length - a.length);
}

/**
 * Lazily unmounts everything below `dir` (dockerd bind-mounts its data-root on itself and leaves
 * network-namespace nsfs mounts in its exec-root). Repeats because mounts can be stacked.
 * Returns the mount points that are still there at the deadline.
 */
export function unmountUnderSync(dir: string, timeoutMs = 5000): string[] {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const points = mountPointsUnder(dir);
    if (points.length === 0 || Date.now() >= deadline) {
      return points;
    }
    for (const mountPoint of points) {
      spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    }
  }
}

const NETNS_DIR = '/run/netns';

/** Inode of the namespace file of `ip netns` name `name`, undefined when it does not exist. */
function netnsInode(name: string): number | undefined {
  try {
    return fs.statSync(path.join(NETNS_DIR, name)).ino;
  } catch {
    return undefined;
  }
}

/**
 * Live processes inside network namespace `name` (what `ip netns pids` reports), minus zombies and
 * the current process and its ancestors, like findOwnedProcesses.
 */
export function findNetnsProcesses(name: string, all: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const inode = netnsInode(name);
  if (inode === undefined) {
    return [];
  }
  const protectedPids = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1;) {
    protectedPids.add(pid);
    pid = readProcess(pid)?.ppid;
  }
  return all.filter((p) => {
    if (p.state === 'Z' || protectedPids.has(p.pid)) {
      return false;
    }
    try {
      return fs.statSync(`/proc/${p.pid}/ns/net`).ino === inode;
    } catch {
      return false;
    }
  });
}

/** SIGKILLs every process in the namespace until none is left or the deadline passes; returns survivors. */
export function killNetnsSync(name: string, timeoutMs = 5000): ProcessInfo[] {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = findNetnsProcesses(name);
    if (found.length === 0 || Date.now() >= deadline) {
      return found;
    }
    for (const p of found) {
      signalQuietly(p.pid, 'SIGKILL');
    }
    sleepSync(25);
  }
}

/** Deletes an `ip netns` namespace if it exists (the kernel frees it once no process is left inside). */
export function deleteNetnsSync(name: string): void {
  if (netnsInode(name) !== undefined) {
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  }
}

/** Deletes a network interface if it exists. */
export function deleteLinkSync(name: string): void {
  if (fs.existsSync(`/sys/class/net/${name}`)) {
    spawnSync('ip', ['link', 'delete', name], { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  }
}

/**
 * Deletes socket files in `dir` that no process has bound (per /proc/net/unix). Stale sockets are
 * useless to everyone, so this is safe even for files we did not create. The directory is read
 * BEFORE /proc/net/unix so that a socket bound concurrently is always seen as bound.
 */
export function removeStaleSocketsSync(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  let bound: Set<string>;
  try {
    const lines = fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1);
    bound = new Set(lines.map((l) => l.trim().split(/\s+/)[7] ?? '').filter((p) => p.startsWith('/')));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (fs.lstatSync(file).isSocket() && !bound.has(file)) {
        fs.rmSync(file, { force: true });
        removed.push(file);
      }
    } catch {
      // Vanished meanwhile: nothing to do.
    }
  }
  return removed;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Removes a cgroup (and its child cgroups, deepest first) from every mounted hierarchy. */
export function removeCgroupSync(cgroupPath: string): string[] {
  const problems: string[] = [];
  const relative = cgroupPath.replace(/^\/+/, '');
  if (relative === '' || relative.split('/').includes('..')) {
    return [`refusing to remove cgroup ${cgroupPath}`];
  }
  const removeTree = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        removeTree(path.join(dir, entry.name));
      }
    }
    try {
      fs.rmdirSync(dir);
    } catch (error) {
      problems.push(`could not remove cgroup ${dir}: ${String(error)}`);
    }
  };
  const hierarchies = [CGROUP_ROOT];
  try {
    for (const entry of fs.readdirSync(CGROUP_ROOT, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        hierarchies.push(path.join(CGROUP_ROOT, entry.name));
      }
    }
  } catch {
    return problems;
  }
  for (const hierarchy of hierarchies) {
    const dir = path.join(hierarchy, relative);
    if (fs.existsSync(path.join(dir, 'cgroup.procs'))) {
      removeTree(dir);
    }
  }
  return problems;
}

/**
 * Releases everything an entry owns, in the only order that works: processes first (they hold
 * mounts and files; those inside a network namespace too, which is then deleted), then mounts
 * (they make `rm` fail with EBUSY), then directories, then links.
 * Returns human-readable problems; an empty array means clean.
 */
export function cleanupEntrySync(entry: CleanupEntry, timeoutMs = 5000): string[] {
  const problems: string[] = [];
  const survivors = killOwnedSync(entry, timeoutMs);
  if (survivors.length > 0) {
    problems.push(`${entry.description}: processes survived SIGKILL: ${survivors.map((p) => p.pid).join(', ')}`);
  }
  // `?? []`: a state file written before namespaces were tracked has no such field.
  for (const name of entry.netns ?? []) {
    const inside = killNetnsSync(name, timeoutMs);
    if (inside.length > 0) {
      problems.push(
        `${entry.description}: processes in netns ${name} survived SIGKILL: ${inside.map((p) => p.pid).join(', ')}`
      );
      continue;
    }
    deleteNetnsSync(name);
  }
  for (const dir of entry.dirs) {
    const leftMounts = unmountUnderSync(dir, timeoutMs);
    if (leftMounts.length > 0) {
      problems.push(`${entry.description}: could not unmount ${leftMounts.join(', ')}`);
      continue;
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch (error) {
      problems.push(`${entry.description}: could not remove ${dir}: ${String(error)}`);
    }
  }
  for (const link of entry.links) {
    deleteLinkSync(link);
  }
  for (const socketDir of entry.staleSocketDirs) {
    removeStaleSocketsSync(socketDir);
  }
  for (const cgroup of entry.cgroups) {
    problems.push(...removeCgroupSync(cgroup).map((p) => `${entry.description}: ${p}`));
  }
  return problems;
}
