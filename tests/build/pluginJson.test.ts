import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Grafana's published plugin.json schema (copied from shared/schemas): Grafana refuses plugins that break it.
const schema = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/plugin.schema.json'), 'utf8'));
// Grafana's patterns escape '-' (fine in Go and non-unicode JS regexes, invalid with the u flag).
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validatePluginJson = ajv.compile(schema);

const ROOT = path.join(__dirname, '../..');
const PLUGINS = [
  { dir: '', id: 'panopticon-cluster-app', type: 'app' },
  { dir: 'datasource', id: 'panopticon-cluster-datasource', type: 'datasource' },
  { dir: 'panel', id: 'panopticon-status-panel', type: 'panel' },
];

function read(
  file: string
): Record<string, unknown> & { info: { logos: { small: string; large: string }; version: string } } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe.each(['src', 'dist'])('%s plugin.json files', (base) => {
  beforeAll(() => {
    if (!existsSync(path.join(ROOT, base, 'plugin.json'))) {
      throw new Error(`${base}/plugin.json is missing: run \`npm run build\` before the build tests`);
    }
  });

  it.each(PLUGINS)('$type $id is valid against the schema', ({ dir, id, type }) => {
    const file = path.join(ROOT, base, dir, 'plugin.json');
    const json = read(file);
    const valid = validatePluginJson(json);
    expect(ajv.errorsText(validatePluginJson.errors)).toBe('No errors');
    expect(valid).toBe(true);
    expect(json).toMatchObject({ id, type });
  });

  it.each(PLUGINS)('$type has its logos next to its plugin.json', ({ dir }) => {
    const json = read(path.join(ROOT, base, dir, 'plugin.json'));
    for (const logo of [json.info.logos.small, json.info.logos.large]) {
      expect(existsSync(path.join(ROOT, base, dir, logo))).toBe(true);
    }
  });
});

describe('dist', () => {
  it.each(PLUGINS)('$type has a module.js and a real version', ({ dir }) => {
    expect(existsSync(path.join(ROOT, 'dist', dir, 'module.js'))).toBe(true);
    expect(read(path.join(ROOT, 'dist', dir, 'plugin.json')).info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the app includes the provisioned dashboards', () => {
  const app = read(path.join(ROOT, 'src', 'plugin.json')) as unknown as {
    includes: Array<{ type: string; path?: string }>;
  };
  const dashboards = app.includes.filter((include) => include.type === 'dashboard');

  it('lists every dashboard of dashboards/', () => {
    const listed = dashboards.map((include) => path.basename(include.path ?? '')).sort();
    const onDisk = readdirSync(path.join(ROOT, 'dashboards'))
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(listed).toEqual(onDisk);
  });

  it.each(dashboards.map((include) => include.path ?? ''))('%s is in dist', (file) => {
    expect(existsSync(path.join(ROOT, 'dist', file))).toBe(true);
  });
});
