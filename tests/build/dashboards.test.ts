import { parser } from '@prometheus-io/lezer-promql';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GRAPH_TYPES as LINT_GRAPH_TYPES, MAX_GRAPHS, MAX_QUERIES } from '../../src/cli/lintDashboards';
import { generateDashboardSchema } from '../dashboards/dashboardSchema';

// The provisioned dashboards (dashboards/) and provisioning files (provisioning/): valid against the
// dashboard schema of @grafana/schema, fixed uids, links that land, the six-graph rule, PromQL that parses.

const ROOT = path.join(__dirname, '../..');
const DASHBOARDS_DIR = path.join(ROOT, 'dashboards');

const EXPECTED_UIDS: Record<string, string> = {
  'overview.json': 'panopticon-overview',
  'hosts.json': 'panopticon-hosts',
  'docker-swarm.json': 'panopticon-docker-swarm',
  'glusterfs.json': 'panopticon-glusterfs',
  'consul.json': 'panopticon-consul',
  'weave.json': 'panopticon-weave',
  'prometheus.json': 'panopticon-prometheus',
};
/** Where each component's tile leads (the preset components' `link` fields). */
const AREA_OF_COMPONENT: Record<string, string> = {
  hosts: 'panopticon-hosts',
  docker: 'panopticon-docker-swarm',
  swarm: 'panopticon-docker-swarm',
  gluster: 'panopticon-glusterfs',
  consul: 'panopticon-consul',
  weave: 'panopticon-weave',
  prometheus: 'panopticon-prometheus',
};
// The linter's own rule: what counts as a graph, and the limits.
const GRAPH_TYPES = new Set(LINT_GRAPH_TYPES);
const DATASOURCE_UIDS = new Set(['prometheus', 'panopticon', '${datasource}']);
const STATUS_PANEL = 'panopticon-status-panel';
/** Sample values for the variables PromQL may contain, as Grafana would interpolate them. */
const SAMPLE_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '3h',
  job: 'node',
  instance: '(10\\\\.0\\\\.0\\\\.1:9100|10\\\\.0\\\\.0\\\\.2:9100)',
};

interface Target {
  refId?: string;
  expr?: string;
  queryType?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  options?: Record<string, unknown>;
  fieldConfig?: { defaults?: { links?: Array<{ url?: string }> } };
  links?: Array<{ url?: string }>;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  links?: Array<{ type: string; url?: string; tags?: string[] }>;
  tags?: string[];
  templating?: { list: Array<{ name: string; type: string; query?: unknown; multi?: boolean; includeAll?: boolean }> };
}

const files = readdirSync(DASHBOARDS_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();
const dashboards: Array<[string, Dashboard]> = files.map((file) => [
  file,
  JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')),
]);
const uids = new Set(dashboards.map(([, dashboard]) => dashboard.uid));

/** Every panel, rows' nested panels included. */
function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

function substituteVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (match, braced, plain, brackets) => {
    const name: string = braced ?? plain ?? brackets;
    const value = SAMPLE_VARIABLES[name];
    if (value === undefined) {
      throw new Error(`no sample value for variable ${match} in ${expr}`);
    }
    return value;
  });
}

/** The first syntax error of a PromQL expression as `offset: text`, or undefined. */
function promqlError(expr: string): string | undefined {
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) {
      return `${cursor.from}: ${JSON.stringify(expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20))}`;
    }
  } while (cursor.next());
  return undefined;
}

