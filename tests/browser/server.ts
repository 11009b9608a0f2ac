/**
 * The HTTP side of the browser host, on 127.0.0.1 (a free port):
 * - `/` the host page: boot data and public path first (head), then the host bundle, then SystemJS' AMD
 *   extra (end of body, as Grafana loads its scripts);
 * - `/host/…` the host build (buildHost.ts);
 * - `/public/plugins/<id>/…` every plugin of dist/ (the app at the root, nested ones in sub-folders, by the
 *   id in their plugin.json), exactly where Grafana serves them; `/public/build/img/icons/…` Grafana UI's icons;
 * - `/api/datasources/proxy/uid/<uid>/<path>` a data proxy like Grafana's: method, query string and body
 *   forwarded to the upstream URL registered for that uid (Prometheus, VictoriaMetrics …), the answer
 *   streamed back; 502 when the upstream cannot be reached, 504 after the proxy timeout (empty bodies, as
 *   Grafana's proxy error handler). Every proxied request is logged and counted per uid.
 * The server is unref'd and stop() destroys open sockets and aborts upstream requests.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import * as path from 'path';
import { HOST_PATHS } from './host/api';
import { REPO_ROOT, type HostBuild } from './buildHost';

export interface ProxyLogEntry {
  uid: string;
  method: string;
  /** Path below the datasource URL, with the query string (e.g. `api/v1/query?…`). */
  path: string;
  /** Request body size in bytes. */
  requestBytes: number;
  /** Upstream status; 502/504 when the proxy answered itself; undefined if the client left first. */
  status?: number;
  durationMs?: number;
  /** The browser aborted the request (e.g. cancelled by a newer one with the same requestId). */
  aborted: boolean;
  /** Upstream URL requested. */
  target: string;
}

export interface HostServerOptions {
  host: HostBuild;
  /** dist/ of the plugin (default <repo>/dist). */
  distDir?: string;
  /** uid → upstream base URL, e.g. { prom: 'http://127.0.0.1:9090' }. */
  datasources?: Record<string, string>;
  /** Data proxy timeout (Grafana's default dataproxy timeout is 30 s). */
  proxyTimeoutMs?: number;
}

export interface HostServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** plugin id → directory served under /public/plugins/<id>/ */
  readonly plugins: Readonly<Record<string, string>>;
  setDatasource(uid: string, upstreamUrl: string): void;
  /** Proxied requests so far (all, or one datasource's), in order of arrival. */
  proxyLog(uid?: string): ProxyLogEntry[];
  /** Number of proxied requests (all, or one datasource's). */
  proxyCount(uid?: string): number;
  resetProxyLog(): void;
  /** Closes the listener, destroys open connections, aborts upstream requests. Idempotent. */
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
};

/** Request headers forwarded upstream (Grafana's proxy drops cookies and Grafana's own headers). */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'accept-encoding', 'user-agent', 'accept-language'];
/** Hop-by-hop and cookie headers not copied back to the browser. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'upgrade']);

/**
 * The host page. The boot data must exist before the bundle runs: @grafana/runtime builds `config` from
 * it while initialising (the theme comes from `?theme=dark|light`). SystemJS' AMD extra comes last.
 */
