/**
 * `npm run bed`: the full test bed (tests/bed/bed.ts) in the foreground, until Ctrl-C, SIGTERM or
 * `--exit-after SECONDS`; everything it started is stopped on the way out (and by the harness' reaper if
 * this process is killed). Root only: it runs dockerd and network namespaces.
 *
 *   sudo npm run bed [-- --exit-after SECONDS]
 *   curl -XPOST http://127.0.0.1:<port>/control/fault/stop-leader
 */
import { BED_FAULTS, startBed, type Bed } from '../tests/bed/bed';

const USAGE = 'usage: npm run bed -- [--exit-after SECONDS]';

function parseExitAfter(argv: string[]): number | undefined {
  if (argv.length === 0) {
    return undefined;
  }
  const seconds = Number(argv[1]);
  if (argv[0] !== '--exit-after' || argv.length !== 2 || !(seconds > 0)) {
    throw new Error(`unexpected arguments: ${argv.join(' ')}\n${USAGE}`);
  }
  return seconds;
}

async function main(): Promise<void> {
  const exitAfter = parseExitAfter(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    throw new Error('the bed runs dockerd and network namespaces: run it as root');
  }
  const started = Date.now();
  let bed: Bed | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code = 0) =>
    (stopping ??= (async () => {
      console.log(`stopping the bed (${why})…`);
      try {
        await bed?.stop();
        console.log('bed stopped, nothing left behind');
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        code = 1;
      }
      process.exit(code);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  try {
    bed = await startBed({ log: (line) => console.log(line) });
  } catch (error) {
    console.error(`bed failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('start failed', 1);
    return;
  }
  console.log(
    [
      '',
      `test bed ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `Prometheus:       ${bed.prometheus.url}`,
      `VictoriaMetrics:  ${bed.victoriaMetrics.url}`,
      `Swarm engines:    ${bed.swarm.engines.map((e) => `${e.host} (metrics ${e.metricsAddress})`).join(', ')}`,
      `GlusterFS:        volume ${bed.gluster.volume} in netns ${bed.gluster.netns}`,
      `Control:          curl -XPOST ${bed.controlUrl}/control/fault/<name>`,
      ...Object.entries(BED_FAULTS).map(([name, what]) => `  ${name.padEnd(26)} ${what}`),
      '',
      exitAfter ? `stops by itself after ${exitAfter} s; Ctrl-C stops it now` : 'Ctrl-C stops everything.',
    ].join('\n')
  );
  if (exitAfter) {
    setTimeout(() => void shutdown(`--exit-after ${exitAfter}`), exitAfter * 1000);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
