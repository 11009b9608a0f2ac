/**
 * `npm run demo` (scripts/demo.ts) as a user runs it, in a child process on free ports: it prints the page
 * and Prometheus URLs, serves the page with the panel's mount point, takes faults on its control endpoint
 * (Prometheus then sees them), and on SIGTERM stops within a deadline, leaving no Prometheus or
 * node_exporter behind. The rendering itself is covered by the browser tests.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { listProcesses, readProcess, type ProcessInfo } from '../harness';

const REPO_ROOT = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  demoUrl: string;
  prometheusUrl: string;
}

function startDemo(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo not ready after 150 s:\n${output}`)), 150_000);
    const check = (): void => {
      const demoUrl = /Panopticon demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      const prometheusUrl = /Prometheus: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (demoUrl && prometheusUrl && output.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolve({ child, output: () => output, demoUrl, prometheusUrl });
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Prometheus and node_exporter processes below `pid` (children, grandchildren …). */
function services(pid: number): ProcessInfo[] {
  const all = listProcesses();
  const below = new Set<number>([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== pid && below.has(p.pid) && SERVICE.test(p.cmdline));
}

const SERVICE = /\/usr\/bin\/prometheus(-node-exporter)? /;

async function dockerTargetsDown(prometheusUrl: string): Promise<number> {
  const query = encodeURIComponent('up{job="docker"} == 0');
  const body = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${query}`)).json()) as {
    data: { result: unknown[] };
  };
  return body.data.result.length;
}

async function poll(what: string, accept: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accept())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('npm run demo', () => {
  let demo: Started | undefined;

  afterAll(() => {
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
    }
  });

  it('serves the page, takes faults, and stops cleanly on SIGTERM', async () => {
    demo = await startDemo(['--port', '0', '--exit-after', '60']);
    const { demoUrl, prometheusUrl, child } = demo;

    // The services it started, to check afterwards that none is left.
    const started = services(child.pid ?? -1);
    expect(started.map((p) => p.cmdline)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/usr\/bin\/prometheus /),
        expect.stringMatching(/node-exporter/),
      ])
    );

    // The page: the host's mount point, the bundle, the fault buttons.
    const page = await fetch(`${demoUrl}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="host-root"></div>');
    expect(html).toContain('/host/host.js');
    for (const fault of ['lose-manager', 'lose-two-managers', 'consul-leader', 'heal']) {
      expect(html).toContain(`data-fault="${fault}"`);
    }
    // The host bundle and the built plugin come through the same origin.
    expect((await fetch(`${demoUrl}/host/host.js`, { method: 'HEAD' })).status).toBe(200);
    expect(
      (await fetch(`${demoUrl}/public/plugins/panopticon-status-panel/module.js`, { method: 'HEAD' })).status
    ).toBe(200);
    // …and the data proxy reaches the demo's Prometheus.
    const proxied = await fetch(`${demoUrl}/api/datasources/proxy/uid/panopticon-demo/api/v1/query?query=up`);
    expect(proxied.status).toBe(200);

    expect(await dockerTargetsDown(prometheusUrl)).toBe(0);
    const injected = await fetch(`${demoUrl}/control/fault/lose-manager`, { method: 'POST' });
    expect(injected.status).toBe(200);
    expect(((await injected.json()) as { active: string[] }).active).toEqual(['lose-manager']);
    await poll('one docker target down', async () => (await dockerTargetsDown(prometheusUrl)) === 1, 20_000);

    expect((await fetch(`${demoUrl}/control/fault/no-such-fault`, { method: 'POST' })).status).toBe(404);
    const healed = await fetch(`${demoUrl}/control/fault/heal`, { method: 'POST' });
    expect(healed.status).toBe(200);
    expect(((await healed.json()) as { active: string[] }).active).toEqual([]);
    await poll('every docker target up again', async () => (await dockerTargetsDown(prometheusUrl)) === 0, 20_000);

    // SIGTERM: a clean exit within a deadline, nothing left behind.
    const stoppedAt = Date.now();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), 20_000))),
    ]).finally(() => clearTimeout(timer));
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(demo.output()).toContain('stopped');
    // Same pid, same start time, still alive (not a zombie waiting to be reaped): left behind.
    const left = started.filter((p) => {
      const now = readProcess(p.pid);
      return now !== undefined && now.startTime === p.startTime && now.state !== 'Z';
    });
    expect(left.map((p) => p.cmdline)).toEqual([]);
  });
});
