/**
 * Helpers of the end-to-end failure scenarios (scenarios.test.ts): the swarm-mode model reduced to what a
 * bed of one host can observe (prometheus, hosts, docker, swarm), and what the status panel shows, read
 * from the DOM by the shared test ids.
 */
import * as net from 'net';
import { stringify } from 'yaml';
import { buildPreset, parsePresetParams } from '../../src/model';
import { TEST_IDS } from '../../src/panel/testIds';
import { BED_SERVICE } from '../bed/bed';
import { CALM_HOSTS } from '../calmHosts';
import type { HostPage } from './browser';

/** Components this bed can observe: no Gluster and no Weave here. */
export const BED_COMPONENTS = ['prometheus', 'hosts', 'docker', 'swarm', 'services'] as const;

const BED_JOBS = ['prometheus', 'node', 'docker'];

/**
 * Preset parameters of the bed: three managers and the service's tasks pinned; `hosts` left to derive
 * from the targets (there is one node_exporter); the host thresholds out of reach (CALM_HOSTS).
 */
export const BED_PARAMS = {
  managers: '3',
  tasks: String(BED_SERVICE.replicas),
  ...CALM_HOSTS,
};

/** The swarm-mode preset with BED_PARAMS, only the components and jobs of this bed, as YAML. */
export function bedModelDocument(): string {
  const parsed = parsePresetParams(BED_PARAMS);
  if (!parsed.params) {
    throw new Error(`bad preset parameters: ${parsed.errors.join('; ')}`);
  }
  const model = buildPreset('swarm-mode', parsed.params);
  const components = model.components.filter((c) => (BED_COMPONENTS as readonly string[]).includes(c.id));
  return stringify({
    ...model,
    name: 'Docker Swarm (swarm mode, one-host bed)',
    jobs: model.jobs.filter((j) => BED_JOBS.includes(j.job)),
    components,
  });
}

export interface TileDom {
  component: string | null;
  status: string | null;
  name: string | null;
  reason: string | null;
}

export interface PanelDom {
  /** aria-label of the light, e.g. "Cluster status: Warning. …" */
  light: string | null;
  word: string | null;
  reason: string | null;
  tiles: TileDom[];
  message: string | null;
  /** The whole panel's text, for reason words wherever they are shown. */
  text: string;
}

/** What the panel shows, read from the DOM by the shared test ids. */
export function readPanel(host: HostPage, selector: string): Promise<PanelDom> {
  return host.call(
    'reading the panel',
    ({ selector, ids }) => {
      const root = document.querySelector(selector);
      const one = (id: string) => root?.querySelector(`[data-testid="${id}"]`);
      return {
        light: one(ids.light)?.getAttribute('aria-label') ?? null,
        word: one(ids.lightWord)?.textContent ?? null,
        reason: one(ids.lightReason)?.textContent ?? null,
        tiles: [...(root?.querySelectorAll(`[data-testid="${ids.tile}"]`) ?? [])].map((tile) => ({
          component: tile.getAttribute('data-component'),
          status: tile.getAttribute('data-status'),
          name: tile.querySelector(`[data-testid="${ids.tileName}"]`)?.textContent ?? null,
          reason: tile.querySelector(`[data-testid="${ids.tileReason}"]`)?.textContent ?? null,
        })),
        message: one(ids.message)?.textContent ?? null,
        text: (root as HTMLElement | null)?.innerText ?? '',
      };
    },
    { selector, ids: TEST_IDS }
  );
}

/** The tile of one component (throws with what is there when it is missing). */
export function tileOf(dom: PanelDom, component: string): TileDom {
  const tile = dom.tiles.find((t) => t.component === component);
  if (!tile) {
    throw new Error(`no tile for ${component}; tiles: ${JSON.stringify(dom.tiles)}`);
  }
  return tile;
}

/**
 * Holds a stopped engine's swarm address (`ip:port`) until it is started again. The machine is shared:
 * another test's startSwarm picks the first 127.0.B.x block whose ports are free, and would otherwise take
 * a stopped engine's 127.0.0.1:2377, so that it cannot rejoin ("bind: address already in use").
 */
export async function holdAddress(address: string): Promise<{ release(): Promise<void> }> {
  const [ip, port] = address.split(':');
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), ip, () => resolve());
  });
  server.unref();
  let released: Promise<void> | undefined;
  return {
    release: () => (released ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
