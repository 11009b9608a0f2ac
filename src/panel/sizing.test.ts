import { isTiny, placeTooltip, resolveTextSize } from './sizing';

describe('sizing', () => {
  it.each([
    [60, 30, true],
    [119, 400, true],
    [400, 119, true],
    [120, 120, false],
  ])('%i × %i px is tiny: %s', (width, height, tiny) => {
    expect(isTiny(width, height)).toBe(tiny);
  });

  it.each([
    ['auto', 300, 300, 's'],
    ['auto', 800, 200, 's'],
    ['auto', 800, 400, 'm'],
    ['auto', 1920, 1080, 'l'],
    ['s', 1920, 1080, 's'],
    ['l', 300, 200, 'l'],
  ] as const)('text size %s at %i × %i px → %s', (size, width, height, expected) => {
    expect(resolveTextSize(size, width, height)).toBe(expected);
  });
});

describe('placeTooltip', () => {
  const viewport = { width: 1000, height: 800 };
  const size = { width: 300, height: 120 };
  it.each([
    ['below a tile with room below', { left: 100, top: 100, width: 200, height: 40 }, { x: 100, y: 146 }],
    ['above a tile near the bottom', { left: 100, top: 700, width: 200, height: 40 }, { x: 100, y: 574 }],
    ['inside the window at the right edge', { left: 900, top: 100, width: 90, height: 40 }, { x: 694, y: 146 }],
    ['inside the window at the left edge', { left: -50, top: 100, width: 90, height: 40 }, { x: 6, y: 146 }],
  ])('%s', (_, anchor, expected) => {
    expect(placeTooltip({ anchor, size, viewport })).toEqual(expected);
  });

  it('takes the side with more room when it fits on neither (a short window)', () => {
    const short = { width: 1000, height: 200 };
    expect(
      placeTooltip({
        anchor: { left: 0, top: 20, width: 100, height: 40 },
        size: { width: 100, height: 180 },
        viewport: short,
      }).y
    ).toBe(66);
    expect(
      placeTooltip({
        anchor: { left: 0, top: 150, width: 100, height: 40 },
        size: { width: 100, height: 180 },
        viewport: short,
      }).y
    ).toBe(6);
  });
});
