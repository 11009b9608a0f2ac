/**
 * The full test bed (tests/bed/bed.ts, `npm run bed`) as a whole: every part really runs, both engines
 * scrape the same targets (the Swarm discovered through dockerswarm_sd_configs), the real CLI judges the
 * cluster from either engine, faults injected through the control endpoint reach the panel's inputs, and
 * stop() leaves no process, namespace or directory behind.
 */
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';

import { BED_SERVICE, startBed, type Bed } from '../bed/bed';
import { calmHostArgs } from '../calmHosts';
import { findOwnedProcesses, type PrometheusHandle } from '../harness';
import { panopticon } from './runCli';

/** The bed's counts pinned; the test machine's own state out of reach: the bed's health is what is judged. */
const PARAMS = calmHostArgs({ managers: '3', tasks: String(BED_SERVICE.replicas) });

interface StatusJson {
  status: string;
  components: Array<{ id: string; status: string; reason: string }>;
}

async function status(engine: PrometheusHandle): Promise<{ code: number; json: StatusJson }> {
  const run = await panopticon(['status', '--prometheus', engine.url, '--preset', 'swarm-mode', ...PARAMS, '--json']);
  return { code: run.code, json: JSON.parse(run.stdout) as StatusJson };
}

const componentStatuses = (json: StatusJson) => Object.fromEntries(json.components.map((c) => [c.id, c.status]));

async function post(bed: Bed, fault: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${bed.controlUrl}/control/fault/${fault}`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the full test bed', () => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed({ scrapeInterval: '1s' });
  }, 240_000);

  afterAll(async () => {
    await bed?.stop();
  }, 120_000);

  it('discovers the three managers through the Docker API on both engines', async () => {
    for (const engine of [bed.prometheus, bed.victoriaMetrics]) {
      const managers = await engine.query('up{job="docker",swarm_role="manager"} == 1');
      expect(managers.map((s) => s.metric.instance).sort()).toEqual(
        bed.swarm.engines.map((e) => e.metricsAddress).sort()
      );
    }
  });

  it('runs a replica-3 GlusterFS volume with every brick online', async () => {
    const info = await bed.gluster.volumeInfo();
    expect(info).toMatchObject({
      name: bed.gluster.volume,
      statusStr: 'Started',
      typeStr: 'Replicate',
      replicaCount: 3,
    });
    const status = await bed.gluster.volumeStatus();
    expect(status.bricks.filter((brick) => brick.online)).toHaveLength(3);
  });

  it('is green from either engine: the real CLI on the real swarm and the simulated exporters', async () => {
    for (const engine of [bed.prometheus, bed.victoriaMetrics]) {
      const { code, json } = await status(engine);
      expect({ engine: engine.url, status: json.status, components: componentStatuses(json) }).toEqual({
        engine: engine.url,
        status: 'ok',
        components: {
          prometheus: 'ok',
          hosts: 'ok',
          docker: 'ok',
          swarm: 'ok',
          services: 'ok',
          gluster: 'ok',
          weave: 'ok',
        },
      });
      expect(code).toBe(0);
    }
  });

  it('answers unknown faults and wrong methods with the list, not a crash', async () => {
    const unknown = await post(bed, 'no-such-fault');
    expect(unknown.status).toBe(404);
    expect(unknown.body.faults).toEqual(expect.arrayContaining(['stop-leader', 'weave-connections-failing']));
    // The recorded engines' faults would do nothing here: the bed scrapes real engines.
    expect((await post(bed, 'lose-manager')).status).toBe(404);
    const get = await fetch(`${bed.controlUrl}/control/fault/stop-leader`);
    expect(get.status).toBe(405);
  });

  it('a simulated fault from the control endpoint: Weave connections failing, seen by VictoriaMetrics', async () => {
    expect(await post(bed, 'weave-connections-failing')).toMatchObject({ status: 200 });
    await bed.victoriaMetrics.waitForQuery('weave_connections{state="failed"} > 0', (s) => s.length > 0, {
      timeoutMs: 30_000,
      what: 'failed Weave connections',
    });
    const { code, json } = await status(bed.victoriaMetrics);
    expect(componentStatuses(json).weave).toBe('warning');
    expect(json.status).toBe('warning');
    expect(code).toBe(1);
    expect(await post(bed, 'heal')).toMatchObject({ status: 200 });
  });

  it('a real fault from the control endpoint: the leader crashed, then every engine back', async () => {
    const crashed = await post(bed, 'stop-leader');
    expect(crashed.status).toBe(200);
    const lost = /\((127\.0\.\d+\.\d+:\d+)\)/.exec(String(crashed.body.done))?.[1] ?? '';
    expect(lost).not.toBe('');
    await bed.prometheus.waitForQuery(`up{job="docker",instance="${lost}"} == 0`, (s) => s.length === 1, {
      timeoutMs: 30_000,
      what: `the old leader ${lost} down`,
    });
    const { json } = await status(bed.prometheus);
    const swarm = json.components.find((c) => c.id === 'swarm');
    expect(swarm?.reason).toContain(`2/3 managers, no further failure tolerated; down: ${lost}`);
    expect(json.status).not.toBe('ok');

    expect(await post(bed, 'start-engines')).toMatchObject({ status: 200 });
    await bed.prometheus.waitForQuery('count(up{job="docker"} == 1) == 3', (s) => s.length === 1, {
      timeoutMs: 60_000,
      what: 'three engines up again',
    });
    await bed.prometheus.waitForQuery('count(swarm_manager_leader{job="docker"} == 1) == 1', (s) => s.length === 1, {
      timeoutMs: 60_000,
      what: 'one leader',
    });
  });

  it('stops without leaving a process, a network namespace or a directory behind', async () => {
    const dirs = [bed.swarm.dir, bed.gluster.dir, bed.prometheus.dir, bed.victoriaMetrics.dir];
    const netns = bed.gluster.netns;
    await bed.stop();
    await bed.stop();
    expect(findOwnedProcesses({ pgids: [], markers: dirs.map((dir) => `${dir}/`) })).toEqual([]);
    expect(dirs.filter((dir) => fs.existsSync(dir))).toEqual([]);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(netns);
    await expect(fetch(`${bed.controlUrl}/`)).rejects.toThrow();
  });
});
