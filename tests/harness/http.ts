/**
 * Minimal HTTP client for talking to the services under test (Prometheus API, exporters, the
 * Docker API on a unix socket), and the answers of the beds' fault control endpoints.
 *
 * Why not global fetch: undici keeps pooled keep-alive sockets, which can hold the Jest process
 * open after the tests and hide which request hung. Every request here uses its own connection
 * (`agent: false`) and a hard timeout.
 */
import * as http from 'http';

export interface HttpRequestOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Whole-request deadline; the request is aborted when it passes. */
  timeoutMs?: number;
  /** Talk HTTP over this unix socket (the URL then only supplies path and query). */
  socketPath?: string;
}

export interface HttpResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Performs one request; rejects on network errors and timeouts, never on HTTP status codes. */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = http.request(
      {
        method: options.method ?? 'GET',
        agent: false,
        socketPath: options.socketPath,
        host: options.socketPath ? undefined : target.hostname,
        port: options.socketPath ? undefined : target.port,
        path: `${target.pathname}${target.search}`,
        headers: {
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          });
        });
      }
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`${options.method ?? 'GET'} ${url} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(options.body);
  });
}

/** Narrowing helper for JSON bodies (JSON.parse returns `any`; we only ever treat it as unknown). */
export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** True for plain JSON objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Answers a control endpoint: JSON, never cached. */
export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

/** The fault named by a control URL path `/control/fault/<name>` (decoded), or undefined for any other path. */
export function faultNameOf(pathname: string): string | undefined {
  const encoded = /^\/control\/fault\/([^/]+)$/.exec(pathname)?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}
