/**
 * A real node_exporter (Debian's prometheus-node-exporter 1.5) on 127.0.0.1, so host metrics in
 * tests come from the real collector with its real names, types and label sets.
 */
import { httpRequest } from './http';
import {
  createPrivateDir,
  formatLogTail,
  freePort,
  notRunningReason,
  ServiceHandle,
  spawnService,
  waitFor,
} from './processes';

export const NODE_EXPORTER_BINARY = '/usr/bin/prometheus-node-exporter';

export interface StartNodeExporterOptions {
  /** Extra flags, e.g. ['--collector.disable-defaults', '--collector.loadavg']. */
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface NodeExporterHandle {
  /** host:port as Prometheus wants it in static_configs, e.g. 127.0.0.1:40111 */
  readonly address: string;
  /** Full metrics URL. */
  readonly url: string;
  readonly service: ServiceHandle;
  logTail(lines?: number): string;
  /** Stops the exporter and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts node_exporter and waits until /metrics serves its build info. Retries on a port race. */
export async function startNodeExporter(options: StartNodeExporterOptions = {}): Promise<NodeExporterHandle> {
  const dir = await createPrivateDir('node-exporter');
  const startedAt = Date.now();
  const startTimeoutMs = options.startTimeoutMs ?? 15000;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort('127.0.0.1');
      const address = `127.0.0.1:${port}`;
      const url = `http://${address}/metrics`;
      const service = spawnService({
        name: attempt === 1 ? 'node-exporter' : `node-exporter-${attempt}`,
        command: NODE_EXPORTER_BINARY,
        args: [`--web.listen-address=${address}`, ...(options.extraArgs ?? [])],
        logDir: dir.path,
        stopTimeoutMs: 3000,
      });
      try {
        await waitFor(
          async () => {
            const response = await httpRequest(url, { timeoutMs: 3000 });
            return response.status === 200 && response.body.includes('node_exporter_build_info');
          },
          {
            timeoutMs: Math.max(1000, startTimeoutMs - (Date.now() - startedAt)),
            intervalMs: 50,
            what: `node_exporter metrics at ${url}`,
            abortIf: () => notRunningReason(service),
            diagnostics: () => formatLogTail('node-exporter', service.logFile),
          }
        );
      } catch (error) {
        await service.stop({ timeoutMs: 0 });
        if (attempt < 3 && /address already in use/.test(service.logTail(20))) {
          continue;
        }
        throw error;
      }
      let stopped: Promise<void> | undefined;
      return {
        address,
        url,
        service,
        logTail: (lines?: number) => service.logTail(lines),
        stop: () => {
          stopped ??= (async () => {
            await service.stop();
            await dir.remove();
          })();
          return stopped;
        },
      };
    }
  } catch (error) {
    await dir.remove();
    throw error;
  }
}
