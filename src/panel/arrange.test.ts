import { arrangeComponents, namesById, type ArrangeOptions } from './arrange';
import { readContract, type PanelComponent } from './contract';
import { brokenSwarm, componentRow, statusFrames, type ComponentRow } from './testFrames';

function components(rows: ComponentRow[]): PanelComponent[] {
  const result = readContract(statusFrames({}, rows));
  if (result.kind !== 'ok') {
    throw new Error('unreadable test frames');
  }
  return result.data.components;
}

const OPTIONS: ArrangeOptions = Object.freeze({ show: [], hideHealthy: false, sort: 'model', rootCause: '' });

const MIXED = [
  componentRow({ id: 'a', name: 'Alpha', status: 'ok' }),
  componentRow({ id: 'b', name: 'Bravo', status: 'critical', critical: false }),
  componentRow({ id: 'c', name: 'Charlie', status: 'warning' }),
  componentRow({ id: 'd', name: 'Delta', status: 'unknown' }),
  componentRow({ id: 'e', name: 'Echo', status: 'critical' }),
];

const ids = (list: PanelComponent[]) => list.map((component) => component.id);

describe('arrangeComponents', () => {
  it.each([
    ['model', '', ['a', 'b', 'c', 'd', 'e']],
    // critical > unknown > warning > ok; among the two critical, the critical component first
    ['severity', '', ['e', 'b', 'd', 'c', 'a']],
    // …unless the other is the cluster's root cause
    ['severity', 'b', ['b', 'e', 'd', 'c', 'a']],
    ['name', '', ['a', 'b', 'c', 'd', 'e']],
  ] as const)('sorts by %s (root cause %j) → %j', (sort, rootCause, expected) => {
    expect(ids(arrangeComponents(components(MIXED), { ...OPTIONS, sort, rootCause }).tiles)).toEqual(expected);
  });

  it('sorts names naturally and case-insensitively', () => {
    const rows = ['node10', 'Node2', 'node1'].map((name) => componentRow({ id: name, name }));
    expect(ids(arrangeComponents(components(rows), { ...OPTIONS, sort: 'name' }).tiles)).toEqual([
      'node1',
      'Node2',
      'node10',
    ]);
  });

  it('hides healthy components and counts them', () => {
    const { tiles, hiddenHealthy } = arrangeComponents(components(MIXED), { ...OPTIONS, hideHealthy: true });
    expect(ids(tiles)).toEqual(['b', 'c', 'd', 'e']);
    expect(hiddenHealthy).toBe(1);
  });

  it('shows the chosen components only, in data order, whatever the order of the choice', () => {
    const { tiles } = arrangeComponents(components(MIXED), { ...OPTIONS, show: ['e', 'a'] });
    expect(ids(tiles)).toEqual(['a', 'e']);
  });

  it('shows a chosen component that the data lacks as unknown, never dropping it silently', () => {
    const { tiles } = arrangeComponents(components(MIXED), { ...OPTIONS, show: ['a', 'consul'] });
    expect(tiles.map((tile) => [tile.id, tile.status, tile.reason])).toEqual([
      ['a', 'ok', '3/3 hosts up'],
      ['consul', 'unknown', 'not in the data (chosen in the panel options)'],
    ]);
  });

  it('combines the choice, hiding healthy tiles and sorting', () => {
    const { tiles, hiddenHealthy } = arrangeComponents(components(MIXED), {
      show: ['a', 'c', 'e'],
      hideHealthy: true,
      sort: 'severity',
      rootCause: '',
    });
    expect(ids(tiles)).toEqual(['e', 'c']);
    expect(hiddenHealthy).toBe(1);
  });

  it('leaves its input alone', () => {
    const input = Object.freeze(components(MIXED));
    expect(() => arrangeComponents(input, { ...OPTIONS, sort: 'severity' })).not.toThrow();
    expect(ids([...input])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('namesById', () => {
  it('names components by id', () => {
    const names = namesById(components(brokenSwarm().components));
    expect(names.get('swarm')).toBe('Swarm managers');
    expect(names.get('consul')).toBeUndefined();
  });
});
