/**
 * The built plugin (dist/) as the browser tests need it: present, not older than its sources, and with
 * no external the host does not provide.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './buildHost';

export const DIST_DIR = path.join(REPO_ROOT, 'dist');
export const DIST_MODULES = ['module.js', 'datasource/module.js', 'panel/module.js'].map((m) => path.join(DIST_DIR, m));

/**
 * Touched after each build run from here: webpack does not rewrite outputs whose content is unchanged, so
 * dist/'s own mtimes cannot tell that a build already saw the newest sources.
 */
const BUILD_STAMP = path.join(REPO_ROOT, 'artifacts', 'browser-host', 'dist-built.stamp');

/** Inputs of `npm run build` besides src/ (tests excluded: they are not bundled). */
const BUILD_INPUTS = ['webpack.config.ts', 'package-lock.json', 'tsconfig.json'].map((f) => path.join(REPO_ROOT, f));

function newestMtime(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestMtime(full)
      : /\.test\.tsx?$/.test(entry.name)
        ? { file: '', mtimeMs: 0 }
        : { file: full, mtimeMs: fs.statSync(full).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) {
      newest = candidate;
    }
  }
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function distStaleness(): string | undefined {
  const missing = DIST_MODULES.filter((m) => !fs.existsSync(m));
  if (missing.length > 0) {
    return `missing ${missing.map((m) => path.relative(REPO_ROOT, m)).join(', ')}`;
  }
  const stamp = fs.existsSync(BUILD_STAMP) ? fs.statSync(BUILD_STAMP).mtimeMs : 0;
  const built = Math.max(stamp, Math.min(...DIST_MODULES.map((m) => fs.statSync(m).mtimeMs)));
  const inputs = [
    newestMtime(path.join(REPO_ROOT, 'src')),
    ...BUILD_INPUTS.map((f) => ({ file: f, mtimeMs: fs.statSync(f).mtimeMs })),
  ];
  const newer = inputs.filter((input) => input.mtimeMs > built);
  return newer.length > 0
    ? `${newer.map((n) => path.relative(REPO_ROOT, n.file)).join(', ')} newer than dist/`
    : undefined;
}

export interface EnsureBuiltResult {
  built: boolean;
  reason?: string;
  durationMs: number;
}

/**
 * Runs `npm run build` when dist/ is missing or older than its inputs (`rebuild: 'never'` throws instead).
 * The build is bounded (default 5 min) and its output is part of the error when it fails.
 */
export async function ensurePluginBuilt(
  options: { rebuild?: 'if-stale' | 'never'; timeoutMs?: number } = {}
): Promise<EnsureBuiltResult> {
  const started = Date.now();
  const reason = distStaleness();
  if (!reason) {
    return { built: false, durationMs: Date.now() - started };
  }
  if (options.rebuild === 'never') {
    throw new Error(`dist/ is not usable (${reason}): run \`npm run build\` first`);
  }
  const buildStarted = new Date();
  await new Promise<void>((resolve, reject) => {
    execFile(
      'npm',
      ['run', 'build'],
      { cwd: REPO_ROOT, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `npm run build failed (${reason}): ${error.message}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`
            )
          );
        } else {
          resolve();
        }
      }
    );
  });
  // Stamped with the build's START time: a source saved during the build still counts as newer.
  fs.mkdirSync(path.dirname(BUILD_STAMP), { recursive: true });
  fs.writeFileSync(BUILD_STAMP, `${buildStarted.toISOString()}\n`);
  fs.utimesSync(BUILD_STAMP, buildStarted, buildStarted);
  const after = distStaleness();
  if (after) {
    throw new Error(`dist/ still not usable after npm run build: ${after}`);
  }
  return { built: true, reason, durationMs: Date.now() - started };
}

/** The dependencies webpack left external in an AMD module: `define(["react", …], …)` ('module' is SystemJS'). */
export function amdDependencies(moduleFile: string): string[] {
  const head = fs.readFileSync(moduleFile, 'utf8').slice(0, 20_000);
  const match = /define\((\[[^\]]*\])/.exec(head);
  if (!match?.[1]) {
    throw new Error(`${moduleFile} is not an AMD module (no define([...]))`);
  }
  return (JSON.parse(match[1]) as string[]).filter((dep) => !['module', 'exports', 'require'].includes(dep));
}
