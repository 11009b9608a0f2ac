/**
 * Proves the GlusterFS part of the harness against real Gluster 10.3: a replica-3 volume in a
 * private network namespace, a brick killed and brought back, and nothing left behind afterwards.
 * The asserted outputs are what the real CLI says (recorded in /work/shared/METRICS.md as the
 * exporter's traps): a down brick has pid -1 and port N/A, and heal info gives `-` for it.
 * Needs scripts/install-services.sh to have run; runs as root.
 *
 * Run: npx jest --selectProjects integration --runInBand tests/integration/gluster.test.ts
 */
import * as fs from 'fs';
import * as path from 'path';

import { runCommand } from '../harness/processes';
import {
  findNetnsProcesses,
  GlusterHandle,
  listProcesses,
  parseVolumeInfo,
  registry,
  startGluster,
  waitForHealInfo,
} from '../harness';

jest.setTimeout(60000);

/** Live (non-zombie) processes whose command line mentions `dir`. */
function processesMentioning(dir: string): string[] {
  return listProcesses()
    .filter((p) => p.state !== 'Z' && p.cmdline.includes(`${dir}/`))
    .map((p) => `${p.pid} ${p.cmdline}`);
}

/** Whether a process is alive (exists and is not a zombie awaiting its reaper). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function netnsNames(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

describe('harness: real GlusterFS replica-3 volume', () => {
  let handle: GlusterHandle | undefined;
  let startMs = 0;
  let hostLogsBefore: string[] = [];

  function started(): GlusterHandle {
    if (!handle) {
      throw new Error('gluster did not start (see beforeAll)');
    }
    return handle;
  }

  beforeAll(async () => {
    hostLogsBefore = fs.readdirSync('/var/log/glusterfs');
    const t0 = Date.now();
    handle = await startGluster({ volume: 'pgtest' });
    startMs = Date.now() - t0;
  }, 60000);

  afterAll(async () => {
    await handle?.stop();
  }, 30000);

  it('creates a started Replicate volume with 3 bricks, every brick online', async () => {
    const gluster = started();
    expect(startMs).toBeLessThan(30000);
    expect(await netnsNames()).toContain(gluster.netns);
    const xml = await gluster.gluster(['volume', 'info', gluster.volume, '--xml']);
    expect(xml).toContain('<opRet>0</opRet>');
    const [info] = parseVolumeInfo(xml);
    expect(info).toMatchObject({
      name: 'pgtest',
      typeStr: 'Replicate',
      statusStr: 'Started',
      brickCount: 3,
      replicaCount: 3,
    });
    expect(info?.bricks).toEqual(gluster.bricks.map((b) => b.id));
    expect(gluster.bricks.every((b) => b.id.startsWith('127.0.0.2:') && b.path.startsWith(`${gluster.dir}/`))).toBe(
      true
    );

    const status = await gluster.volumeStatus();
    expect(status.bricks.map((b) => b.id)).toEqual(gluster.bricks.map((b) => b.id));
    for (const brick of status.bricks) {
      expect(brick.online).toBe(true);
      expect(brick.pid).toBeGreaterThan(0);
      expect(brick.port).toMatch(/^\d+$/);
    }
    // Every brick process lives in our namespace, not in the host's.
    const inNetns = new Set(findNetnsProcesses(gluster.netns).map((p) => p.pid));
    expect(status.bricks.every((b) => inNetns.has(b.pid))).toBe(true);

    const heal = await waitForHealInfo(gluster, (bricks) => bricks.every((b) => b.status === 'Connected'));
    expect(heal.map((b) => b.numberOfEntries)).toEqual(['0', '0', '0']);
  });

  it('reports a killed brick offline (pid -1, port N/A, heal info "-") and brings it back', async () => {
    const gluster = started();
    const mountPoint = await gluster.mount();
    expect(fs.readFileSync('/proc/mounts', 'utf8')).toContain(` ${mountPoint} fuse.glusterfs `);

    const killedPid = await gluster.killBrick(1);
    expect(isAlive(killedPid)).toBe(false);
    const status = await gluster.volumeStatus();
    const down = status.bricks[1];
    expect(down).toMatchObject({ id: gluster.bricks[1]?.id, online: false, pid: -1, port: 'N/A' });
    expect(status.bricks.filter((b) => b.online)).toHaveLength(2);

    // A write while the brick is down becomes pending heal on the two live bricks.
    fs.writeFileSync(path.join(mountPoint, 'written-while-down'), 'x');
    const heal = await gluster.healInfo();
    expect(heal[1]).toEqual({
      id: gluster.bricks[1]?.id,
      status: 'Transport endpoint is not connected',
      numberOfEntries: '-',
      entries: undefined,
    });
    expect(heal[0]?.status).toBe('Connected');
    expect(heal[0]?.entries).toBeGreaterThan(0);
    const text = await gluster.gluster(['volume', 'heal', gluster.volume, 'info']);
    expect(text).toContain(
      `Brick ${gluster.bricks[1]?.id}\nStatus: Transport endpoint is not connected\nNumber of entries: -`
    );

    await gluster.startBricks();
    const after = await gluster.volumeStatus();
    expect(after.bricks.every((b) => b.online && b.pid > 0 && /^\d+$/.test(b.port))).toBe(true);
    expect(after.bricks[1]?.pid).not.toBe(killedPid);
    // glustershd reconnects to the restarted brick on its own and heals the pending entry.
    await waitForHealInfo(gluster, (bricks) => bricks.every((b) => b.status === 'Connected' && b.entries === 0), {
      what: 'the self-heal daemon to heal the restarted brick',
    });
    expect(fs.readFileSync(path.join(gluster.bricks[1]?.path ?? '', 'written-while-down'), 'utf8')).toBe('x');
  });

  it('stop() leaves no process, netns, mount or directory behind, and is idempotent', async () => {
    const gluster = started();
    const { dir, netns } = gluster;
    const pidsBefore = findNetnsProcesses(netns).map((p) => p.pid);
    expect(pidsBefore.length).toBeGreaterThanOrEqual(5); // glusterd, 3 bricks, glustershd (+ FUSE client)

    const t0 = Date.now();
    await gluster.stop();
    const stopMs = Date.now() - t0;
    await gluster.stop();
    await Promise.all([gluster.stop(), gluster.stop()]);
    handle = undefined;

    expect(stopMs).toBeLessThan(20000);
    expect(processesMentioning(dir)).toEqual([]);
    expect(pidsBefore.filter(isAlive)).toEqual([]);
    expect(await netnsNames()).not.toContain(netns);
    expect(fs.existsSync(`/run/netns/${netns}`)).toBe(false);
    expect(fs.readFileSync('/proc/mounts', 'utf8')).not.toContain(dir);
    expect(fs.existsSync(dir)).toBe(false);
    expect(registry.list().filter((d) => d.includes(dir))).toEqual([]);
    // glusterd's hard-coded host paths stayed untouched (they were shadowed by bind mounts).
    expect(fs.readdirSync('/var/log/glusterfs')).toEqual(hostLogsBefore);
    expect(fs.existsSync('/run/glusterd.socket')).toBe(false);
    console.log(`gluster start ${startMs} ms, stop ${stopMs} ms`);
  });
});
