/**
 * Builds the browser host (host/entry.tsx with the REAL @grafana/data, @grafana/ui, @grafana/runtime,
 * React 18, rxjs, SystemJS …) into artifacts/browser-host/<mode>/ with esbuild, and reuses that build while
 * its inputs are unchanged: the host sources, package-lock.json, the esbuild version and the options.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const HOST_SOURCE_DIR = path.join(__dirname, 'host');
const OUTPUT_ROOT = path.join(REPO_ROOT, 'artifacts', 'browser-host');
/** Bump when the build options below change in a way the hash cannot see. */
const BUILD_RECIPE = 1;

export type HostMode = 'production' | 'development';

export interface HostBuild {
  /** Directory with host.js (+ host.css, assets) to serve under /host/. */
  dir: string;
  mode: HostMode;
  /** False when an up-to-date build was reused. */
  built: boolean;
  durationMs: number;
  /** Size of host.js in bytes. */
  bytes: number;
}

export interface BuildHostOptions {
  /** `production` (default, React's production build as in a released Grafana) or `development` (React warnings). */
  mode?: HostMode;
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : [full];
    })
    .sort();
}

function inputsHash(mode: HostMode, esbuildVersion: string): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ mode, esbuildVersion, BUILD_RECIPE }));
  for (const file of [...listFiles(HOST_SOURCE_DIR), __filename, path.join(REPO_ROOT, 'package-lock.json')]) {
    hash.update(path.relative(REPO_ROOT, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/** Builds the host unless an identical build exists; safe against a concurrent build (atomic rename). */
export async function buildHost(options: BuildHostOptions = {}): Promise<HostBuild> {
  const started = Date.now();
  const mode = options.mode ?? 'production';
  // Loaded lazily: jest's module registry would otherwise load esbuild into every test file importing this.
  const esbuild = await import('esbuild');
  const dir = path.join(OUTPUT_ROOT, mode);
  const hashFile = path.join(dir, 'inputs.sha256');
  const hash = inputsHash(mode, esbuild.version);
  const bundle = path.join(dir, 'host.js');
  if (!options.force && fs.existsSync(bundle) && fs.existsSync(hashFile)) {
    if (fs.readFileSync(hashFile, 'utf8').trim() === hash) {
      return { dir, mode, built: false, durationMs: Date.now() - started, bytes: fs.statSync(bundle).size };
    }
  }

  fs.mkdirSync(OUTPUT_ROOT, { recursive: true });
  const staging = fs.mkdtempSync(path.join(OUTPUT_ROOT, `.${mode}-`));
  try {
    const result = await esbuild.build({
      absWorkingDir: REPO_ROOT,
      entryPoints: { host: path.join(HOST_SOURCE_DIR, 'entry.tsx') },
      outdir: staging,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      jsx: 'transform',
      minify: false,
      sourcemap: 'linked',
      logLevel: 'silent',
      define: {
        'process.env.NODE_ENV': JSON.stringify(mode),
        global: 'globalThis',
      },
      // Grafana UI pulls in monaco's CSS and fonts; icons and images come as files next to the bundle.
      loader: {
        '.ttf': 'file',
        '.woff': 'file',
        '.woff2': 'file',
        '.eot': 'file',
        '.svg': 'file',
        '.png': 'file',
        '.gif': 'file',
      },
      assetNames: 'assets/[name]-[hash]',
      publicPath: '/host/',
    });
    if (result.errors.length > 0) {
      throw new Error(`host build failed: ${result.errors.map((e) => e.text).join('\n')}`);
    }
    fs.copyFileSync(require.resolve('systemjs/dist/extras/amd.js'), path.join(staging, 'systemjs-amd.js'));
    fs.writeFileSync(path.join(staging, 'inputs.sha256'), `${hash}\n`);
    // Swap in atomically: whoever reads `dir` sees the old build or the new one, never half of one.
    const old = `${dir}.old-${process.pid}`;
    if (fs.existsSync(dir)) {
      fs.renameSync(dir, old);
    }
    fs.renameSync(staging, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { dir, mode, built: true, durationMs: Date.now() - started, bytes: fs.statSync(bundle).size };
}
