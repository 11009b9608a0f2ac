import { normalizeConnection } from './connection';
import { createSettings } from './testUtils';

describe('normalizeConnection', () => {
  it.each(['direct', '', 'browser'])('turns access %j into proxy', (access) => {
    expect(normalizeConnection(createSettings({ access })).access).toBe('proxy');
  });

  it('returns settings that already follow the rules as they are', () => {
    const settings = createSettings({ jsonData: { timeout: 30 } });
    expect(normalizeConnection(settings)).toBe(settings);
  });

  it.each([Number.NaN, 0, -5, Number.POSITIVE_INFINITY])('removes the timeout %p: the default applies', (timeout) => {
    const normalized = normalizeConnection(createSettings({ jsonData: { timeout, preset: 'swarm-mode' } }));
    expect(normalized.jsonData).toEqual({ preset: 'swarm-mode' });
  });
});
