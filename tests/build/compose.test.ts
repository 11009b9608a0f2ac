/**
 * Checks of the demo (docker-compose.yml) and the Swarm stack (docker-stack.yml) that need no Docker:
 * YAML validity, pinned images, bind mounts that exist, ports on 127.0.0.1, `promtool check config`, the
 * unsigned-plugin allow-list against the plugin.json files, Swarm discovery wiring, the provisioning
 * against the dashboards, and the simulated exporters' server answering one scrape.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_PARAMS } from '../../src/model/presets';
import { DEFAULT_PORTS, startSimulators, type RunningSimulators } from '../../deploy/simulators/server';

const ROOT = path.join(__dirname, '../..');
const PROMTOOL = '/usr/bin/promtool';
const GRAFANA_PLUGINS_DIR = '/var/lib/grafana/plugins';

type Json = Record<string, unknown>;
interface Service {
  image?: string;
  environment?: Record<string, string> | string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  ports?: Array<string | { target?: number; published?: number | string; host_ip?: string; mode?: string }>;
  deploy?: { mode?: string; labels?: Record<string, string>; placement?: { constraints?: string[] } };
  configs?: Array<string | { source: string; target?: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { file?: string }>;
  networks?: Record<string, { name?: string; driver?: string }>;
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  dockerswarm_sd_configs?: Array<{ host: string; role: string; port?: number }>;
  relabel_configs?: Array<{
    source_labels?: string[];
    target_label?: string;
    regex?: string;
    replacement?: string;
    action?: string;
  }>;
}

function readYaml<T>(relative: string): T {
  const file = path.join(ROOT, relative);
  if (!existsSync(file)) {
    throw new Error(`${relative} is missing`);
  }
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new Error(`${relative}: ${doc.errors.map((error) => error.message).join('\n')}`);
  }
  return doc.toJS() as T;
}

const FILES = ['docker-compose.yml', 'docker-stack.yml'] as const;
const compose = () => readYaml<ComposeFile>('docker-compose.yml');
const stack = () => readYaml<ComposeFile>('docker-stack.yml');
const files = { 'docker-compose.yml': compose, 'docker-stack.yml': stack };

function service(file: ComposeFile, name: string): Service {
  const found = file.services[name];
  if (found === undefined) {
    throw new Error(`no service ${name}`);
  }
  return found;
}

function environment(svc: Service): Record<string, string> {
  if (Array.isArray(svc.environment)) {
    return Object.fromEntries(
      svc.environment.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')])
    );
  }
  return svc.environment ?? {};
}

/** Bind mounts and named volumes as `{ source, target }`, short and long syntax. */
function mounts(svc: Service): Array<{ source: string; target: string }> {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = ''] = volume.split(':');
      return { source, target };
    }
    return { source: volume.source ?? '', target: volume.target ?? '' };
  });
}

// Host paths a monitoring agent legitimately reads outside the repository.
const SYSTEM_PATHS = ['/', '/proc', '/sys', '/var/run', '/var/run/docker.sock', '/var/lib/docker/', '/dev/disk/'];

const PLUGIN_JSONS = ['src/plugin.json', 'src/datasource/plugin.json', 'src/panel/plugin.json'];
const pluginIds = () =>
  PLUGIN_JSONS.map((file) => (JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Json).id);
const APP_ID = 'panopticon-cluster-app';

const PRESET_JOBS = [
  DEFAULT_PARAMS.prometheusJob,
  DEFAULT_PARAMS.nodeJob,
  DEFAULT_PARAMS.dockerJob,
  DEFAULT_PARAMS.glusterJob,
  DEFAULT_PARAMS.weaveJob,
  DEFAULT_PARAMS.consulJob,
];

