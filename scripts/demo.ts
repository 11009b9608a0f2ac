/**
 * `npm run demo`: the product seen without Grafana. Builds the plugin (when dist/ is stale) and the browser
 * host, starts a light version of the test bed on 127.0.0.1 – a real Prometheus (scrape 2 s) scraping
 * itself, a real node_exporter, the three real engine captures of a healthy three-manager Swarm (job
 * docker) and simulated consul/weave/gluster/cAdvisor exporters of a healthy three-node cluster
 * (tests/simulators/cluster.ts, the same fault bed as the browser scenarios) – and serves a page
 * with the BUILT status panel full-window (datasource preset `swarm-legacy`, 3 managers), refreshed every
 * 5 s, and a row of fault buttons. Nothing here needs root.
 *
 *   npm run demo [-- --port 8300] [--fault lose-manager …] [--exit-after SECONDS] [--theme dark]
 *   curl -XPOST http://127.0.0.1:8300/control/fault/heal
 *
 * Ctrl-C (SIGINT) or SIGTERM stops everything (the harness kills what it started even on a hard exit).
 */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import {
  startNodeExporter,
  startPrometheus,
  type NodeExporterHandle,
  type PrometheusHandle,
  type ScrapeConfig,
  faultNameOf,
  sendJson,
} from '../tests/harness';
import { buildHost } from '../tests/browser/buildHost';
import { ensurePluginBuilt } from '../tests/browser/plugin';
import { hostPageHtml, startHostServer, type HostServer } from '../tests/browser/server';
import {
  CLUSTER_FAULTS,
  isClusterFault,
  startSimulatedCluster,
  type ClusterFault,
  type SimulatedCluster,
} from '../tests/simulators/cluster';

const DATASOURCE_UID = 'panopticon-demo';

/** The faults of the simulated cluster, by the name used on the command line, in the control URL and on the page. */
export const FAULTS = CLUSTER_FAULTS;
export type FaultName = ClusterFault;

const BUTTON_LABELS: Record<FaultName, string> = {
  'lose-manager': 'Lose a manager',
  'lose-two-managers': 'Lose two managers',
  'consul-leader': 'Consul loses its leader',
  'consul-raft-peer-gone': 'Consul server gone',
  'weave-isolated': 'Weave router isolated',
  'weave-connections-failing': 'Weave connections failing',
  'gluster-heal-vanished': 'Gluster heal info vanishes',
  'stop-exporter': 'Stop an exporter',
  'cadvisor-stopped': 'Stop a cAdvisor',
  heal: 'Heal all',
};

interface DemoArgs {
  port: number;
  faults: FaultName[];
  exitAfterSeconds?: number;
}

const USAGE = `usage: npm run demo -- [--port N (default 8300, 0 = any free port)] [--fault NAME]... [--exit-after SECONDS]
faults: ${Object.keys(FAULTS).join(', ')}`;

function parseArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { port: 8300, faults: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) {
        throw new Error(`${flag} needs a value\n${USAGE}`);
      }
      return next;
    };
    if (flag === '--port') {
      args.port = Number(value());
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
        throw new Error(`--port: expected a port number\n${USAGE}`);
      }
    } else if (flag === '--fault') {
      const name = value();
      if (!isClusterFault(name)) {
        throw new Error(`--fault: unknown fault "${name}"\n${USAGE}`);
      }
      args.faults.push(name);
    } else if (flag === '--exit-after') {
      args.exitAfterSeconds = Number(value());
      if (!(args.exitAfterSeconds > 0)) {
        throw new Error(`--exit-after: expected a positive number of seconds\n${USAGE}`);
      }
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new Error(`unknown argument "${flag}"\n${USAGE}`);
    }
  }
  return args;
}

/** Every scrape job of the demo: Prometheus itself, node_exporter and the simulated cluster. */
function scrapeConfigs(cluster: SimulatedCluster, nodeExporter: string, prometheus: string): ScrapeConfig[] {
  return [
    { job_name: 'prometheus', static_configs: [{ targets: [prometheus] }] },
    { job_name: 'node', static_configs: [{ targets: [nodeExporter] }] },
    ...cluster.scrapeConfigs(),
  ];
}

