/**
 * The global registry of everything the harness started, and the guarantees that it is released
 * even when a test fails, the runner is interrupted or killed.
 *
 * Two layers, because one is not enough under Jest:
 * 1. In-process hooks on `exit`, SIGINT, SIGTERM and SIGHUP. They work in plain Node/tsx scripts,
 *    but NOT inside a Jest test file: Jest hands each test file a deep copy of `process`, and
 *    listeners added to that copy never fire (verified: a SIGUSR2 listener registered in a test was
 *    ignored and the default action killed the runner).
 * 2. A detached reaper process (reaper.ts). The registry mirrors its entries into a state file;
 *    the reaper polls whether this process is still alive and, once it is gone (normal exit with
 *    leftovers, Ctrl-C, SIGTERM, even SIGKILL), replays the state file's clean-up. It exits by
 *    itself as soon as the registry is empty, so nothing lingers after a clean run.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CleanupEntry, cleanupEntrySync, readProcess } from './cleanup';

/** Contents of the state file shared with the reaper. */
export interface ReaperState {
  /** Identifies the reaper generation that owns this file; a stale reaper exits when it changes. */
  token: string;
  parentPid: number;
  /** /proc start time of the parent, so a recycled pid is not mistaken for a live parent. */
  parentStartTime: string;
  entries: CleanupEntry[];
}

/** A registered resource; `update` and `release` are cheap, synchronous bookkeeping. */
export interface Registration {
  readonly id: string;
  /** Adds owned processes/dirs/links after the fact (e.g. the pid once the child is spawned). */
  update(patch: Partial<Omit<CleanupEntry, 'id'>>): void;
  /** Forgets the entry; call after the resource was released by its normal stop path. */
  release(): void;
}

/** Walks up from this file to the directory whose node_modules holds tsx (the repository root). */
function findTsxRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', 'tsx', 'package.json'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}

class Registry {
  private readonly entries = new Map<string, CleanupEntry>();
  private stateDir: string | undefined;
  private token = '';
  private hooksInstalled = false;
  private counter = 0;

  register(description: string, patch: Partial<Omit<CleanupEntry, 'id'>> = {}): Registration {
    this.counter += 1;
    const id = `${process.pid}-${this.counter}`;
    const entry: CleanupEntry = {
      id,
      description,
      pgids: [],
      markers: [],
      dirs: [],
      links: [],
      cgroups: [],
      staleSocketDirs: [],
      netns: [],
    };
    this.entries.set(id, entry);
    this.merge(entry, patch);
    this.installHooks();
    this.persist();
    return {
      id,
      update: (p) => {
        const current = this.entries.get(id);
        if (current) {
          this.merge(current, p);
          this.persist();
        }
      },
      release: () => {
        if (this.entries.delete(id)) {
          this.persist();
        }
      },
    };
  }

  /** Releases every registered resource synchronously (last-chance path). */
  cleanupAllSync(): string[] {
    const problems: string[] = [];
    // Newest first: a Prometheus scraping an engine goes before the engine, mirroring stop order.
    for (const entry of [...this.entries.values()].reverse()) {
      problems.push(...cleanupEntrySync(entry));
      this.entries.delete(entry.id);
    }
    this.persist();
    return problems;
  }

  /** Descriptions of what is still registered (for leak assertions in tests). */
  list(): string[] {
    return [...this.entries.values()].map((e) => e.description);
  }

  private merge(entry: CleanupEntry, patch: Partial<Omit<CleanupEntry, 'id'>>): void {
    if (patch.description !== undefined) {
      entry.description = patch.description;
    }
    entry.pgids.push(...(patch.pgids ?? []));
    entry.markers.push(...(patch.markers ?? []));
    entry.dirs.push(...(patch.dirs ?? []));
    entry.links.push(...(patch.links ?? []));
    entry.cgroups.push(...(patch.cgroups ?? []));
    entry.staleSocketDirs.push(...(patch.staleSocketDirs ?? []));
    entry.netns.push(...(patch.netns ?? []));
  }

  /**
   * Mirrors the registry into the reaper's state file (atomically, via rename), starting a reaper
   * when the first entry appears and letting it go (by deleting the file) when the last one leaves.
   */
  private persist(): void {
    if (this.entries.size === 0) {
      if (this.stateDir) {
        fs.rmSync(this.stateDir, { recursive: true, force: true });
        this.stateDir = undefined;
      }
      return;
    }
    let startReaper = false;
    if (!this.stateDir) {
      this.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-reaper-'));
      this.token = randomBytes(8).toString('hex');
      startReaper = true;
    }
    const state: ReaperState = {
      token: this.token,
      parentPid: process.pid,
      parentStartTime: readProcess(process.pid)?.startTime ?? '',
      entries: [...this.entries.values()],
    };
    const file = path.join(this.stateDir, 'state.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
    if (startReaper) {
      this.startReaper(file);
    }
  }

  private startReaper(stateFile: string): void {
    const root = findTsxRoot();
    if (!root || !this.stateDir) {
      process.emitWarning('panopticon harness: tsx not found, no out-of-process reaper; rely on stop()');
      return;
    }
    const log = fs.openSync(path.join(this.stateDir, 'reaper.log'), 'a');
    try {
      // Detached (own session: terminal Ctrl-C does not reach it), no pipes (nothing keeps the test
      // runner's event loop alive), unref'd (the runner never waits for it).
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'reaper.ts'), stateFile, this.token],
        { cwd: root, detached: true, stdio: ['ignore', log, log], env: { ...process.env, NODE_OPTIONS: '' } }
      );
      child.on('error', (error) => process.emitWarning(`panopticon harness: reaper failed to start: ${error}`));
      child.unref();
    } finally {
      fs.closeSync(log);
    }
  }

  private installHooks(): void {
    if (this.hooksInstalled) {
      return;
    }
    this.hooksInstalled = true;
    process.on('exit', () => {
      this.cleanupAllSync();
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const handler = (): void => {
        this.cleanupAllSync();
        process.removeListener(signal, handler);
        // Restore the default action (terminate with the signal) unless someone else handles it.
        if (process.listenerCount(signal) === 0) {
          process.kill(process.pid, signal);
        }
      };
      process.on(signal, handler);
    }
  }
}

/** The process-wide registry (one per module instance, i.e. one per Jest test file). */
export const registry = new Registry();
