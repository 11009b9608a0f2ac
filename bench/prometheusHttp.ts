/**
 * The bench's own calls to the Prometheus HTTP API. Timed requests go through `fetch` with the same
 * method, body and headers as the product's `queryInstant` (src/cli/prometheus.ts), so the round trip is
 * the one the CLI pays; the parsing that `queryInstant` does inside is timed separately by the caller.
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One answered instant query, its body undecoded. */
export interface RawAnswer {
  /** The JSON body as text. */
  text: string;
  /** UTF-8 bytes of the (decompressed) JSON body: what the client has to parse. */
  bytes: number;
  /** From sending the request until the whole body is in. */
  roundTripMs: number;
  /** `content-encoding` Prometheus answered with (fetch asks for gzip by itself). */
  encoding: string;
}

export interface InstantQuery {
  prometheusUrl: string;
  query: string;
  /** Unix SECONDS of the evaluated instant. */
  time: number;
}

function formBody(query: InstantQuery): URLSearchParams {
  return new URLSearchParams({ query: query.query, time: query.time.toFixed(3) });
}

/** POSTs an instant query like the product does; throws with Prometheus' words on anything but HTTP 200. */
export async function postInstantQuery(query: InstantQuery): Promise<RawAnswer> {
  const started = performance.now();
  const response = await fetch(`${query.prometheusUrl}/api/v1/query`, {
    method: 'POST',
    body: formBody(query),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const roundTripMs = performance.now() - started;
  if (!response.ok) {
    throw new Error(
      `Prometheus answered HTTP ${response.status} to ${query.query.slice(0, 120)}: ${text.slice(0, 300)}`
    );
  }
  return {
    text,
    bytes: Buffer.byteLength(text),
    roundTripMs,
    encoding: response.headers.get('content-encoding') ?? 'identity',
  };
}

/**
 * The bytes on the wire for the same query when the client accepts gzip (Prometheus compresses API
 * answers then): fetch hides them, so this uses node:http and counts the compressed body.
 */
export function gzipWireBytes(query: InstantQuery): Promise<number> {
  const body = formBody(query).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${query.prometheusUrl}/api/v1/query`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          'Accept-Encoding': 'gzip',
        },
        timeout: 60_000,
      },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.on('end', () =>
          response.statusCode === 200 && response.headers['content-encoding'] === 'gzip'
            ? resolve(bytes)
            : reject(
                new Error(`gzip request: HTTP ${response.statusCode}, encoding ${response.headers['content-encoding']}`)
              )
        );
        response.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error('gzip request: no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * How many HTTP API requests Prometheus has served so far, from its own
 * `prometheus_http_requests_total{handler="/api/…"}` counters: a count taken by the server, so it also
 * sees requests a client makes that the bench does not know about. Reading /metrics is not an API request.
 */
export async function apiRequestsServed(prometheusUrl: string): Promise<number> {
  const text = await (await fetch(`${prometheusUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^prometheus_http_requests_total\{[^}]*handler="\/api\/[^"]*"[^}]*\} (\S+)$/.exec(line);
    if (match?.[1] !== undefined) {
      total += Number(match[1]);
    }
  }
  return total;
}
