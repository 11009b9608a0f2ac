/**
 * An in-process HTTP server on 127.0.0.1 that serves a Prometheus text exposition, standing in for
 * an exporter we cannot run here (a Docker engine at a recorded moment, Consul, Weave, Gluster …).
 *
 * Why real captures through a real scrape instead of injecting series: Prometheus then applies its
 * own parsing, `up`, staleness and relabelling, exactly as in production. `fail()` and `setDelay()`
 * make the same target go down or time out without restarting anything.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import * as path from 'path';

/** Content type of the Prometheus text format 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface StartMetricsFileServerOptions {
  /** Exposition text to serve. */
  body?: string;
  /** File to read the exposition from (read once; use setBody/setBodyFromFile to change it). */
  file?: string;
  /** Path that serves the metrics (default /metrics); every other path is 404. */
  path?: string;
  /** 127.0.0.x address to bind (default 127.0.0.1). */
  host?: string;
  /** Fixed port; default 0 (the OS picks a free one). */
  port?: number;
}

export interface MetricsFileServer {
  /** host:port for static_configs. */
  readonly address: string;
  readonly url: string;
  /** Number of requests answered on the metrics path (scrapes), whatever their status. */
  readonly scrapeCount: number;
  /** Replaces the exposition and ends any failure mode. */
  setBody(text: string): void;
  /** Replaces the exposition with a file's content and ends any failure mode. */
  setBodyFromFile(file: string): Promise<void>;
  /** Makes every scrape fail with this HTTP status (default 500) until setBody/recover. */
  fail(status?: number): void;
  /** Ends a failure mode, serving the last body again. */
  recover(): void;
  /** Delays every answer (e.g. beyond scrape_timeout to produce a timeout); 0 disables. */
  setDelay(ms: number): void;
  /** Closes the listener and destroys open keep-alive connections. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the server; resolves once it is listening. */
export async function startMetricsFileServer(options: StartMetricsFileServerOptions = {}): Promise<MetricsFileServer> {
  let body = options.body ?? (options.file ? await fs.promises.readFile(options.file, 'utf8') : '');
  let failStatus: number | undefined;
  let delayMs = 0;
  let scrapeCount = 0;
  const metricsPath = options.path ?? '/metrics';
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== metricsPath) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    scrapeCount += 1;
    // Snapshot the state now, so a change during a delay does not produce a mixed answer.
    const status = failStatus;
    const text = body;
    const answer = (): void => {
      if (status !== undefined) {
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`simulated failure ${status}\n`);
      } else {
        response.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE }).end(text);
      }
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  });
  // A server someone forgot to stop must not hang the test runner ("Jest did not exit"): neither
  // the listener nor Prometheus' keep-alive connections hold the event loop open.
  server.unref();
  server.on('connection', (socket) => {
    socket.unref();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `${host}:${port}`;
  let stopped: Promise<void> | undefined;

  return {
    address,
    url: `http://${address}${metricsPath}`,
    get scrapeCount() {
      return scrapeCount;
    },
    setBody: (text: string) => {
      body = text;
      failStatus = undefined;
    },
    setBodyFromFile: async (file: string) => {
      body = await fs.promises.readFile(file, 'utf8');
      failStatus = undefined;
    },
    fail: (status = 500) => {
      failStatus = status;
    },
    recover: () => {
      failStatus = undefined;
    },
    setDelay: (ms: number) => {
      delayMs = Math.max(0, ms);
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        for (const timer of timers) {
          clearTimeout(timer);
        }
        timers.clear();
        // Prometheus keeps scrape connections alive; without destroying them close() would wait
        // for them and keep the test runner's event loop busy.
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) {
          socket.destroy();
        }
      });
      return stopped;
    },
  };
}

/** The real /metrics captures of a healthy three-manager Swarm (tests/fixtures/docker): 9323 led. */
export const RECORDED_ENGINE_CAPTURES: readonly string[] = [9323, 9324, 9325].map((port) =>
  path.join(__dirname, '../fixtures/docker', `docker-engine-3mgr-healthy-port${port}.prom`)
);

/** Serves each recorded engine capture as if it were that engine, leader first. */
export async function startRecordedEngines(): Promise<MetricsFileServer[]> {
  const engines: MetricsFileServer[] = [];
  for (const file of RECORDED_ENGINE_CAPTURES) {
    engines.push(await startMetricsFileServer({ file }));
  }
  return engines;
}
