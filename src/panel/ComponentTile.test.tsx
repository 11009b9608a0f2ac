import { readContract, type PanelComponent } from './contract';
import { sameTileProps, tileLabel, type ComponentTileProps } from './ComponentTile';
import { brokenSwarm, componentRow, statusFrames, type ComponentRow } from './testFrames';
import { formatCounts } from './TileDetails';

function firstComponent(rows: ComponentRow[]): PanelComponent {
  const result = readContract(statusFrames({}, rows));
  const component = result.kind === 'ok' ? result.data.components[0] : undefined;
  if (!component) {
    throw new Error('unreadable test frames');
  }
  return component;
}

function tileProps(overrides: Partial<ComponentTileProps> = {}): ComponentTileProps {
  return {
    component: firstComponent([componentRow()]),
    links: [{ href: '/d/hosts', title: 'Details' }],
    layout: 'grid',
    showReason: true,
    isRootCause: false,
    impactedBy: '',
    index: 0,
    ...overrides,
  };
}

describe('sameTileProps: a refresh re-renders only the tiles that changed', () => {
  it('is true for a new reading of the same data (new frames, new objects)', () => {
    expect(sameTileProps(tileProps(), tileProps())).toBe(true);
  });

  it.each<[string, Partial<ComponentTileProps>]>([
    ['status', { component: firstComponent([componentRow({ status: 'warning' })]) }],
    ['reason', { component: firstComponent([componentRow({ reason: '2/3 hosts up' })]) }],
    ['counts', { component: firstComponent([componentRow({ live: 2 })]) }],
    ['dependencies', { component: firstComponent([componentRow({ dependsOn: 'a,b' })]) }],
    ['a link', { links: [{ href: '/d/other', title: 'Details' }] }],
    ['a link title', { links: [{ href: '/d/hosts', title: 'Hosts' }] }],
    ['the layout', { layout: 'list' }],
    ['the root cause mark', { isRootCause: true }],
    ['what impacts it', { impactedBy: 'Swarm managers' }],
    ['the tooltip', { describedBy: 'tooltip-1' }],
    ['the position', { index: 1 }],
  ])('is false when %s changed', (_, overrides) => {
    expect(sameTileProps(tileProps(), tileProps(overrides))).toBe(false);
  });
});

describe('tile text', () => {
  it.each([
    [{ live: 2, expected: 3 }, '2/3'],
    [{ live: null, expected: 3 }, '?/3'],
    [{ live: 0, expected: null }, '0/?'],
    [{ live: null, expected: null }, ''],
  ])('counts %j → %j', (counts, text) => {
    expect(formatCounts(counts)).toBe(text);
  });

  it('names a tile with its status word, counts and marks', () => {
    const swarm = readContract(statusFrames(brokenSwarm().cluster, brokenSwarm().components));
    const weave = swarm.kind === 'ok' ? swarm.data.components[3] : undefined;
    if (!weave) {
      throw new Error('no weave');
    }
    expect(tileLabel({ component: weave, isRootCause: false, impactedBy: '' })).toBe(
      'Weave network: Warning, impacted by a dependency'
    );
    expect(tileLabel({ component: firstComponent([componentRow()]), isRootCause: true, impactedBy: '' })).toBe(
      'Hosts: OK, 3 of 3 live, root cause'
    );
  });
});
