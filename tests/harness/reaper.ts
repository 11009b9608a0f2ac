/**
 * Out-of-process reaper, started detached by registry.ts as `node --import tsx reaper.ts STATE TOKEN`.
 *
 * Why it exists: a Jest test file cannot observe its own process exiting or being signalled (see
 * registry.ts), and nothing in-process survives SIGKILL. This process outlives the test runner,
 * notices that it is gone by polling /proc, and then kills/unmounts/removes whatever the state file
 * still lists. When the state file disappears or changes owner, the registry no longer needs this
 * reaper and it exits quietly.
 */
import * as fs from 'fs';
import * as path from 'path';

import { cleanupEntrySync, readProcess } from './cleanup';
import type { ReaperState } from './registry';

const POLL_MS = 200;

const [stateFile, token] = process.argv.slice(2);

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} reaper ${process.pid}: ${message}\n`);
}

function readState(file: string): ReaperState | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed as ReaperState;
  } catch {
    return undefined;
  }
}

function parentAlive(state: ReaperState): boolean {
  const info = readProcess(state.parentPid);
  return info !== undefined && info.state !== 'Z' && info.startTime === state.parentStartTime;
}

function tick(file: string, expectedToken: string): void {
  const state = readState(file);
  if (!state || state.token !== expectedToken) {
    // Registry emptied (file removed) or a newer reaper took over: nothing left for us to do.
    process.exit(0);
  }
  if (parentAlive(state)) {
    return;
  }
  log(`parent ${state.parentPid} is gone; cleaning up ${state.entries.length} entr(y/ies)`);
  const problems: string[] = [];
  for (const entry of [...state.entries].reverse()) {
    log(`releasing ${entry.description}`);
    problems.push(...cleanupEntrySync(entry, 10000));
  }
  if (problems.length > 0) {
    // Keep the state directory (and this log) as evidence.
    log(`problems:\n${problems.join('\n')}`);
    process.exit(1);
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  process.exit(0);
}

if (!stateFile || !token) {
  log('usage: reaper.ts STATE_FILE TOKEN');
  process.exit(2);
}
// A terminal Ctrl-C or hang-up aimed at the test run must not stop the clean-up of that run.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
const file = stateFile;
const expected = token;
setInterval(() => tick(file, expected), POLL_MS);
