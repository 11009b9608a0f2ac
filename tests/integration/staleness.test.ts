import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startPrometheus, type PrometheusHandle } from '../harness';
import { buildPreset, DEFAULT_PARAMS, evaluateCluster, parseInstantResponse, planQuery } from '../../src/model';

const run = promisify(execFile);

/**
 * Backfilled (or federated) data has no staleness markers: a target that went down keeps its last sample
 * for five minutes of lookback. Here three managers report for ten minutes, then the third one's scrapes
 * fail (`up == 0`) for the last two minutes while its `swarm_node_manager 1` is still within lookback.
 * Only the up-gate keeps that stale sample from counting as a live manager.
 */
const STEP_SECONDS = 15;
const MANAGERS = ['manager-1:9323', 'manager-2:9323', 'manager-3:9323'];

function openMetrics(end: number): string {
  const start = end - 600;
  const downFrom = end - 120;
  const lines: string[] = [];
  const series = (metric: string, labels: string, value: (t: number) => number | undefined) => {
    for (let t = start; t <= end; t += STEP_SECONDS) {
      const v = value(t);
      if (v !== undefined) {
        lines.push(`${metric}{${labels}} ${v} ${t}`);
      }
    }
  };
  const isDown = (instance: string, t: number) => instance === MANAGERS[2] && t >= downFrom;
  for (const instance of MANAGERS) {
    series('up', `job="docker",instance="${instance}"`, (t) => (isDown(instance, t) ? 0 : 1));
  }
  for (const instance of MANAGERS) {
    series('swarm_node_manager', `job="docker",instance="${instance}"`, (t) => (isDown(instance, t) ? undefined : 1));
  }
  for (const instance of MANAGERS) {
    const leader = instance === MANAGERS[0] ? 1 : 0;
    series('swarm_manager_leader', `job="docker",instance="${instance}"`, (t) =>
      isDown(instance, t) ? undefined : leader
    );
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

describe('stale samples of a dead target (backfilled data, real Prometheus)', () => {
  let prometheus: PrometheusHandle;
  let dir: string;
  // Whole minutes, well inside retention, and older than the head block so it is only in the backfilled block.
  const end = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'panopticon-backfill-'));
    const input = path.join(dir, 'history.om');
    writeFileSync(input, openMetrics(end));
    const data = path.join(dir, 'data');
    await run('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, data]);
    prometheus = await startPrometheus({
      scrapeConfigs: [],
      dataDir: data,
      extraArgs: ['--storage.tsdb.retention.time=3650d'],
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the stale sample: an ungated count still sees three managers', async () => {
    const raw = await prometheus.queryRaw('count(swarm_node_manager{job="docker"} == 1)', end);
    expect(raw.resultType === 'vector' ? raw.result[0]?.value[1] : undefined).toBe('3');
  });

  it('counts only the two managers whose targets are up, naming the dead one', async () => {
    const model = buildPreset('swarm-mode', DEFAULT_PARAMS);
    const raw = await prometheus.queryRaw(planQuery(model).query, end);
    const parsed = parseInstantResponse({ status: 'success', data: raw });
    if (!parsed.ok) {
      throw new Error(parsed.error);
    }
    const evaluation = evaluateCluster({ model, samples: parsed.samples, now: end * 1000 });
    const swarm = evaluation.components.find((c) => c.id === 'swarm');
    expect(swarm?.checks.find((c) => c.id === 'managers')).toMatchObject({
      status: 'warning',
      live: 2,
      expected: 3,
      reason: `2/3 managers, no further failure tolerated; down: ${MANAGERS[2]} (expected: managers seen in the last hour; set managers to pin it)`,
    });
    expect(swarm?.checks.find((c) => c.id === 'leader')).toMatchObject({ status: 'ok', instances: [MANAGERS[0]] });
    // The engines' own check: the dead target is an engine down (the history has no engine_daemon_engine_info,
    // so the component as a whole is unknown, never ok).
    const docker = evaluation.components.find((c) => c.id === 'docker');
    expect(docker?.checks.find((c) => c.id === 'engines')).toMatchObject({ status: 'warning', live: 2, expected: 3 });
    expect(docker?.status).toBe('unknown');
  });
});
