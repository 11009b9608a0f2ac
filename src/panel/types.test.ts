import { DEFAULT_OPTIONS, withDefaults, type StatusPanelOptions } from './types';

describe('withDefaults', () => {
  it('completes missing options with the defaults', () => {
    expect(withDefaults(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(withDefaults({ layout: 'list' })).toEqual({ ...DEFAULT_OPTIONS, layout: 'list' });
  });

  it('replaces values it does not know (a hand-edited JSON) with the defaults', () => {
    const saved = { layout: 'mosaic', sort: 42, textSize: 'xl', components: ['a', 7], showReasons: 'yes' };
    expect(withDefaults(saved as unknown as Partial<StatusPanelOptions>)).toEqual({
      ...DEFAULT_OPTIONS,
      components: ['a'],
    });
  });
});