export function hostPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="/">
<title>Panopticon plugin host</title>
<script>
(function () {
  var theme = new URLSearchParams(window.location.search).get('theme') === 'dark' ? 'dark' : 'light';
  window.__grafana_public_path__ = '${HOST_PATHS.publicPath}';
  window.grafanaBootData = {
    assets: { dark: '', light: '' },
    navTree: [],
    settings: {
      featureToggles: {},
      appSubUrl: '',
      appUrl: window.location.origin + '/',
      buildInfo: { version: '12.4.10', commit: 'host', env: 'production', edition: 'Open Source', latestVersion: '', hasUpdate: false, hideVersion: false },
      datasources: {},
      panels: {},
      apps: {},
      defaultDatasource: '',
      dateFormats: undefined,
    },
    user: {
      id: 1, uid: 'admin', login: 'admin', email: 'admin@localhost', name: 'admin', isSignedIn: true,
      isGrafanaAdmin: true, orgId: 1, orgName: 'Main Org.', orgRole: 'Admin', orgCount: 1,
      theme: theme, lightTheme: theme === 'light', timezone: 'utc', weekStart: 'monday',
      locale: 'en-US', language: 'en-US', regionalFormat: 'en-US', helpFlags1: 0, hasEditPermissionInFolders: true,
      permissions: {}, analytics: { identifier: 'admin' }, authLabels: [], gravatarUrl: ''
    }
  };
})();
</script>
<link rel="stylesheet" href="${HOST_PATHS.bundleCss}">
</head>
<body>
<div id="host-root"></div>
<script src="${HOST_PATHS.bundle}"></script>
<script src="${HOST_PATHS.amdExtra}"></script>
</body>
</html>
`;
}

/** Plugin id → directory, from every plugin.json in dist/ and its direct sub-folders. */
export function findDistPlugins(distDir: string): Record<string, string> {
  const plugins: Record<string, string> = {};
  const candidates = [
    distDir,
    ...fs
      .readdirSync(distDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(distDir, e.name)),
  ];
  for (const dir of candidates) {
    const file = path.join(dir, 'plugin.json');
    if (fs.existsSync(file)) {
      const { id } = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: string };
      if (id) {
        plugins[id] = dir;
      }
    }
  }
  return plugins;
}

/** Resolves `relative` inside `root`, refusing anything that escapes it. */
function safeJoin(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  const full = path.resolve(root, `.${path.posix.sep}${decoded}`);
  return full === root || full.startsWith(root + path.sep) ? full : undefined;
}

function sendFile(response: http.ServerResponse, file: string | undefined, method: string): void {
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  response.writeHead(200, {
    'content-type': type,
    'content-length': fs.statSync(file).size,
    'cache-control': 'no-store',
  });
  if (method === 'HEAD') {
    response.end();
    return;
  }
  fs.createReadStream(file).pipe(response);
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const distDir = path.resolve(options.distDir ?? path.join(REPO_ROOT, 'dist'));
  const plugins = findDistPlugins(distDir);
  const iconsDir = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
  const upstreams = new Map<string, string>(Object.entries(options.datasources ?? {}));
  const proxyTimeoutMs = options.proxyTimeoutMs ?? 30_000;
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const upstreamRequests = new Set<http.ClientRequest>();
  let stopped: Promise<void> | undefined;

  const proxy = (request: http.IncomingMessage, response: http.ServerResponse, uid: string, rest: string): void => {
    const upstream = upstreams.get(uid);
    if (!upstream) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Data source not found' }));
      return;
    }
    const base = upstream.replace(/\/+$/, '');
    const target = new URL(`${base}/${rest}`);
    const entry: ProxyLogEntry = {
      uid,
      method: request.method ?? 'GET',
      path: rest,
      requestBytes: 0,
      aborted: false,
      target: target.href,
    };
    log.push(entry);
    const started = Date.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      entry.requestBytes = body.length;
      const headers: http.OutgoingHttpHeaders = { 'content-length': body.length };
      for (const name of FORWARDED_REQUEST_HEADERS) {
        const value = request.headers[name];
        if (value !== undefined) {
          headers[name] = value;
        }
      }
      headers['x-forwarded-for'] = request.socket.remoteAddress ?? '127.0.0.1';
      const upstreamRequest = http.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: entry.method,
          path: `${target.pathname}${target.search}`,
          headers,
          agent: false,
        },
        (upstreamResponse) => {
          clearTimeout(timer);
          entry.status = upstreamResponse.statusCode;
          const responseHeaders: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(upstreamResponse.headers)) {
            if (!DROPPED_RESPONSE_HEADERS.has(name) && value !== undefined) {
              responseHeaders[name] = value;
            }
          }
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.statusMessage, responseHeaders);
          upstreamResponse.pipe(response);
          upstreamResponse.on('end', () => {
            entry.durationMs = Date.now() - started;
            upstreamRequests.delete(upstreamRequest);
          });
        }
      );
      upstreamRequests.add(upstreamRequest);
      const timer = setTimeout(() => {
        upstreamRequest.destroy(Object.assign(new Error('proxy timeout'), { code: 'PROXY_TIMEOUT' }));
      }, proxyTimeoutMs);
      upstreamRequest.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        upstreamRequests.delete(upstreamRequest);
        if (entry.aborted || response.headersSent) {
          response.destroy();
          return;
        }
        const status = error.code === 'PROXY_TIMEOUT' ? 504 : 502;
        entry.status = status;
        entry.durationMs = Date.now() - started;
        response.writeHead(status).end();
      });
      upstreamRequest.end(body);
      // The browser went away before the answer was complete: abort upstream too, as Grafana does.
      response.on('close', () => {
        if (!response.writableFinished) {
          entry.aborted = true;
          entry.durationMs = Date.now() - started;
          upstreamRequest.destroy();
        }
      });
    });
  };

  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const pathname = url.pathname;
    try {
      if (pathname.startsWith(HOST_PATHS.dataProxy)) {
        const rest = pathname.slice(HOST_PATHS.dataProxy.length);
        const slash = rest.indexOf('/');
        const uid = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
        proxy(request, response, uid, `${slash < 0 ? '' : rest.slice(slash + 1)}${url.search}`);
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        response.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      if (pathname === HOST_PATHS.page || pathname === '/index.html') {
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'], 'cache-control': 'no-store' });
        response.end(method === 'HEAD' ? undefined : hostPageHtml());
        return;
      }
      if (pathname === '/favicon.ico') {
        response.writeHead(204).end();
        return;
      }
      if (pathname.startsWith(HOST_PATHS.bundleDir)) {
        sendFile(response, safeJoin(options.host.dir, pathname.slice(HOST_PATHS.bundleDir.length)), method);
        return;
      }
      if (pathname.startsWith(HOST_PATHS.icons)) {
        sendFile(response, safeJoin(iconsDir, pathname.slice(HOST_PATHS.icons.length)), method);
        return;
      }
      if (pathname.startsWith(HOST_PATHS.plugins)) {
        const rest = pathname.slice(HOST_PATHS.plugins.length);
        const slash = rest.indexOf('/');
        const dir = plugins[slash < 0 ? rest : rest.slice(0, slash)];
        sendFile(response, dir && slash >= 0 ? safeJoin(dir, rest.slice(slash + 1)) : undefined, method);
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch (error) {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
      }
      response.end(`host server error: ${String(error)}\n`);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    plugins,
    setDatasource(uid, upstreamUrl) {
      upstreams.set(uid, upstreamUrl);
    },
    proxyLog: (uid) => log.filter((entry) => uid === undefined || entry.uid === uid).map((entry) => ({ ...entry })),
    proxyCount: (uid) => log.filter((entry) => uid === undefined || entry.uid === uid).length,
    resetProxyLog() {
      log.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const upstreamRequest of upstreamRequests) {
          upstreamRequest.destroy();
        }
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
      });
      return stopped;
    },
  };
}
