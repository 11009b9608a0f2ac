import { colorManipulator, createTheme } from '@grafana/data';
import { STATUSES } from '../model/status';
import { MIN_TEXT_CONTRAST, statusColors } from './colors';

const THEMES = [createTheme({ colors: { mode: 'dark' } }), createTheme({ colors: { mode: 'light' } })];

describe.each(THEMES)('statusColors in the $colors.mode theme', (theme) => {
  const canvas = theme.colors.background.primary;

  it.each(STATUSES)('%s: text on the status colour and on its tint is readable (≥ 4.5:1)', (status) => {
    const colors = statusColors(theme, status);
    expect(colorManipulator.getContrastRatio(colors.onFill, colors.fill, canvas)).toBeGreaterThanOrEqual(
      MIN_TEXT_CONTRAST
    );
    expect(colorManipulator.getContrastRatio(colors.onTint, colors.tint, canvas)).toBeGreaterThanOrEqual(
      MIN_TEXT_CONTRAST
    );
  });

  it('gives every status its own colour', () => {
    const fills = STATUSES.map((status) => statusColors(theme, status).fill);
    expect(new Set(fills).size).toBe(STATUSES.length);
  });
});
