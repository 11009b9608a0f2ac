/**
 * Turns a generated OpenMetrics file into a TSDB with the real promtool and serves it with a real
 * Prometheus (through the test harness, which cleans up after itself even on Ctrl-C).
 */
import { runCommand, startPrometheus, type PrometheusHandle } from '../tests/harness';

export const PROMTOOL_BINARY = '/usr/bin/promtool';

/** `promtool tsdb create-blocks-from openmetrics FILE OUTDIR`; rejects with promtool's stderr. */
export async function createBlocks(openMetricsFile: string, outDir: string): Promise<void> {
  // 3,000 hosts take ~10 s and ~1 GB here; the deadline only catches a hang.
  await runCommand(PROMTOOL_BINARY, ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, outDir], {
    timeoutMs: 300_000,
  });
}

/**
 * Prometheus on the backfilled blocks, scraping nothing: the TSDB holds exactly the simulated cluster.
 * A long retention, or Prometheus deletes blocks older than its default 15 days at start (the blocks are
 * recent, but the bench must not depend on that).
 */
export function servePrometheus(dataDir: string): Promise<PrometheusHandle> {
  return startPrometheus({ scrapeConfigs: [], dataDir, extraArgs: ['--storage.tsdb.retention.time=3650d'] });
}

/** `prometheus, version 2.42.0 (…)` → `2.42.0`, for the report. */
export async function prometheusVersion(binary: string): Promise<string> {
  const { stdout, stderr } = await runCommand(binary, ['--version']);
  return /version (\S+)/.exec(`${stdout}${stderr}`)?.[1] ?? 'unknown';
}
