/**
 * @jest-environment node
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPreset } from '../model';
import { main, parseTime } from './main';

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    },
  };
}

async function run(argv: string[]) {
  const { out, io } = captureIo();
  const code = await main(argv, io);
  return { code, ...out };
}

/** A port on 127.0.0.1 that nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

describe('parseTime', () => {
  it.each([
    ['1764864000', 1764864000000],
    ['1764864000.5', 1764864000500],
    ['2026-12-04T16:00:00Z', Date.UTC(2026, 11, 4, 16)],
    ['2026-12-04T17:00:00+01:00', Date.UTC(2026, 11, 4, 16)],
    ['2026-12-04T16:00:00.250Z', Date.UTC(2026, 11, 4, 16, 0, 0, 250)],
  ])('%s', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each(['yesterday', '2026-12-04', '2026-12-04T16:00:00', '-5', ''])('refuses %j', (text) => {
    expect(() => parseTime(text)).toThrow(/--time: expected Unix seconds or RFC 3339/);
  });
});

describe('panopticon status: usage', () => {
  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['status', '--preset', 'swarm-mode'], /--prometheus URL is required/],
    [['status', '--prometheus', 'localhost:9090', '--preset', 'swarm-mode'], /expected an http\(s\) URL/],
    [['status', '--prometheus', 'http://127.0.0.1:1'], /exactly one of --preset NAME or --model FILE/],
    [['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'kubernetes'], /unknown preset "kubernetes"/],
    [
      ['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'swarm-mode', '--param', 'managers'],
      /expected key=value/,
    ],
    [
      ['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'swarm-mode', '--param', 'managers=three'],
      /managers: expected a positive integer, got "three"/,
    ],
    [
      ['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'swarm-mode', '--param', 'colour=red'],
      /colour: unknown parameter/,
    ],
    [['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'swarm-mode', '--time', 'now'], /--time: expected/],
    [
      ['status', '--prometheus', 'http://127.0.0.1:1', '--preset', 'swarm-mode', '--frobnicate'],
      /Unknown option '--frobnicate'/,
    ],
    [
      ['status', '--prometheus', 'http://127.0.0.1:1', '--model', '/nonexistent/model.yaml'],
      /cannot read model \/nonexistent\/model.yaml/,
    ],
  ])('%j → exit 3 with %s', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('panopticon status: Prometheus unreachable', () => {
  it('says so, prints an unknown evaluation and exits 3', async () => {
    const port = await closedPort();
    const result = await run([
      'status',
      '--prometheus',
      `http://127.0.0.1:${port}`,
      '--preset',
      'swarm-mode',
      '--json',
      '--time',
      '1764864000',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`cannot reach Prometheus at http://127.0.0.1:${port}: ECONNREFUSED`));
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ status: 'unknown', evaluatedAt: '2025-12-04T16:00:00.000Z' });
    expect(json.components.map((c: { id: string }) => c.id)).toEqual([
      'prometheus',
      'hosts',
      'docker',
      'swarm',
      'services',
      'gluster',
      'weave',
    ]);
    expect(json.components.every((c: { status: string }) => c.status === 'unknown')).toBe(true);
  });
});

describe('panopticon validate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'panopticon-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a preset written out as a model file', async () => {
    const file = path.join(dir, 'legacy.json');
    writeFileSync(file, JSON.stringify(buildPreset('swarm-legacy')));
    const result = await run(['validate', file]);
    expect(result.stdout).toMatch(/legacy.json: valid \(7 components, \d+ signals in one query\)/);
    expect(result.code).toBe(0);
  });

  it('reports each error with its path and exits 1', async () => {
    const model = buildPreset('swarm-mode');
    const broken = {
      ...model,
      components: model.components.map((c) => (c.id === 'swarm' ? { ...c, dependsOn: ['docker', 'consul'] } : c)),
    };
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const result = await run(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}: components[3].dependsOn[1]: unknown component "consul"`);
  });

  it('exits 3 for a file it cannot read', async () => {
    const result = await run(['validate', path.join(dir, 'missing.yaml')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot read .*missing.yaml/);
  });
});
