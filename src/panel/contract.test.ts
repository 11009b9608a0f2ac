import { FieldType, createDataFrame, toDataFrame, toDataFrameDTO, type DataFrame } from '@grafana/data';
import { toStatusFrames } from '../datasource/frames';
import type { ClusterEvaluation, ComponentResult } from '../model';
import { componentChoices, describeMissing, readContract, readStatus, toEpochMs, type PanelData } from './contract';
import {
  NOW,
  brokenSwarm,
  clusterFrame,
  componentRow,
  componentsFrame,
  statusFrames,
  threeComponents,
} from './testFrames';

function readOk(frames: DataFrame[]): PanelData {
  const result = readContract(frames);
  if (result.kind !== 'ok') {
    throw new Error(`expected readable frames, got ${JSON.stringify(result)}`);
  }
  return result.data;
}

describe('readContract', () => {
  it('reads the cluster and every component by field name', () => {
    const { cluster, components } = brokenSwarm();
    const data = readOk(statusFrames(cluster, components));
    expect(data.cluster).toEqual({
      status: 'critical',
      reason: 'Swarm managers: 1/3 managers: no quorum (2 needed)',
      rootCause: 'swarm',
      evaluatedAt: NOW,
    });
    expect(data.components.map((c) => [c.id, c.status, c.live, c.expected, c.impacted, c.rootCause])).toEqual([
      ['hosts', 'ok', 3, 3, false, ''],
      ['docker', 'ok', 3, 3, false, ''],
      ['swarm', 'critical', 1, 3, false, 'swarm'],
      ['weave', 'warning', null, null, true, 'swarm'],
    ]);
    expect(data.components[3]).toMatchObject({ name: 'Weave network', critical: false, dependsOn: ['swarm'] });
  });

  it('reads the frames the datasource produces (the contract of both sides agrees)', () => {
    const swarm: ComponentResult = {
      id: 'swarm',
      name: 'Swarm managers',
      critical: true,
      status: 'warning',
      ownStatus: 'warning',
      impacted: false,
      reason: '2/3 managers, no further failure tolerated',
      rootCause: 'swarm',
      dependsOn: ['docker'],
      checks: [],
      live: 2,
      expected: 3,
      link: '/d/swarm',
    };
    const evaluation: ClusterEvaluation = {
      status: 'warning',
      reason: 'Swarm managers: 2/3 managers, no further failure tolerated',
      rootCause: 'swarm',
      components: [swarm],
      evaluatedAt: NOW,
    };
    const data = readOk(toStatusFrames(evaluation, 'A'));
    expect(data.cluster).toEqual({
      status: 'warning',
      reason: evaluation.reason,
      rootCause: 'swarm',
      evaluatedAt: NOW,
    });
    expect(data.components).toEqual([
      expect.objectContaining({
        id: 'swarm',
        name: 'Swarm managers',
        status: 'warning',
        critical: true,
        impacted: false,
        reason: swarm.reason,
        rootCause: 'swarm',
        dependsOn: ['docker'],
        live: 2,
        expected: 3,
        link: '/d/swarm',
      }),
    ]);
  });

  it('reads frames that went through JSON (DataFrameDTO), as from a provisioned or another datasource', () => {
    const frames = statusFrames({ evaluatedAt: '2026-12-04T15:55:00.000Z' }).map((frame) =>
      toDataFrame(JSON.parse(JSON.stringify(toDataFrameDTO(frame))))
    );
    const data = readOk(frames);
    expect(data.cluster.evaluatedAt).toBe(NOW - 5 * 60_000);
    expect(data.components).toHaveLength(3);
  });

  describe('any source: frames without names (after transformations) are found by their fields', () => {
    it('finds both frames without names, in any order', () => {
      const frames = statusFrames({ status: 'warning' }, threeComponents(), { name: null }).reverse();
      const data = readOk(frames);
      expect(data.cluster.status).toBe('warning');
      expect(data.components.map((c) => c.id)).toEqual(['hosts', 'docker', 'swarm']);
    });

    it('takes a one-row components frame for components, not for the cluster (it has ids)', () => {
      const frames = [
        componentsFrame([componentRow({ status: 'critical' })], { name: null }),
        clusterFrame({ status: 'critical' }, { name: null }),
      ];
      const data = readOk(frames);
      expect(data.cluster.status).toBe('critical');
      expect(data.components.map((c) => c.id)).toEqual(['hosts']);
    });

    it('merges components split over several frames and skips repeated ids (two queries)', () => {
      const [hosts, docker, swarm] = threeComponents();
      const frames = [
        clusterFrame(),
        componentsFrame(
          [hosts, docker].filter((row) => row !== undefined),
          { name: null }
        ),
        componentsFrame(
          [swarm, hosts].filter((row) => row !== undefined),
          { name: null }
        ),
      ];
      expect(readOk(frames).components.map((c) => c.id)).toEqual(['hosts', 'docker', 'swarm']);
    });

    it('ignores frames of other queries (a time series next to the status)', () => {
      const series = createDataFrame({
        name: 'up',
        fields: [
          { name: 'Time', type: FieldType.time, values: [NOW] },
          { name: 'Value', type: FieldType.number, values: [1] },
        ],
      });
      expect(readOk([series, ...statusFrames()]).components).toHaveLength(3);
    });
  });

  it('takes the newest evaluation when there are several (two queries, or a source with history)', () => {
    const history = createDataFrame({
      name: 'cluster',
      fields: [
        { name: 'status', values: ['critical', 'ok', 'warning'] },
        { name: 'reason', values: ['old', 'newest', 'older'] },
        { name: 'evaluatedAt', type: FieldType.time, values: [NOW - 120_000, NOW, NOW - 60_000] },
      ],
    });
    const second = clusterFrame({ status: 'unknown', reason: 'second query, earlier', evaluatedAt: NOW - 1000 });
    expect(readOk([history, second, componentsFrame()]).cluster).toMatchObject({ status: 'ok', reason: 'newest' });
  });

  it('takes the first cluster row when no evaluation time tells which is newest', () => {
    const frames = [
      clusterFrame({ status: 'warning', evaluatedAt: null }),
      clusterFrame({ status: 'ok', evaluatedAt: null }),
      componentsFrame(),
    ];
    expect(readOk(frames).cluster.status).toBe('warning');
  });

  it.each([
    ['critical', 'critical'],
    ['OK', 'ok'],
    [' Warning ', 'warning'],
    ['degraded', 'unknown'],
    ['', 'unknown'],
    [null, 'unknown'],
    [2, 'unknown'],
  ])('reads the status %j as %j (outside the table: unknown, never green)', (value, expected) => {
    expect(readStatus(value).status).toBe(expected);
  });

  it('says so in the reason when a status is outside the table', () => {
    const data = readOk(
      statusFrames({ status: 'green', reason: 'fine' }, [componentRow({ status: 'up', reason: '' })])
    );
    expect(data.cluster).toMatchObject({ status: 'unknown', reason: 'unrecognised status "green"; fine' });
    expect(data.components[0]).toMatchObject({ status: 'unknown', reason: 'unrecognised status "up"' });
  });

  it.each([
    ['critical', { omit: ['critical'] }, false],
    ['impacted', { omit: ['impacted'] }, false],
    ['rootCause', { omit: ['rootCause'] }, ''],
    ['dependsOn', { omit: ['dependsOn'] }, []],
    ['live', { omit: ['live'] }, null],
    ['expected', { omit: ['expected'] }, null],
    ['link', { omit: ['link'] }, ''],
    ['reason', { omit: ['reason'] }, ''],
  ] as const)('treats the optional field %s as absent when missing', (key, shape, expected) => {
    const data = readOk([clusterFrame(), componentsFrame(threeComponents(), { omit: [...shape.omit] })]);
    expect(data.components[0]?.[key]).toEqual(expected);
  });

  it('reads a cluster frame without evaluatedAt as "no evaluation time" (freshness unknown)', () => {
    const data = readOk([clusterFrame({}, { omit: ['evaluatedAt'] }), componentsFrame()]);
    expect(data.cluster.evaluatedAt).toBeNull();
  });

  it('reads booleans, counts and ids written differently by other sources', () => {
    const frame = createDataFrame({
      name: 'components',
      fields: [
        { name: 'id', values: ['a'] },
        { name: 'name', values: [''] },
        { name: 'status', values: ['ok'] },
        { name: 'critical', values: ['true'] },
        { name: 'impacted', values: [1] },
        { name: 'live', values: ['2'] },
        { name: 'expected', values: ['three'] },
        { name: 'dependsOn', values: [['x', ' y ']] },
      ],
    });
    expect(readOk([clusterFrame(), frame]).components[0]).toMatchObject({
      name: 'a',
      critical: true,
      impacted: true,
      live: 2,
      expected: null,
      dependsOn: ['x', 'y'],
    });
  });

  it('keeps components without an id apart (unique keys)', () => {
    const rows = [componentRow({ id: '', name: 'first' }), componentRow({ id: '', name: 'second' })];
    const keys = readOk([clusterFrame(), componentsFrame(rows)]).components.map((c) => c.key);
    expect(new Set(keys).size).toBe(2);
  });

  describe('states', () => {
    it.each([
      ['no frames', []],
      ['frames without fields', [createDataFrame({ name: 'cluster', fields: [] })]],
      [
        'a cluster frame without rows',
        [
          createDataFrame({
            name: 'cluster',
            fields: [
              { name: 'status', values: [] },
              { name: 'reason', values: [] },
            ],
          }),
          componentsFrame(),
        ],
      ],
    ])('%s: empty', (_, frames) => {
      expect(readContract(frames)).toEqual({ kind: 'empty' });
    });

    it.each([
      [
        'no contract frames at all',
        ['cluster', 'components'],
        [createDataFrame({ fields: [{ name: 'Value', values: [1] }] })],
      ],
      ['no components frame', ['components'], [clusterFrame()]],
      ['no cluster frame', ['cluster'], [componentsFrame()]],
      [
        'a cluster frame without status',
        ['cluster.status'],
        [clusterFrame({}, { omit: ['status'] }), componentsFrame()],
      ],
      [
        'a components frame without id and name',
        ['components.id', 'components.name'],
        [clusterFrame(), componentsFrame(threeComponents(), { omit: ['id', 'name'] })],
      ],
    ])('%s: invalid, naming %j', (_, missing, frames) => {
      expect(readContract(frames)).toEqual({ kind: 'invalid', missing });
    });
  });
});

