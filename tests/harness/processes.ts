/**
 * Child processes, private directories, ports and deadline-bounded waits for the real-service
 * harness.
 *
 * Rules every helper follows, because integration tests that leak daemons poison every later run:
 * - every child is spawned detached (own process group, so `kill(-pgid)` reaches all of it, and a
 *   Ctrl-C in the terminal is handled by our clean-up instead of half-killing the tree) and is
 *   registered in the registry before anything can fail;
 * - every wait is a polling loop with a deadline whose error names what was awaited and shows the
 *   tail of the service's log;
 * - everything lives in a private `mkdtemp` directory under os.tmpdir() and listens on 127.0.0.x.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { findOwnedProcesses, killOwnedPass, OwnedResources, signalQuietly, unmountUnderSync } from './cleanup';
import { registry, Registration } from './registry';

// ---------------------------------------------------------------------------------------------
// Waiting

export interface WaitForOptions {
  /** Deadline for the whole wait. */
  timeoutMs: number;
  /** Pause between checks (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, phrased to complete "Timed out after N ms waiting for …". */
  what: string;
  /** Extra context appended to the timeout error, typically a service's log tail. */
  diagnostics?: () => string;
  /**
   * Checked before every attempt: a returned string aborts the wait immediately with that reason
   * (e.g. "prometheus exited with code 1"), instead of burning the whole deadline.
   */
  abortIf?: () => string | undefined;
}

