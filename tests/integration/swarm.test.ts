import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  startNodeExporter,
  startPrometheus,
  startSwarm,
  swarmNodesScrapeConfig,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  type SwarmHandle,
} from '../harness';
import { calmHostArgs } from '../calmHosts';

/**
 * `npx panopticon status` against a REAL single-manager Docker Swarm (a dockerd started by the test, with
 * a replicated service running), discovered by Prometheus with dockerswarm_sd_configs as a real deployment
 * would, plus a real node_exporter and Prometheus' self-scrape. Then the engine dies for real.
 */
const ROOT = path.join(__dirname, '../..');

interface Component {
  id: string;
  status: string;
  reason: string;
  impacted: boolean;
  rootCause: string | null;
  live?: number;
  expected?: number;
}

function npxPanopticon(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['--no-install', 'panopticon', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      }
    );
  });
}

describe('panopticon status on a real single-manager Swarm', () => {
  let swarm: SwarmHandle;
  let prometheus: PrometheusHandle;
  let nodeExporter: NodeExporterHandle;

  beforeAll(async () => {
    swarm = await startSwarm({ managers: 1 });
    await swarm.createService({ name: 'web', replicas: 2 });
    await swarm.waitForServiceTasks('web', 2);
    nodeExporter = await startNodeExporter();
    const scrapeConfigs = (self?: string): ScrapeConfig[] => [
      { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
      swarmNodesScrapeConfig('docker', swarm),
      ...(self ? [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }] : []),
    ];
    prometheus = await startPrometheus({ scrapeConfigs: scrapeConfigs(), scrapeInterval: '1s' });
    await prometheus.reload(scrapeConfigs(new URL(prometheus.url).host));
    await prometheus.waitForTargets({ job: 'docker', health: 'up', count: 1 });
    await prometheus.waitForTargets({ job: 'prometheus', health: 'up', count: 1 });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await swarm?.stop();
  }, 60_000);

  // This machine's CPU and load are not under test here (see cli.test.ts for the hosts' own verdict).
  async function status(params: string[] = []) {
    const args = ['status', '--prometheus', prometheus.url, '--preset', 'swarm-mode', '--json', ...calmHostArgs()];
    for (const param of params) {
      args.push('--param', param);
    }
    const run = await npxPanopticon(args);
    const json = JSON.parse(run.stdout) as {
      status: string;
      reason: string;
      rootCause: string | null;
      components: Component[];
    };
    const byId = (id: string) => {
      const found = json.components.find((c) => c.id === id);
      if (!found) {
        throw new Error(`no component ${id}`);
      }
      return found;
    };
    return { ...run, json, byId };
  }

  it('sees the live manager, its leadership and the ready node, with the expectation derived and said', async () => {
    const engine = swarm.engines[0];
    const { byId } = await status();
    // Everything the swarm depends on first, with its reason: a failure says which check broke the chain.
    for (const id of ['hosts', 'docker']) {
      expect({ id, status: byId(id).status, reason: byId(id).reason }).toEqual({
        id,
        status: 'ok',
        reason: expect.any(String),
      });
    }
    expect(byId('swarm')).toMatchObject({ status: 'ok', live: 1, expected: 1, impacted: false, rootCause: null });
    expect(byId('swarm').reason).toContain(
      '1/1 managers (expected: managers seen in the last hour; set managers to pin it)'
    );
    expect(byId('swarm').reason).toContain(`Raft leader: one leader: ${engine?.metricsAddress}`);
    expect(byId('swarm').reason).toContain('1/1 nodes ready');
    expect(byId('docker')).toMatchObject({ status: 'ok', live: 1, expected: 1 });
    expect(byId('docker').reason).toContain('engine metrics: 1 series present');
  });

  it('judges against a pinned expectation: one manager of three is no quorum', async () => {
    const { code, byId, json } = await status(['managers=3']);
    expect(byId('swarm')).toMatchObject({ status: 'critical', live: 1, expected: 3 });
    expect(byId('swarm').reason).toContain('1/3 managers: no quorum (2 needed)');
    expect(json.status).toBe('critical');
    expect(code).toBe(2);
  });

  it('turns red when the engine dies, names it, and recovers when it is back', async () => {
    const engine = swarm.engines[0];
    await swarm.stopEngine(0);
    await prometheus.waitForTargets({ job: 'docker', health: 'down', count: 1 });
    const down = await status();
    expect(down.byId('docker')).toMatchObject({ status: 'critical', live: 0, expected: 1, rootCause: 'docker' });
    expect(down.byId('docker').reason).toContain(`0/1 engines (at least 1 needed); down: ${engine?.metricsAddress}`);
    // Its stale samples do not count: no live manager, no leader.
    expect(down.byId('swarm')).toMatchObject({ status: 'critical', impacted: true, rootCause: 'docker' });
    expect(down.json).toMatchObject({ status: 'critical', rootCause: 'docker' });
    expect(down.code).toBe(2);

    await swarm.startEngine(0);
    await prometheus.waitForTargets({ job: 'docker', health: 'up', count: 1, timeoutMs: 60_000 });
    await prometheus.waitForQuery('swarm_manager_leader{job="docker"} == 1', (samples) => samples.length === 1, {
      timeoutMs: 60_000,
      what: 'the restarted manager leading again',
    });
    const back = await status();
    expect(back.byId('swarm').status).toBe('ok');
    expect(back.byId('docker').status).toBe('ok');
  }, 150_000);
});