/** The host page plus the demo's toolbar and the script that renders the panel every 5 s. */
export function demoPageHtml(): string {
  const buttons = (Object.keys(FAULTS) as FaultName[])
    .map((name) => `<button type="button" data-fault="${name}" title="${FAULTS[name]}">${BUTTON_LABELS[name]}</button>`)
    .join('\n');
  const toolbar = `<div id="demo-bar">
<strong>Panopticon demo</strong>
${buttons}
<span id="demo-status">starting…</span>
</div>
<div id="host-root"></div>`;
  const style = `<style>
body { margin: 0; overflow: hidden; }
#demo-bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 8px; font: 13px sans-serif; }
#demo-bar button { font: inherit; padding: 3px 8px; cursor: pointer; border: 1px solid #888; border-radius: 3px; background: #f4f5f5; color: #222; }
#demo-bar button[aria-pressed="true"] { background: #d10e5c; border-color: #d10e5c; color: #fff; }
#demo-bar button[data-fault="heal"] { background: #1a7f4b; border-color: #1a7f4b; color: #fff; }
#demo-status { color: #888; margin-left: 8px; }
</style>
</head>`;
  const script = `<script>
(function () {
  var UID = ${JSON.stringify(DATASOURCE_UID)};
  var statusLine = document.getElementById('demo-status');
  var bar = document.getElementById('demo-bar');
  var rendering = false;
  var renders = 0;
  function showState(state) {
    var buttons = bar.querySelectorAll('button[data-fault]');
    for (var i = 0; i < buttons.length; i++) {
      var name = buttons[i].getAttribute('data-fault');
      if (name !== 'heal') {
        buttons[i].setAttribute('aria-pressed', String(state.active.indexOf(name) >= 0));
      }
    }
  }
  function refreshState() {
    return fetch('/control/state').then(function (r) { return r.json(); }).then(showState, function () {});
  }
  function render() {
    if (rendering) { return Promise.resolve(); }
    rendering = true;
    var host = window.panopticonHost;
    return host
      .renderPanel({
        id: 1,
        title: 'Cluster status (demo: swarm-legacy, 3 managers)',
        width: Math.max(200, window.innerWidth - 16),
        height: Math.max(150, window.innerHeight - bar.offsetHeight - 16),
        query: { datasourceUid: UID, targets: [{ refId: 'A' }], range: { from: 'now-5m', to: 'now' } },
      })
      .then(function (rendered) {
        renders += 1;
        document.body.setAttribute('data-demo-renders', String(renders));
        var errors = (rendered.query && rendered.query.errors) || [];
        statusLine.textContent = 'refreshed ' + new Date().toLocaleTimeString() +
          (errors.length ? ' – ' + errors.map(function (e) { return e.message; }).join('; ') : '');
      }, function (error) {
        statusLine.textContent = 'render failed: ' + (error && error.message);
      })
      .then(function () { rendering = false; });
  }
  bar.addEventListener('click', function (event) {
    var name = event.target && event.target.getAttribute && event.target.getAttribute('data-fault');
    if (!name) { return; }
    statusLine.textContent = 'injecting ' + name + '…';
    fetch('/control/fault/' + name, { method: 'POST' })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        showState(state);
        statusLine.textContent = name + ': Prometheus sees it at the next scrape (2 s), the panel within 5 s';
        // Two scrapes later the change is in Prometheus.
        setTimeout(render, 4500);
      });
  });
  var wait = setInterval(function () {
    var host = window.panopticonHost;
    if (!host || !host.ready) { return; }
    clearInterval(wait);
    host
      .createDatasource({
        uid: UID,
        name: 'Panopticon (demo)',
        jsonData: { modelSource: 'preset', preset: 'swarm-legacy', presetParams: { managers: '3' } },
      })
      .then(function () {
        refreshState();
        render();
        setInterval(function () { refreshState(); render(); }, 5000);
        window.addEventListener('resize', function () { render(); });
      }, function (error) {
        statusLine.textContent = 'datasource failed: ' + (error && error.message);
      });
  }, 50);
})();
</script>
</body>`;
  return hostPageHtml()
    .replace('<title>Panopticon plugin host</title>', '<title>Panopticon demo</title>')
    .replace('</head>', style)
    .replace('<div id="host-root"></div>', toolbar)
    .replace('</body>', script);
}

