/**
 * `npm run bench:panel`: render time of the BUILT status panel per update, in Chromium with the real
 * @grafana/ui, at 10, 100 and 1,000 tiles. Each update is new contract frames with other statuses, rendered
 * synchronously (flushSync) by the host: the time is measured in the page around that render. Printed as
 * medians and as ratios to the 10-tile run of the same process; no limits are asserted (noisy machines).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataFrameDTO } from '@grafana/data';
import { openHost } from '../tests/browser/browser';
import { buildHost, REPO_ROOT } from '../tests/browser/buildHost';
import { ensurePluginBuilt } from '../tests/browser/plugin';
import { startHostServer } from '../tests/browser/server';

const SIZES = [10, 100, 1000];
const WARMUPS = 3;
const UPDATES = 15;
const STATUSES = ['ok', 'warning', 'critical', 'unknown'];

/** Contract frames of `count` components; `seed` shifts the statuses so every update changes tiles. */
function frames(count: number, seed: number): DataFrameDTO[] {
  const ids = Array.from({ length: count }, (_, i) => `c${i}`);
  const status = ids.map((_, i) => STATUSES[(i + seed) % 7 === 0 ? 2 : (i + seed) % 5 === 0 ? 1 : 0] ?? 'ok');
  return [
    {
      name: 'cluster',
      fields: [
        { name: 'status', values: [status.includes('critical') ? 'critical' : 'warning'] },
        { name: 'reason', values: [`update ${seed}`] },
        { name: 'rootCause', values: ['c0'] },
        { name: 'evaluatedAt', values: [Date.now()] },
      ],
    },
    {
      name: 'components',
      fields: [
        { name: 'id', values: ids },
        { name: 'name', values: ids.map((id) => `Component ${id}`) },
        { name: 'status', values: status },
        { name: 'critical', values: ids.map((_, i) => i % 2 === 0) },
        { name: 'impacted', values: ids.map(() => false) },
        { name: 'reason', values: status.map((s, i) => `${s}: ${i % 3}/3 managers (update ${seed})`) },
        { name: 'rootCause', values: status.map((s, i) => (s === 'ok' ? '' : `c${i}`)) },
        { name: 'live', values: ids.map((_, i) => i % 3) },
        { name: 'expected', values: ids.map(() => 3) },
      ],
    },
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  await ensurePluginBuilt();
  const server = await startHostServer({ host: await buildHost() });
  const host = await openHost({ serverUrl: server.url, theme: 'dark' });
  const results: Array<{ tiles: number; medianMs: number; minMs: number; maxMs: number; updates: number }> = [];
  try {
    for (const tiles of SIZES) {
      const times: number[] = [];
      for (let update = 0; update < WARMUPS + UPDATES; update++) {
        const ms = await host.call(
          `render ${tiles} tiles`,
          async (options) => {
            const start = performance.now();
            await window.panopticonHost.renderPanel(options);
            return performance.now() - start;
          },
          { id: tiles, width: 1920, height: 1080, frames: frames(tiles, update), options: { layout: 'grid' } }
        );
        if (update >= WARMUPS) {
          times.push(ms);
        }
      }
      results.push({
        tiles,
        medianMs: median(times),
        minMs: Math.min(...times),
        maxMs: Math.max(...times),
        updates: UPDATES,
      });
    }
  } finally {
    await host.close();
    await server.stop();
  }
  const baseline = results[0]?.medianMs ?? NaN;
  console.log('status panel: render time per update (built plugin, Chromium, real @grafana/ui)');
  console.log('tiles   median ms   min–max ms        × 10-tile median   ms per tile');
  for (const r of results) {
    console.log(
      `${String(r.tiles).padStart(5)}   ${r.medianMs.toFixed(1).padStart(9)}   ${`${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)}`.padStart(13)}   ${(r.medianMs / baseline).toFixed(1).padStart(16)}×   ${(r.medianMs / r.tiles).toFixed(3).padStart(11)}`
    );
  }
  mkdirSync(path.join(REPO_ROOT, 'artifacts'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'artifacts/bench-panel.json'), JSON.stringify({ results }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