/** Error thrown by `waitFor`/`waitForValue`, carrying the last failed check's error if any. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Polls `probe` until it returns something other than `undefined` and returns that value.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitForValue<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitForOptions
): Promise<T> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 100;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    const abortReason = options.abortIf?.();
    if (abortReason !== undefined) {
      throw new WaitTimeoutError(
        `Gave up waiting for ${options.what} after ${Date.now() - started} ms: ${abortReason}` +
          formatDiagnostics(options)
      );
    }
    attempts += 1;
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const now = Date.now();
    if (now >= deadline) {
      const last = lastError === undefined ? '' : `\nLast error: ${describeError(lastError)}`;
      throw new WaitTimeoutError(
        `Timed out after ${now - started} ms (${attempts} attempts) waiting for ${options.what}${last}` +
          formatDiagnostics(options)
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(1, deadline - now))));
  }
}

function formatDiagnostics(options: WaitForOptions): string {
  if (!options.diagnostics) {
    return '';
  }
  try {
    return `\n${options.diagnostics()}`;
  } catch (error) {
    return `\n(diagnostics failed: ${describeError(error)})`;
  }
}

/** Polls `check` until it returns true (see waitForValue for error semantics). */
export async function waitFor(check: () => Promise<boolean> | boolean, options: WaitForOptions): Promise<void> {
  await waitForValue(async () => ((await check()) ? true : undefined), options);
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A TCP port that was free on `host` a moment ago (the OS picks it; a race is still possible). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not get a free port on ${host}`))));
    });
  });
}

/** Whether `host:port` can be bound right now (TCP, and UDP too when asked: Swarm gossip uses both). */
export async function isPortFree(host: string, port: number, options: { udp?: boolean } = {}): Promise<boolean> {
  const tcpFree = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!tcpFree || !options.udp) {
    return tcpFree;
  }
  return new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.unref();
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// Private directories

/** A private temp directory that is removed on `remove()` or, failing that, by the registry. */
export interface PrivateDir {
  readonly path: string;
  /** Unmounts anything left below it, deletes it and forgets the registration. */
  remove(): Promise<void>;
}

/** Creates `os.tmpdir()/panopticon-<prefix>-XXXXXX` (mode 0700) and registers it for clean-up. */
export async function createPrivateDir(prefix: string): Promise<PrivateDir> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `panopticon-${prefix}-`));
  const registration = registry.register(`directory ${dir}`, { dirs: [dir] });
  return {
    path: dir,
    remove: async () => {
      const left = unmountUnderSync(dir);
      if (left.length > 0) {
        throw new Error(`could not unmount ${left.join(', ')}; leaving ${dir} registered for the reaper`);
      }
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      registration.release();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Services

export interface SpawnServiceOptions {
  /** Short name used in log file names and error messages. */
  name: string;
  /** Absolute path of the binary (no PATH lookup surprises: two docker CLIs exist on the machine). */
  command: string;
  args: readonly string[];
  /** Where `<name>.log` (stdout and stderr) goes; normally the service's private directory. */
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Command-line substrings of helpers the service starts outside its process group (dockerd's
   * containerd and shims, which call setsid). Those processes and their descendants are killed
   * with the service. Use the service's private directory followed by '/'.
   */
  ownedMarkers?: readonly string[];
  /** Signal for a graceful stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL (default 5000 ms). */
  stopTimeoutMs?: number;
}

export interface StopOptions {
  /** Overrides the service's stopTimeoutMs; 0 means SIGKILL straight away. */
  timeoutMs?: number;
  signal?: NodeJS.Signals;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceHandle {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Exit status once the main process exited, undefined while it runs. */
  exitStatus(): ExitStatus | undefined;
  /** Throws (with the log tail) if the main process already exited. */
  assertRunning(): void;
  /**
   * Graceful stop: signal the process group, wait for the main process and every owned helper to
   * disappear, SIGKILL whatever is left at the deadline. Idempotent.
   */
  stop(options?: StopOptions): Promise<void>;
  /** Last `lines` lines of the service's log (stdout and stderr). */
  logTail(lines?: number): string;
}

/** Reads the last `lines` lines of a file without loading more than its last 64 kB. */
export function readLogTail(file: string, lines = 40): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    return all.slice(Math.max(0, all.length - lines - 1)).join('\n');
  } catch (error) {
    return `(no log: ${describeError(error)})`;
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

/** Formats a log tail for error messages. */
export function formatLogTail(name: string, file: string, lines = 30): string {
  return `--- last ${lines} lines of ${name} log (${file}) ---\n${readLogTail(file, lines)}\n--- end of ${name} log ---`;
}

/** Starts a long-running service process; see the module comment for the guarantees. */
export function spawnService(options: SpawnServiceOptions): ServiceHandle {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const markers = [...(options.ownedMarkers ?? [])];
  // Register before spawning: if anything below throws, the markers still get swept.
  const registration: Registration = registry.register(`${options.name} (${options.command})`, { markers });
  const logFd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd ?? options.logDir,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } catch (error) {
    registration.release();
    throw new Error(`could not start ${options.name} (${options.command}): ${describeError(error)}`);
  } finally {
    fs.closeSync(logFd);
  }
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const pid = child.pid;
  if (pid === undefined) {
    registration.release();
    throw new Error(`could not start ${options.name}: ${options.command} did not spawn (missing binary?)`);
  }
  registration.update({ pgids: [pid] });
  // Do not let a forgotten service keep the test runner alive; the registry/reaper cleans it up.
  child.unref();

  const owned: OwnedResources = { pgids: [pid], markers };
  const exitStatus = (): ExitStatus | undefined =>
    child.exitCode !== null || child.signalCode !== null
      ? { code: child.exitCode, signal: child.signalCode }
      : undefined;
  const logTail = (lines = 40): string => readLogTail(logFile, lines);
  let stopping: Promise<void> | undefined;

  const doStop = async (stopOptions: StopOptions): Promise<void> => {
    const timeoutMs = stopOptions.timeoutMs ?? options.stopTimeoutMs ?? 5000;
    const gone = (): boolean => exitStatus() !== undefined && findOwnedProcesses(owned).length === 0;
    if (timeoutMs > 0 && exitStatus() === undefined) {
      signalQuietly(-pid, stopOptions.signal ?? options.stopSignal ?? 'SIGTERM');
      try {
        await waitFor(gone, { timeoutMs, intervalMs: 50, what: `${options.name} to stop gracefully` });
      } catch {
        // Fall through to SIGKILL.
      }
    }
    await waitFor(() => killOwnedPass(owned) === 0 && exitStatus() !== undefined, {
      timeoutMs: 10000,
      intervalMs: 50,
      what: `${options.name} (pid ${pid}) and its helpers to die after SIGKILL`,
      diagnostics: () =>
        `still alive: ${findOwnedProcesses(owned)
          .map((p) => `${p.pid} ${p.cmdline}`)
          .join('; ')}`,
    });
    registration.release();
  };

  return {
    name: options.name,
    pid,
    logFile,
    exitStatus,
    logTail,
    assertRunning: () => {
      const status = exitStatus();
      if (spawnError || status) {
        const why = spawnError ? spawnError.message : `exited with code ${status?.code} signal ${status?.signal}`;
        throw new Error(`${options.name} is not running: ${why}\n${formatLogTail(options.name, logFile)}`);
      }
    },
    stop: (stopOptions: StopOptions = {}) => {
      stopping ??= doStop(stopOptions);
      return stopping;
    },
  };
}

/** Why a service is not running, for `WaitForOptions.abortIf`; undefined while it runs. */
export function notRunningReason(handle: ServiceHandle): string | undefined {
  const status = handle.exitStatus();
  return status ? `${handle.name} exited (code ${status.code}, signal ${status.signal})` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Short-lived commands

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a short command to completion (docker CLI, tar) with a deadline; rejects with its stderr on
 * a non-zero exit. Not detached: it belongs to the test and dies with it.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}
): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        timeout: options.timeoutMs ?? 30000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: options.env,
        cwd: options.cwd,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const reason = error.killed
            ? `timed out after ${options.timeoutMs ?? 30000} ms`
            : `failed (${error.message.split('\n')[0]})`;
          reject(
            new Error(`${command} ${args.join(' ')} ${reason}\nstderr: ${stderr.trim()}\nstdout: ${stdout.trim()}`)
          );
          return;
        }
        resolve({ stdout, stderr });
      }
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    } else {
      child.stdin?.end();
    }
  });
}