/** The demo's front server: the page, the control endpoints, everything else forwarded to the host server. */
async function startDemoServer(
  port: number,
  host: HostServer,
  bed: SimulatedCluster
): Promise<{ url: string; stop(): Promise<void> }> {
  const upstream = new URL(host.url);
  const sockets = new Set<Socket>();
  const state = () => ({ active: [...bed.active], faults: FAULTS });
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (url.pathname === '/' || url.pathname === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(method === 'HEAD' ? undefined : demoPageHtml());
      return;
    }
    if (url.pathname === '/control/state') {
      sendJson(response, 200, state());
      return;
    }
    const name = faultNameOf(url.pathname);
    if (name !== undefined) {
      if (method !== 'POST') {
        sendJson(response, 405, { error: 'use POST' });
      } else if (!isClusterFault(name)) {
        sendJson(response, 404, { error: `unknown fault "${name}"`, faults: Object.keys(FAULTS) });
      } else {
        bed.inject(name);
        console.log(`fault: ${name} (active: ${[...bed.active].join(', ') || 'none'})`);
        sendJson(response, 200, state());
      }
      return;
    }
    const forwarded = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
        agent: false,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      }
    );
    forwarded.on('error', () => {
      if (!response.headersSent) {
        response.writeHead(502);
      }
      response.end();
    });
    response.on('close', () => forwarded.destroy());
    request.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code = 0): Promise<void> => {
    stopping ??= (async () => {
      console.log(`stopping (${why})…`);
      const deadline = setTimeout(() => {
        console.error('clean stop took more than 15 s; exiting anyway (the harness kills what is left)');
        process.exit(1);
      }, 15_000);
      for (const stop of stops.reverse()) {
        await stop().catch((error: unknown) => console.error(`while stopping: ${String(error)}`));
      }
      clearTimeout(deadline);
      console.log('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  if (args.exitAfterSeconds !== undefined) {
    setTimeout(() => void shutdown(`--exit-after ${args.exitAfterSeconds}`), args.exitAfterSeconds * 1000);
  }

  try {
    console.log('building the plugin (if dist/ is stale) and the browser host…');
    const built = await ensurePluginBuilt();
    console.log(built.built ? `plugin built (${built.reason})` : 'plugin: dist/ is up to date');
    const hostBuild = await buildHost();

    console.log('starting Prometheus, node_exporter and the exporters of a three-node cluster…');
    const bed = await startSimulatedCluster();
    stops.push(() => bed.stop());
    const nodeExporter: NodeExporterHandle = await startNodeExporter();
    stops.push(() => nodeExporter.stop());
    const prometheus: PrometheusHandle = await startPrometheus({
      scrapeConfigs: scrapeConfigs(bed, nodeExporter.address, '127.0.0.1:9'),
      scrapeInterval: '2s',
    });
    stops.push(() => prometheus.stop());
    await prometheus.reload(scrapeConfigs(bed, nodeExporter.address, new URL(prometheus.url).host));
    // The simulated cluster's targets, node_exporter and Prometheus itself.
    const targetCount = bed.targetCount + 2;
    await prometheus.waitForQuery('up', (samples) => samples.length === targetCount, {
      timeoutMs: 60_000,
      what: `${targetCount} targets scraped`,
    });
    for (const fault of args.faults) {
      bed.inject(fault);
    }

    const hostServer = await startHostServer({ host: hostBuild, datasources: { [DATASOURCE_UID]: prometheus.url } });
    stops.push(() => hostServer.stop());
    const demo = await startDemoServer(args.port, hostServer, bed);
    stops.push(() => demo.stop());

    const faultList = (Object.keys(FAULTS) as FaultName[]).map((name) => `  ${name.padEnd(22)} ${FAULTS[name]}`);
    console.log(
      [
        '',
        `Panopticon demo: ${demo.url}/   (dark theme: ${demo.url}/?theme=dark)`,
        `Prometheus: ${prometheus.url}`,
        `ready in ${((Date.now() - started) / 1000).toFixed(1)} s${args.faults.length ? `, faults: ${args.faults.join(', ')}` : ''}`,
        '',
        'Faults (page buttons, or curl -XPOST ' + `${demo.url}/control/fault/<name>):`,
        ...faultList,
        '',
        'Ctrl-C stops everything.',
      ].join('\n')
    );
  } catch (error) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('error', 1);
  }
}

if (require.main === module) {
  void main();
}
