/**
 * The provisioned Cluster overview as Grafana would run it: its status panel (options and queries from
 * dashboards/overview.json) rendered by the BUILT panel in Chromium, fed by the BUILT datasource configured
 * from provisioning/datasources/datasources.yaml, through the data proxy to a real Prometheus scraping a
 * real node_exporter and the real captures of a healthy three-manager Swarm.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  startRecordedEngines,
  startNodeExporter,
  startPrometheus,
  type MetricsFileServer,
  type NodeExporterHandle,
  type PrometheusHandle,
} from '../harness';
import { TEST_IDS } from '../../src/panel/testIds';
import { openHost, type HostPage } from './browser';
import { buildHost, REPO_ROOT } from './buildHost';
import { CALM_HOSTS } from './frames';
import { ensurePluginBuilt } from './plugin';
import { startHostServer, type HostServer } from './server';

interface Panel {
  type?: string;
  title?: string;
  options?: Record<string, unknown>;
  targets?: Array<Record<string, unknown> & { refId: string }>;
  panels?: Panel[];
}

interface ProvisionedDatasource {
  uid: string;
  type: string;
  jsonData?: Record<string, unknown>;
}

const STATUS_PANEL = 'panopticon-status-panel';

function statusPanelOf(file: string): Panel {
  const dashboard = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dashboards', file), 'utf8')) as { panels: Panel[] };
  const panel = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).find((p) => p.type === STATUS_PANEL);
  if (!panel) {
    throw new Error(`no ${STATUS_PANEL} in dashboards/${file}`);
  }
  return panel;
}

function provisionedPanopticon(): ProvisionedDatasource {
  const file = path.join(REPO_ROOT, 'provisioning/datasources/datasources.yaml');
  const { datasources } = parse(readFileSync(file, 'utf8')) as { datasources: ProvisionedDatasource[] };
  const found = datasources.find((d) => d.type === 'panopticon-cluster-datasource');
  if (!found) {
    throw new Error(`no panopticon-cluster-datasource in ${file}`);
  }
  return found;
}

describe('the provisioned Cluster overview', () => {
  let prometheus: PrometheusHandle | undefined;
  let nodeExporter: NodeExporterHandle | undefined;
  const engines: MetricsFileServer[] = [];
  let server: HostServer | undefined;
  let host: HostPage;
  const datasource = provisionedPanopticon();

  beforeAll(async () => {
    const hostBuild = ensurePluginBuilt().then(() => buildHost());
    nodeExporter = await startNodeExporter();
    engines.push(...(await startRecordedEngines()));
    prometheus = await startPrometheus({
      scrapeConfigs: [
        { job_name: 'node', static_configs: [{ targets: [nodeExporter.address] }] },
        { job_name: 'docker', static_configs: [{ targets: engines.map((e) => e.address) }] },
      ],
      scrapeInterval: '1s',
    });
    await prometheus.waitForQuery('up{job="docker"} == 1', (samples) => samples.length === 3, {
      timeoutMs: 60_000,
      what: 'three engines scraped',
    });
    server = await startHostServer({ host: await hostBuild, datasources: { [datasource.uid]: prometheus.url } });
    host = await openHost({ serverUrl: server.url, theme: 'dark' });
    // The provisioned settings as they are, with this machine's own CPU and load kept out of the verdict.
    await host.createDatasource({
      uid: datasource.uid,
      jsonData: { ...datasource.jsonData, presetParams: CALM_HOSTS },
    });
  }, 300_000);

  afterAll(async () => {
    await host?.close();
    await server?.stop();
    await prometheus?.stop();
    await nodeExporter?.stop();
    await Promise.all(engines.map((engine) => engine.stop()));
  }, 60_000);

  afterEach(() => host?.assertNoBrowserErrors());

  it('renders its status panel with every component, and tiles linking to their dashboards', async () => {
    const panel = statusPanelOf('overview.json');
    server?.resetProxyLog();
    const rendered = await host.renderPanel({
      title: panel.title ?? 'Cluster status',
      width: 1600,
      height: 700,
      options: panel.options ?? {},
      query: {
        datasourceUid: datasource.uid,
        targets: panel.targets ?? [{ refId: 'A' }],
        range: { from: 'now-5m', to: 'now' },
      },
    });
    expect(server?.proxyCount(datasource.uid)).toBe(1);
    const dom = await host.call(
      'reading the overview panel',
      ({ selector, ids }) => {
        const root = document.querySelector(selector);
        return {
          word: root?.querySelector(`[data-testid="${ids.lightWord}"]`)?.textContent ?? null,
          tiles: [...(root?.querySelectorAll(`[data-testid="${ids.tile}"]`) ?? [])].map((tile) => ({
            component: tile.getAttribute('data-component'),
            status: tile.getAttribute('data-status'),
            href: tile.querySelector('a')?.getAttribute('href') ?? tile.closest('a')?.getAttribute('href') ?? null,
          })),
        };
      },
      { selector: rendered.selector, ids: TEST_IDS }
    );
    // No gluster_exporter nor Weave here: the cluster is orange, never green.
    expect(dom.word).toBe('Warning');
    const byId = Object.fromEntries(dom.tiles.map((tile) => [tile.component, tile]));
    expect(Object.keys(byId).sort()).toEqual([
      'docker',
      'gluster',
      'hosts',
      'prometheus',
      'services',
      'swarm',
      'weave',
    ]);
    // This swarm runs no service: nothing to fail, which is ok, not unknown.
    expect(byId.services).toMatchObject({ status: 'ok', href: '/d/panopticon-docker-swarm' });
    expect(byId.swarm).toMatchObject({ status: 'ok', href: '/d/panopticon-docker-swarm' });
    expect(byId.docker).toMatchObject({ status: 'ok', href: '/d/panopticon-docker-swarm' });
    expect(byId.gluster).toMatchObject({ status: 'unknown', href: '/d/panopticon-glusterfs' });
    expect(byId.hosts?.href).toBe('/d/panopticon-hosts');
    await host.screenshot('overview-status-panel', rendered.selector);
  });
});