const PROMETHEUS_CONFIGS = readdirSync(path.join(ROOT, 'deploy/prometheus'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `deploy/prometheus/${name}`);

const scrapeConfigs = (relative: string) => readYaml<{ scrape_configs: ScrapeConfig[] }>(relative).scrape_configs;
const job = (configs: ScrapeConfig[], name: string) => {
  const found = configs.find((config) => config.job_name === name);
  if (found === undefined) {
    throw new Error(`no job ${name}`);
  }
  return found;
};

describe.each(FILES)('%s', (name) => {
  const load = files[name];

  it('is valid YAML with services', () => {
    expect(Object.keys(load().services).length).toBeGreaterThan(0);
  });

  it('pins every image to a version (a tag with digits, never latest)', () => {
    for (const [svcName, svc] of Object.entries(load().services)) {
      const image = svc.image ?? '';
      const tag = /:([^:/]+)$/.exec(image)?.[1];
      expect({ svcName, image, pinned: tag !== undefined && tag !== 'latest' && /\d/.test(tag) }).toEqual({
        svcName,
        image,
        pinned: true,
      });
    }
  });

  it('mounts only paths that exist in the repository, system paths and declared volumes', () => {
    const file = load();
    for (const [svcName, svc] of Object.entries(file.services)) {
      for (const { source, target } of mounts(svc)) {
        expect(target).toMatch(/^\//);
        if (source.startsWith('.')) {
          expect({ svcName, source, exists: existsSync(path.join(ROOT, source)) }).toEqual({
            svcName,
            source,
            exists: true,
          });
        } else if (source.startsWith('/')) {
          expect(SYSTEM_PATHS).toContain(source);
        } else {
          expect(Object.keys(file.volumes ?? {})).toContain(source);
        }
      }
    }
    for (const config of Object.values(file.configs ?? {})) {
      expect(existsSync(path.join(ROOT, config.file ?? ''))).toBe(true);
    }
  });

  it('allows exactly the unsigned plugins of the plugin.json files and mounts the build as the app', () => {
    const grafana = service(load(), 'grafana');
    const allowed = environment(grafana).GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS?.split(',') ?? [];
    expect([...allowed].sort()).toEqual([...pluginIds()].sort());
    expect(pluginIds()[0]).toBe(APP_ID);
    expect(mounts(grafana)).toContainEqual({ source: './dist', target: `${GRAFANA_PLUGINS_DIR}/${APP_ID}` });
    expect(mounts(grafana)).toContainEqual({ source: './provisioning', target: '/etc/grafana/provisioning' });
  });
});

describe('docker-compose.yml (the demo)', () => {
  it('publishes ports on 127.0.0.1 only, Grafana on 3000', () => {
    const published = Object.values(compose().services).flatMap((svc) => svc.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) {
      if (typeof port === 'string') {
        expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      } else {
        expect(port.host_ip).toBe('127.0.0.1');
      }
    }
    expect(service(compose(), 'grafana').ports).toContain('127.0.0.1:3000:3000');
  });

  it('runs Prometheus with deploy/prometheus/prometheus.yml, node_exporter, cAdvisor and the simulators', () => {
    const file = compose();
    expect(mounts(service(file, 'prometheus'))).toContainEqual({
      source: './deploy/prometheus/prometheus.yml',
      target: '/etc/prometheus/prometheus.yml',
    });
    expect(service(file, 'node-exporter').image).toMatch(/^prom\/node-exporter:/);
    expect(service(file, 'cadvisor').image).toMatch(/^gcr\.io\/cadvisor\/cadvisor:/);
    expect(service(file, 'simulators').image).toMatch(/^node:20/);
  });

  it("scrapes every preset job, the simulators on the server's ports", () => {
    const configs = scrapeConfigs('deploy/prometheus/prometheus.yml');
    expect(configs.map((config) => config.job_name)).toEqual(expect.arrayContaining(PRESET_JOBS));
    for (const [name, ports] of Object.entries(DEFAULT_PORTS)) {
      const targets = job(configs, name).static_configs?.flatMap((config) => config.targets);
      expect(targets).toEqual(ports.map((port) => `simulators:${port}`));
    }
    expect(job(configs, 'node').static_configs?.[0]?.targets).toEqual(['node-exporter:9100']);
    expect(job(configs, 'cadvisor').static_configs?.[0]?.targets).toEqual(['cadvisor:8080']);
  });
});

describe('docker-stack.yml (a real Swarm)', () => {
  it('runs node_exporter and cAdvisor on every node, labelled with their scrape job', () => {
    const file = stack();
    expect(service(file, 'node-exporter').deploy).toMatchObject({
      mode: 'global',
      labels: { 'panopticon.job': 'node' },
    });
    expect(service(file, 'cadvisor').deploy).toMatchObject({
      mode: 'global',
      labels: { 'panopticon.job': 'cadvisor' },
    });
  });

  it('runs Prometheus and Grafana on a manager, Prometheus with the read-only Docker socket', () => {
    const file = stack();
    for (const name of ['prometheus', 'grafana']) {
      expect(service(file, name).deploy?.placement?.constraints).toContain('node.role == manager');
    }
    expect(service(file, 'prometheus').volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
    expect(service(file, 'prometheus').configs).toContainEqual({
      source: 'prometheus-config',
      target: '/etc/prometheus/prometheus.yml',
    });
    expect(file.configs?.['prometheus-config']?.file).toBe('./deploy/prometheus/prometheus-swarm.yml');
  });

  it('discovers the engines (role nodes, port 9323) and the global tasks (role tasks) with dockerswarm_sd_configs', () => {
    const configs = scrapeConfigs('deploy/prometheus/prometheus-swarm.yml');
    const network = stack().networks?.monitoring?.name;
    expect(network).toBe('panopticon-monitoring');
    expect(configs.map((config) => config.job_name)).toEqual(
      expect.arrayContaining(PRESET_JOBS.filter((name) => name !== DEFAULT_PARAMS.consulJob))
    );

    const docker = job(configs, DEFAULT_PARAMS.dockerJob);
    expect(docker.dockerswarm_sd_configs).toEqual([{ host: 'unix:///var/run/docker.sock', role: 'nodes', port: 9323 }]);
    expect(docker.relabel_configs).toContainEqual({
      source_labels: ['__meta_dockerswarm_node_address'],
      target_label: '__address__',
      replacement: '$1:9323',
    });

    for (const [name, port] of [
      ['node', 9100],
      ['cadvisor', 8080],
    ] as const) {
      const tasks = job(configs, name);
      expect(tasks.dockerswarm_sd_configs).toEqual([{ host: 'unix:///var/run/docker.sock', role: 'tasks', port }]);
      expect(tasks.relabel_configs).toEqual(
        expect.arrayContaining([
          { source_labels: ['__meta_dockerswarm_task_desired_state'], regex: 'running', action: 'keep' },
          { source_labels: ['__meta_dockerswarm_service_label_panopticon_job'], regex: name, action: 'keep' },
          { source_labels: ['__meta_dockerswarm_network_name'], regex: network, action: 'keep' },
        ])
      );
    }
  });
});

describe('Prometheus configs', () => {
  beforeAll(() => {
    if (!existsSync(PROMTOOL)) {
      throw new Error(`${PROMTOOL} is missing: install Debian's prometheus package (scripts/setup.sh)`);
    }
  });

  it('are the two the compose files use', () => {
    expect(PROMETHEUS_CONFIGS.sort()).toEqual([
      'deploy/prometheus/prometheus-swarm.yml',
      'deploy/prometheus/prometheus.yml',
    ]);
  });

  it.each(PROMETHEUS_CONFIGS)('promtool check config %s passes', (relative) => {
    const result = spawnSync(PROMTOOL, ['check', 'config', path.join(ROOT, relative)], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});

describe('provisioning and dashboards', () => {
  const DATASOURCES = 'provisioning/datasources/datasources.yaml';

  function provisionedDatasources(): Array<{ uid?: string; name?: string; type?: string; url?: string }> {
    if (!existsSync(path.join(ROOT, DATASOURCES))) {
      throw new Error(`${DATASOURCES} is missing: the demo's Grafana would have no datasources`);
    }
    return (
      readYaml<{ datasources?: Array<{ uid?: string; name?: string; type?: string; url?: string }> }>(DATASOURCES)
        .datasources ?? []
    );
  }

  function dashboards(): Array<{ file: string; json: Json }> {
    const dir = path.join(ROOT, 'dashboards');
    const names = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
    if (names.length === 0) {
      throw new Error('dashboards/*.json: no dashboard to provision');
    }
    return names.map((name) => ({
      file: `dashboards/${name}`,
      json: JSON.parse(readFileSync(path.join(dir, name), 'utf8')),
    }));
  }

  interface DatasourceRef {
    uid: string;
    type?: string;
  }

  /** Every `datasource` reference in a dashboard: `{uid, type}` objects and legacy name strings. */
  function datasourceRefs(value: unknown, out: DatasourceRef[] = []): DatasourceRef[] {
    if (Array.isArray(value)) {
      value.forEach((item) => datasourceRefs(item, out));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'datasource') {
          if (typeof child === 'string') {
            out.push({ uid: child });
          } else if (child !== null && typeof child === 'object' && typeof (child as Json).uid === 'string') {
            const ref = child as Json;
            out.push({ uid: ref.uid as string, type: typeof ref.type === 'string' ? ref.type : undefined });
          }
        }
        datasourceRefs(child, out);
      }
    }
    return out;
  }

  // Grafana's built-in pseudo datasources are not provisioned.
  const BUILT_IN = ['grafana', '-- Grafana --', '-- Mixed --', '-- Dashboard --'];
  /** `$ds`, `${ds}`, `${ds:raw}` → `ds`; undefined for a literal uid. */
  const variableName = (ref: string) => /^\$(?:\{([^}:]+)(?::[^}]*)?\}|(\w+))$/.exec(ref)?.slice(1).find(Boolean);

  it('provisions the Prometheus (uid prometheus) and Panopticon (uid panopticon) datasources', () => {
    const datasources = provisionedDatasources();
    expect(datasources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
        expect.objectContaining({ uid: 'panopticon', type: 'panopticon-cluster-datasource' }),
      ])
    );
  });

  it('dashboards reference only provisioned datasources (uid and type), directly or through a datasource variable', () => {
    const provisioned = provisionedDatasources();
    const byUid = new Map(provisioned.map((ds) => [ds.uid, ds]));
    const byName = new Map(provisioned.map((ds) => [ds.name, ds]));
    const types = new Set(provisioned.map((ds) => ds.type));
    for (const { file, json } of dashboards()) {
      // Import placeholders (`__inputs`, `${DS_...}`) are not resolved by file provisioning.
      expect({ file, inputs: json.__inputs }).toEqual({ file, inputs: undefined });
      const variables = ((json.templating as { list?: Json[] } | undefined)?.list ?? []).filter(
        (variable) => variable.type === 'datasource'
      );
      const problems: string[] = [];
      for (const { uid, type } of datasourceRefs(json)) {
        const name = variableName(uid);
        if (BUILT_IN.includes(uid)) {
          continue;
        }
        if (name !== undefined) {
          const variable = variables.find((candidate) => candidate.name === name);
          const current = (variable?.current as { value?: unknown } | undefined)?.value;
          if (variable === undefined) {
            problems.push(`${uid}: no datasource variable ${name}`);
          } else if (!types.has(String(variable.query))) {
            problems.push(`${uid}: no provisioned datasource of type ${String(variable.query)}`);
          } else if (current !== undefined && !byUid.has(String(current))) {
            problems.push(`${uid}: current value ${String(current)} is not a provisioned uid`);
          }
          continue;
        }
        const datasource = byUid.get(uid) ?? byName.get(uid);
        if (datasource === undefined) {
          problems.push(`${uid}: not provisioned`);
        } else if (type !== undefined && type !== datasource.type) {
          problems.push(`${uid}: type ${type}, provisioned as ${datasource.type}`);
        }
      }
      expect({ file, problems: [...new Set(problems)] }).toEqual({ file, problems: [] });
    }
  });

  it('a dashboards provider reads the folder docker-compose.yml mounts dashboards/ at', () => {
    const target = mounts(service(compose(), 'grafana')).find((mount) => mount.source === './dashboards')?.target;
    expect(target).toBe('/var/lib/grafana/dashboards/panopticon');
    const dir = path.join(ROOT, 'provisioning/dashboards');
    const providers = (existsSync(dir) ? readdirSync(dir) : [])
      .filter((name) => /\.ya?ml$/.test(name))
      .flatMap(
        (name) =>
          readYaml<{ providers?: Array<{ options?: { path?: string } }> }>(`provisioning/dashboards/${name}`)
            .providers ?? []
      );
    expect(providers.map((provider) => provider.options?.path?.replace(/\/$/, ''))).toContain(target);
  });

  it('provisions the app plugin by its id', () => {
    const apps = readYaml<{ apps?: Array<{ type?: string }> }>('provisioning/plugins/apps.yaml').apps ?? [];
    expect(apps.map((app) => app.type)).toContain(APP_ID);
  });
});

describe('simulated exporters server (deploy/simulators/server.ts)', () => {
  let running: RunningSimulators | undefined;

  beforeAll(async () => {
    running = await startSimulators('127.0.0.1', { consul: [0], weave: [0, 0, 0], gluster: [0, 0, 0] });
  });
  afterAll(() => running?.close());

  async function scrape(address: string | undefined, urlPath = '/metrics') {
    const response = await fetch(`http://${address}${urlPath}`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  }

  it.each([
    ['consul', /^consul_up 1$/m],
    ['weave', /^weave_connections\{[^}]*state="established"[^}]*\} 2$/m],
    ['gluster', /^gluster_up 1$/m],
  ] as const)('every %s target answers a healthy three-node exposition', async (name, healthy) => {
    const targets = running?.targets[name] ?? [];
    expect(targets).toHaveLength(DEFAULT_PORTS[name].length);
    for (const address of targets) {
      const answer = await scrape(address);
      expect(answer.status).toBe(200);
      expect(answer.type).toContain('text/plain; version=0.0.4');
      expect(answer.body).toMatch(healthy);
    }
  });

  it('answers 404 outside /metrics', async () => {
    expect((await scrape(running?.targets.consul[0], '/')).status).toBe(404);
  });
});
