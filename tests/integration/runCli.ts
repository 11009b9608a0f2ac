import { execFile } from 'node:child_process';
import path from 'node:path';

/** The repository root, and the real CLI as users run it (`bin/panopticon.mjs` through tsx). */
export const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/panopticon.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `panopticon ARGS…` as a child process and resolves with its exit code and output. */
export function panopticon(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