describe('describeMissing', () => {
  it.each([
    [['components.id'], 'missing field: components.id'],
    [['cluster.status', 'components.name'], 'missing fields: cluster.status, components.name'],
    [['cluster'], 'no cluster frame (a frame named "cluster" or with the fields status, reason)'],
    [
      ['components', 'cluster.reason'],
      'no components frame (a frame named "components" or with the fields id, name, status); missing field: cluster.reason',
    ],
  ])('%j → %s', (missing, text) => {
    expect(describeMissing(missing)).toBe(text);
  });
});

describe('toEpochMs', () => {
  it.each([
    [NOW, NOW],
    [String(NOW), NOW],
    ['2026-12-04T16:00:00.000Z', NOW],
    [new Date(NOW), NOW],
    ['yesterday', null],
    [Number.NaN, null],
    [null, null],
    [undefined, null],
    ['', null],
  ])('%j → %j', (value, expected) => {
    expect(toEpochMs(value)).toBe(expected);
  });
});

describe('componentChoices', () => {
  it('offers the components of the data, by name, for the "components to show" option', () => {
    expect(componentChoices(statusFrames())).toEqual([
      { value: 'hosts', label: 'Hosts', description: 'hosts' },
      { value: 'docker', label: 'Docker engines', description: 'docker' },
      { value: 'swarm', label: 'Swarm managers', description: 'swarm' },
    ]);
  });

  it('offers nothing without readable data', () => {
    expect(componentChoices([])).toEqual([]);
  });
});
