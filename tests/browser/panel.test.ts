/**
 * The BUILT status panel (dist/panel/module.js) in Chromium with the real @grafana/ui, fed by the BUILT
 * datasource through the data proxy from a real Prometheus (real node_exporter, the real captures of a
 * healthy three-manager Swarm): light and dark, 3, 30 and 1,000 tiles, a 1×1 cell, and the error state
 * when Prometheus is gone. Screenshots go to artifacts/screenshots/.
 */
import { startPrometheus, startRecordedEngines, type MetricsFileServer, type PrometheusHandle } from '../harness';
import { openHost, type HostPage } from './browser';
import { buildHost } from './buildHost';
import { tilesModelDocument } from './models';
import { ensurePluginBuilt } from './plugin';
import { readPanel } from './scenarioBed';
import { startHostServer, type HostServer } from './server';

describe('the built status panel in Chromium, fed by the real datasource', () => {
  let prometheus: PrometheusHandle | undefined;
  const engines: MetricsFileServer[] = [];
  let server: HostServer | undefined;
  let host: HostPage;

  beforeAll(async () => {
    const hostBuild = ensurePluginBuilt().then(() => buildHost());
    engines.push(...(await startRecordedEngines()));
    prometheus = await startPrometheus({
      scrapeConfigs: [{ job_name: 'docker', static_configs: [{ targets: engines.map((e) => e.address) }] }],
      scrapeInterval: '1s',
    });
    await prometheus.waitForQuery('up{job="docker"} == 1', (samples) => samples.length === 3, {
      timeoutMs: 60_000,
      what: 'three engines scraped',
    });
    const datasources = Object.fromEntries([3, 30, 1000].map((n) => [`tiles-${n}`, prometheus?.url ?? '']));
    server = await startHostServer({ host: await hostBuild, datasources });
    host = await openHost({ serverUrl: server.url, theme: 'light' });
    for (const count of [3, 30, 1000]) {
      await host.createDatasource({
        uid: `tiles-${count}`,
        jsonData: { modelSource: 'document', modelDocument: tilesModelDocument(count) },
      });
    }
  }, 300_000);

  afterAll(async () => {
    await host?.close();
    await server?.stop();
    await prometheus?.stop();
    await Promise.all(engines.map((engine) => engine.stop()));
  }, 60_000);

  afterEach(() => host?.assertNoBrowserErrors());

  /** Expected statuses of tilesModel components, as the rules give them for 3 live managers. */
  function expectedStatuses(count: number): string[] {
    const rank = ['ok', 'warning', 'unknown', 'critical'];
    const own = (i: number) => (i % 7 === 6 ? 'unknown' : i % 10 === 2 ? 'critical' : i % 3 === 1 ? 'warning' : 'ok');
    const statuses: string[] = [];
    for (let i = 0; i < count; i++) {
      const mine = own(i);
      const inherited = i % 10 === 3 ? (statuses[i - 1] ?? 'ok') : 'ok';
      statuses.push(rank.indexOf(inherited) > rank.indexOf(mine) ? inherited : mine);
    }
    return statuses;
  }

  it.each([
    [3, 640, 360],
    [30, 1280, 800],
    [1000, 1920, 1080],
  ])(
    'shows %i tiles with the right statuses, in light and dark, with ONE request per refresh',
    async (count, width, height) => {
      for (const theme of ['light', 'dark'] as const) {
        server?.resetProxyLog();
        const rendered = await host.renderPanel({
          id: count,
          title: `${count} components (${theme})`,
          width,
          height,
          theme,
          options: { sort: 'model', layout: count > 100 ? 'compact' : 'grid' },
          query: { datasourceUid: `tiles-${count}`, targets: [{ refId: 'A' }], range: { from: 'now-5m', to: 'now' } },
        });
        expect(server?.proxyCount(`tiles-${count}`)).toBe(1);
        expect(rendered.query?.errors).toEqual([]);
        const dom = await readPanel(host, rendered.selector);
        expect(dom.tiles).toHaveLength(count);
        expect(dom.tiles.map((tile) => tile.status)).toEqual(expectedStatuses(count));
        expect(dom.tiles[0]).toMatchObject({ component: 'c0000', name: 'Component 1' });
        // Component 3 (critical) has no quorum: the cluster is red.
        expect(dom.word).toBe('Critical');
        expect(dom.light).toMatch(/^Cluster status: Critical\./);
        await host.screenshot(`panel-${count}-tiles-${theme}`, rendered.selector);
      }
    }
  );

  it('fits a 1×1 grid cell with the light alone', async () => {
    const rendered = await host.renderPanel({
      id: 1,
      title: 'tiny',
      width: 110,
      height: 110,
      query: { datasourceUid: 'tiles-3', targets: [{ refId: 'A' }], range: { from: 'now-5m', to: 'now' } },
    });
    const dom = await readPanel(host, rendered.selector);
    expect(dom.word).toBe('Critical');
    expect(dom.tiles).toHaveLength(0);
    await host.screenshot('panel-1x1', rendered.selector);
  });

  it('shows an error state, never green, when Prometheus is gone', async () => {
    server?.setDatasource('tiles-3', 'http://127.0.0.1:9');
    try {
      const rendered = await host.renderPanel({
        id: 2,
        title: 'Prometheus gone',
        width: 640,
        height: 360,
        query: { datasourceUid: 'tiles-3', targets: [{ refId: 'A' }], range: { from: 'now-5m', to: 'now' } },
      });
      const dom = await readPanel(host, rendered.selector);
      expect(dom.word).not.toBe('OK');
      expect(`${dom.word ?? ''} ${dom.message ?? ''}`).toMatch(/Unknown|error/i);
      await host.screenshot('panel-prometheus-gone', rendered.selector);
    } finally {
      server?.setDatasource('tiles-3', prometheus?.url ?? '');
    }
  });
});