/** `/d/<uid>` or `/d/<uid>/slug?query` → uid. */
function linkedUid(url: string): string | undefined {
  return /^\/d\/([^/?#]+)/.exec(url)?.[1];
}

describe('dashboards/', () => {
  let validate: ValidateFunction;

  beforeAll(() => {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    validate = ajv.compile(generateDashboardSchema());
  }, 60_000);

  it('has a strict schema: an unknown panel key or a misspelled dashboard field is an error', () => {
    const [, overview] = dashboards.find(([file]) => file === 'overview.json') ?? [];
    expect(overview).toBeDefined();
    const [first, ...rest] = overview?.panels ?? [];
    expect(validate({ ...overview, panels: [{ ...first, colour: 'red' }, ...rest] })).toBe(false);
    expect(validate({ ...overview, refreshh: '1m' })).toBe(false);
  });

  it('finds PromQL syntax errors after substituting variables', () => {
    expect(promqlError(substituteVariables('sum(rate(x{instance=~"$instance"}[$__rate_interval]))'))).toBeUndefined();
    expect(promqlError('sum(rate(x[5m])')).toBeDefined();
    expect(promqlError('topk(5, x{job="a"} /)')).toBeDefined();
  });

  it('holds exactly the listed dashboards, each with its fixed uid', () => {
    expect(Object.fromEntries(dashboards.map(([file, dashboard]) => [file, dashboard.uid]))).toEqual(EXPECTED_UIDS);
    expect(uids.size).toBe(dashboards.length);
  });

  it('knows a dashboard for every component tile', () => {
    for (const uid of Object.values(AREA_OF_COMPONENT)) {
      expect(uids).toContain(uid);
    }
  });

  describe.each(dashboards)('%s', (file, dashboard) => {
    const panels = allPanels(dashboard);
    const graphs = panels.filter((panel) => GRAPH_TYPES.has(panel.type));
    const targets = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

    it('is valid against the dashboard schema of @grafana/schema (strict)', () => {
      const valid = validate(dashboard);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    });

    it('has panel ids unique within the dashboard', () => {
      const ids = panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it(`has at most ${MAX_GRAPHS} graphs, each with at most ${MAX_QUERIES} queries`, () => {
      expect(graphs.length).toBeGreaterThan(0);
      expect(graphs.length).toBeLessThanOrEqual(MAX_GRAPHS);
      for (const graph of graphs) {
        expect({ title: graph.title, queries: graph.targets?.length ?? 0 }).toEqual({
          title: graph.title,
          queries: expect.any(Number),
        });
        expect(graph.targets?.length ?? 0).toBeGreaterThan(0);
        expect(graph.targets?.length ?? 0).toBeLessThanOrEqual(MAX_QUERIES);
      }
    });

    it('uses only the provisioned datasources or the datasource variable', () => {
      for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
        expect(DATASOURCE_UIDS).toContain(panel.datasource?.uid);
      }
      for (const { target } of targets) {
        expect(DATASOURCE_UIDS).toContain(target.datasource?.uid);
      }
    });

    it('has PromQL that parses, with variables interpolated', () => {
      const exprs = targets.map(({ target }) => target.expr).filter((expr): expr is string => expr !== undefined);
      expect(exprs.length).toBeGreaterThan(0);
      const errors = exprs.map((expr) => [expr, promqlError(substituteVariables(expr))]).filter(([, error]) => error);
      expect(errors).toEqual([]);
    });

    it('links only to dashboards that exist', () => {
      const urls = [
        ...(dashboard.links ?? []).map((link) => link.url),
        ...panels.flatMap((panel) => [
          ...(panel.links ?? []).map((link) => link.url),
          ...(panel.fieldConfig?.defaults?.links ?? []).map((link) => link.url),
        ]),
      ].filter((url): url is string => url !== undefined && url.startsWith('/d/'));
      for (const url of urls) {
        expect(uids).toContain(linkedUid(url));
      }
      for (const link of (dashboard.links ?? []).filter((candidate) => candidate.type === 'dashboards')) {
        // A tag link lists the Panopticon dashboards: every one of them carries the tag.
        for (const [, other] of dashboards) {
          expect(other.tags).toEqual(expect.arrayContaining(link.tags ?? []));
        }
      }
    });

    it('has a status panel at the top', () => {
      const status = dashboard.panels.filter((panel) => panel.type === STATUS_PANEL);
      expect(status).toHaveLength(1);
      expect(dashboard.panels[0]?.type).toBe(STATUS_PANEL);
      expect(status[0]?.datasource?.uid).toBe('panopticon');
      expect(status[0]?.targets?.map((target) => target.queryType ?? 'status')).toEqual(['status']);
    });

    if (file === 'overview.json') {
      it('shows every component and the status timeline from the Panopticon datasource', () => {
        expect(dashboard.panels[0]?.options?.components).toEqual([]);
        const timelines = panels.filter((panel) => panel.type === 'state-timeline');
        expect(timelines).toHaveLength(1);
        expect(timelines[0]?.datasource?.uid).toBe('panopticon');
        expect(timelines[0]?.targets?.[0]?.queryType).toBe('timeline');
        for (const panel of panels.filter((candidate) => candidate.datasource?.uid !== 'panopticon')) {
          expect(panel.datasource?.uid).toBe('prometheus');
        }
      });
    } else {
      it("links back to the overview and shows only its area's components", () => {
        expect(dashboard.links?.map((link) => link.url)).toContain('/d/panopticon-overview');
        const components = dashboard.panels[0]?.options?.components;
        expect(Array.isArray(components) && components.length > 0).toBe(true);
        for (const id of components as string[]) {
          expect(AREA_OF_COMPONENT[id]).toBe(dashboard.uid);
        }
      });

      it('has the datasource, job and instance variables', () => {
        const variables = Object.fromEntries(
          (dashboard.templating?.list ?? []).map((variable) => [variable.name, variable])
        );
        expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
        expect(variables.job).toMatchObject({
          type: 'query',
          query: expect.stringMatching(/^label_values\(.*\bjob\)$/),
        });
        expect(variables.instance).toMatchObject({
          type: 'query',
          query: expect.stringMatching(/^label_values\(.*\binstance\)$/),
          multi: true,
          includeAll: true,
        });
        for (const panel of panels.filter((candidate) => candidate.type !== STATUS_PANEL)) {
          expect(panel.datasource?.uid).toBe('${datasource}');
        }
      });
    }
  });
});

describe('provisioning/', () => {
  const read = (file: string) => parseYaml(readFileSync(path.join(ROOT, 'provisioning', file), 'utf8'));

  it('provisions the Prometheus and Panopticon datasources with the uids the dashboards use', () => {
    const { apiVersion, datasources } = read('datasources/datasources.yaml');
    expect(apiVersion).toBe(1);
    expect(datasources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'prometheus',
          uid: 'prometheus',
          access: 'proxy',
          url: 'http://prometheus:9090',
        }),
        expect.objectContaining({
          type: 'panopticon-cluster-datasource',
          uid: 'panopticon',
          access: 'proxy',
          url: 'http://prometheus:9090',
          jsonData: { modelSource: 'preset', preset: 'swarm-mode' },
        }),
      ])
    );
    const provisioned = new Set(datasources.map((datasource: { uid: string }) => datasource.uid));
    for (const [, dashboard] of dashboards) {
      for (const panel of allPanels(dashboard)) {
        const uid = panel.datasource?.uid;
        if (uid !== undefined && uid !== '${datasource}') {
          expect(provisioned).toContain(uid);
        }
      }
    }
  });

  it('provisions the dashboards from files into the Panopticon folder', () => {
    const { apiVersion, providers } = read('dashboards/dashboards.yaml');
    expect(apiVersion).toBe(1);
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'Panopticon',
        allowUiUpdates: true,
        options: { path: '/var/lib/grafana/dashboards/panopticon', foldersFromFilesStructure: false },
      }),
    ]);
  });

  it('enables the app', () => {
    const { apiVersion, apps } = read('plugins/apps.yaml');
    expect(apiVersion).toBe(1);
    expect(apps).toEqual([expect.objectContaining({ type: 'panopticon-cluster-app', disabled: false })]);
  });
});
