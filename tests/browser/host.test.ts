/**
 * The browser host end to end: the BUILT plugin (dist/) loaded the way Grafana loads it (AMD modules through
 * SystemJS, externals provided by the host) in Debian's Chromium, with the real @grafana/data, @grafana/ui,
 * @grafana/runtime, React 18 and rxjs; the datasource talks to a REAL Prometheus through a data proxy like
 * Grafana's. Prometheus scrapes a real node_exporter and the real captures of a healthy three-manager Swarm
 * (tests/fixtures/docker, one target per manager, job `docker`).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

import {
  freePort,
  startRecordedEngines,
  startNodeExporter,
  startPrometheus,
  type MetricsFileServer,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  waitFor,
} from '../harness';
import { openHost, type HostPage } from './browser';
import { CALM_HOSTS, frameNamed, rows } from './frames';
import { buildHost, REPO_ROOT } from './buildHost';
import { HOST_PATHS, pluginModulePath, PLUGIN_IDS } from './host/api';
import { amdDependencies, DIST_MODULES, ensurePluginBuilt } from './plugin';
import { startHostServer, type HostServer } from './server';

const UID = 'prometheus-e2e';

/** An upstream that answers after `delayMs` (to have a request in flight long enough to cancel it). */
async function startSlowUpstream(
  delayMs: number
): Promise<{ url: string; readonly received: number; stop(): Promise<void> }> {
  const sockets = new Set<import('net').Socket>();
  let received = 0;
  const server = http.createServer((request, response) => {
    received += 1;
    request.resume();
    const timer = setTimeout(() => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    }, delayMs);
    response.on('close', () => clearTimeout(timer));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get received() {
      return received;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

describe('browser host: the built plugin in Chromium against a real Prometheus', () => {
  let prometheus: PrometheusHandle | undefined;
  let nodeExporter: NodeExporterHandle | undefined;
  const engines: MetricsFileServer[] = [];
  let server: HostServer | undefined;
  let host: HostPage;
  const timings: Record<string, number> = {};

  async function startServices(): Promise<PrometheusHandle> {
    nodeExporter = await startNodeExporter();
    engines.push(...(await startRecordedEngines()));
    const node = nodeExporter;
    const scrapeConfigs = (self?: string): ScrapeConfig[] => [
      { job_name: 'node', static_configs: [{ targets: [node.address] }] },
      { job_name: 'docker', static_configs: [{ targets: engines.map((engine) => engine.address) }] },
      ...(self ? [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }] : []),
    ];
    const started = await startPrometheus({ scrapeConfigs: scrapeConfigs(), scrapeInterval: '1s' });
    prometheus = started;
    await started.reload(scrapeConfigs(new URL(started.url).host));
    await started.waitForTargets({ job: 'docker', health: 'up', count: 3 });
    await started.waitForTargets({ job: 'prometheus', health: 'up', count: 1 });
    // rate() needs two samples of every CPU counter in its window before the hosts' CPU check has a value.
    await started.waitForQuery('count_over_time(up{job="node"}[2m]) >= 4', (samples) => samples.length > 0, {
      what: 'four scrapes of node_exporter',
    });
    return started;
  }

  beforeAll(async () => {
    let t = Date.now();
    const dist = await ensurePluginBuilt();
    timings.pluginBuildMs = dist.durationMs;
    t = Date.now();
    // The host build (esbuild, ~15 s when its inputs changed) and the services start side by side.
    const [hostBuild, started] = await Promise.all([
      buildHost().then((build) => {
        timings.hostBuildMs = build.durationMs;
        timings.hostBuilt = build.built ? 1 : 0;
        return build;
      }),
      startServices(),
    ]);
    timings.buildAndServicesMs = Date.now() - t;
    server = await startHostServer({ host: hostBuild, datasources: { [UID]: started.url } });
    t = Date.now();
    host = await openHost({ serverUrl: server.url, theme: 'light' });
    timings.openHostMs = Date.now() - t;
  }, 300_000);

  afterAll(async () => {
    // Everything is stopped whatever failed; each stop is idempotent and bounded.
    await host?.close();
    await server?.stop();
    await prometheus?.stop();
    await nodeExporter?.stop();
    await Promise.all(engines.map((engine) => engine.stop()));
    process.stdout.write(`browser host timings: ${JSON.stringify(timings)}\n`);
  }, 60_000);

  afterEach(() => {
    // Console errors, uncaught exceptions and failed page resources fail the test that caused them.
    const problems = host?.problems.splice(0);
    if (problems && problems.length > 0) {
      throw new Error(`the host page reported problems:\n${problems.map((p) => `  [${p.kind}] ${p.text}`).join('\n')}`);
    }
  });

  it('provides every external that webpack left in the built modules', async () => {
    const provided = await host.page.evaluate(() => window.panopticonHost.externals);
    for (const file of DIST_MODULES) {
      for (const dependency of amdDependencies(file)) {
        expect({ module: path.relative(REPO_ROOT, file), dependency, provided: provided.includes(dependency) }).toEqual(
          { module: path.relative(REPO_ROOT, file), dependency, provided: true }
        );
      }
    }
  });

  it.each([
    ['datasource', PLUGIN_IDS.datasource, 'DataSourcePlugin'],
    ['panel', PLUGIN_IDS.panel, 'PanelPlugin'],
    ['app', PLUGIN_IDS.app, 'AppPlugin'],
  ])(
    'loads dist %s module.js through SystemJS and it exports `plugin` built on the host’s @grafana/data',
    async (_, id, kind) => {
      const described = await host.describePlugin(pluginModulePath(id));
      expect(described.exports).toContain('plugin');
      // instanceof the HOST's class: the plugin received the shared @grafana/data, not a bundled copy.
      expect(described.pluginKind).toBe(kind);
      expect(described.pluginId).toBe(id);
    }
  );

  it('evaluates the swarm-mode preset through the data proxy with ONE request per refresh', async () => {
    const created = await host.createDatasource({
      uid: UID,
      jsonData: { preset: 'swarm-mode', presetParams: CALM_HOSTS },
    });
    expect(created).toEqual({
      uid: UID,
      type: PLUGIN_IDS.datasource,
      name: UID,
      url: `${HOST_PATHS.dataProxy}${UID}`,
      className: expect.any(String),
    });

    for (const refresh of [1, 2]) {
      server?.resetProxyLog();
      await host.clearRequestLog();
      const result = await host.query(UID, { targets: [{ refId: 'A' }], range: { from: 'now-1h', to: 'now' } });

      expect(result.thrown).toBeUndefined();
      expect(result.errors).toEqual([]);
      expect(result.frames.map((f) => f.name)).toEqual(['cluster', 'components']);
      const components = rows(frameNamed(result.frames, 'components'));
      const byId = Object.fromEntries(components.map((c) => [c.id, c]));
      expect(components.map((c) => c.id)).toEqual([
        'prometheus',
        'hosts',
        'docker',
        'swarm',
        'services',
        'gluster',
        'weave',
      ]);
      expect(byId.swarm).toMatchObject({ status: 'ok', live: 3, expected: 3, impacted: false });
      expect(String(byId.swarm?.reason)).toContain('3/3 managers');
      expect(byId.docker).toMatchObject({ status: 'ok', live: 3, expected: 3 });
      expect(byId.prometheus).toMatchObject({ status: 'ok' });
      expect(byId.gluster).toMatchObject({ status: 'unknown' });
      const [cluster] = rows(frameNamed(result.frames, 'cluster'));
      expect(cluster).toMatchObject({ status: 'warning', rootCause: 'gluster' });

      // One HTTP request from the plugin, one proxied request reaching Prometheus, for this refresh.
      const requests = await host.requestLog();
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        method: 'POST',
        url: `api/datasources/proxy/uid/${UID}/api/v1/query`,
        status: 200,
        cancelled: false,
      });
      expect(requests[0]?.body).toContain('panopticon_signal');
      expect(server?.proxyCount(UID)).toBe(1);
      expect(server?.proxyLog(UID)[0]).toMatchObject({
        method: 'POST',
        path: 'api/v1/query',
        status: 200,
        aborted: false,
      });
      expect(server?.proxyLog(UID)[0]?.target).toBe(`${prometheus?.url}/api/v1/query`);
      timings[`queryRefresh${refresh}Ms`] = result.durationMs;
    }

    // The status panel fed with the same query, mounted like a dashboard panel; and a picture of it.
    const panel = await host.renderPanel({
      id: 1,
      title: 'Cluster',
      query: { datasourceUid: UID },
      width: 720,
      height: 320,
    });
    const text = await host.page.locator(panel.selector).innerText();
    expect(text).toContain('Cluster');
    expect(text).toMatch(/Swarm managers\s*OK/);
    await host.screenshot('host-status-panel-light', panel.selector);
    await host.screenshot('host-page-light');
    // The same panel in a dark ThemeContext (a dashboard in the dark theme).
    const dark = await host.renderPanel({
      id: 2,
      title: 'Cluster (dark)',
      theme: 'dark',
      query: { datasourceUid: UID },
      width: 720,
      height: 320,
    });
    await host.screenshot('host-status-panel-dark', dark.selector);
    expect(await host.hostErrors()).toEqual([]);
  });

  it('cancels the in-flight request when one with the same requestId starts, as Grafana’s BackendSrv', async () => {
    const slow = await startSlowUpstream(3000);
    try {
      server?.setDatasource('slow', slow.url);
      await host.clearRequestLog();
      const url = `${HOST_PATHS.dataProxy}slow/api/v1/query`;
      // Each request's outcome is kept in the page, to be read once the second one is answered.
      const send = (label: string) =>
        host.call(
          `sending the ${label} request`,
          ({ url, label }) => {
            const outcomes = ((window as unknown as { outcomes?: Record<string, Promise<unknown>> }).outcomes ??= {});
            outcomes[label] = new Promise((resolve) => {
              window.panopticonHost.backendSrv
                .fetch({ url, method: 'POST', data: `query=${label}`, requestId: 'same-panel' })
                .subscribe({
                  next: (response) => resolve({ label, status: response.status }),
                  error: (error: Record<string, unknown>) =>
                    resolve({ label, cancelled: error.cancelled, status: error.status, statusText: error.statusText }),
                });
            });
          },
          { url, label }
        );
      await send('first');
      // The second starts once the first is in flight upstream: no fixed wait.
      await waitFor(async () => slow.received === 1, {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: 'the first request upstream',
      });
      await send('second');
      const outcome = await host.call(
        'the two outcomes',
        async () => {
          const outcomes = (window as unknown as { outcomes: Record<string, Promise<Record<string, unknown>>> })
            .outcomes;
          return { first: await outcomes.first, second: await outcomes.second };
        },
        undefined
      );
      expect(outcome.first).toEqual({ label: 'first', cancelled: true, status: -1, statusText: 'Request was aborted' });
      expect(outcome.second).toEqual({ label: 'second', status: 200 });
      const requests = await host.requestLog();
      expect(requests.map((r) => [r.body, r.cancelled, r.status])).toEqual([
        ['query=first', true, undefined],
        ['query=second', false, 200],
      ]);
      // The proxy saw the browser abort the first request.
      const proxied = server?.proxyLog('slow') ?? [];
      expect(proxied.map((p) => p.aborted)).toEqual([true, false]);
    } finally {
      await slow.stop();
    }
  });

  it('answers a dead upstream with a Grafana-shaped FetchError and the datasource reports it', async () => {
    const port = await freePort();
    server?.setDatasource('dead', `http://127.0.0.1:${port}`);
    const error = await host.call(
      'a request to a dead upstream',
      (url: string) =>
        new Promise<unknown>((resolve) => {
          window.panopticonHost.backendSrv.fetch({ url, method: 'GET' }).subscribe({
            next: () => resolve('unexpected success'),
            error: (e: Record<string, unknown>) =>
              resolve({
                status: e.status,
                statusText: e.statusText,
                data: e.data,
                url: (e.config as { url: string }).url,
              }),
          });
        }),
      `${HOST_PATHS.dataProxy}dead/api/v1/query?query=up`
    );
    expect(error).toEqual({
      status: 502,
      statusText: 'Bad Gateway',
      data: { message: 'Bad Gateway', error: 'Bad Gateway', response: '' },
      url: `api/datasources/proxy/uid/dead/api/v1/query?query=up`,
    });

    await host.createDatasource({ uid: 'dead', jsonData: { preset: 'swarm-mode' } });
    const result = await host.query('dead');
    expect(result.errors[0]?.message).toContain('HTTP 502');
    const [cluster] = rows(frameNamed(result.frames, 'cluster'));
    expect(cluster).toMatchObject({ status: 'unknown' });
  });

  it('collects the page’s console errors and uncaught exceptions so that afterEach fails the test', async () => {
    await host.page.evaluate(() => {
      console.error('self-test: a console error');
      setTimeout(() => {
        throw new Error('self-test: an uncaught exception');
      });
    });
    await host.page.waitForTimeout(200);
    const problems = host.problems.splice(0);
    expect(problems).toEqual([
      { kind: 'console', text: expect.stringContaining('self-test: a console error') },
      { kind: 'pageerror', text: expect.stringContaining('self-test: an uncaught exception') },
    ]);
  });

  it('interpolates template variables with a format function (PromQL escaping) and the named formats', async () => {
    await host.setVariables([
      { name: 'path', value: '/metrics' },
      { name: 'instance', value: ['10.0.0.1:9323', '10.0.0.2:9323'], multi: true },
      { name: 'job', value: '$__all', includeAll: true, allValue: '.+', options: ['docker', 'node'] },
    ]);
    const replaced = await host.call(
      'replace with a format function',
      (target: string) =>
        window.panopticonHost.templateSrv.replace(target, {}, (value: unknown, variable: { multi?: boolean }) => {
          const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
          return Array.isArray(value)
            ? `(${value.map(escape).join('|')})`
            : variable.multi
              ? escape(String(value))
              : String(value);
        }),
      'up{path="$path", instance=~"$instance", job=~"$job"}'
    );
    expect(replaced).toBe(
      'up{path="/metrics", instance=~"(10\\\\.0\\\\.0\\\\.1:9323|10\\\\.0\\\\.0\\\\.2:9323)", job=~".+"}'
    );
    // Grafana's own regex format escapes "/" (which Prometheus rejects inside a quoted label value).
    expect(await host.interpolate('${path:regex}')).toBe('\\/metrics');
    expect(await host.interpolate('$instance')).toBe('{10.0.0.1:9323,10.0.0.2:9323}');
    expect(await host.interpolate('${instance:pipe} [[path]] ${unknown}')).toBe(
      '10.0.0.1:9323|10.0.0.2:9323 /metrics ${unknown}'
    );
  });
});
