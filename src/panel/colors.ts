import { colorManipulator, type GrafanaTheme2, type IconName } from '@grafana/data';
import { STATUS_DISPLAY, type Status } from '../model/status';

/** WCAG AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

/** How strongly a tile is tinted with its status colour. */
const TINT_ALPHA = 0.16;

export interface StatusColors {
  /** The status colour itself (the light, a tile's edge, a chip). */
  fill: string;
  /** Text and icons on `fill`. */
  onFill: string;
  /** A translucent `fill` over the panel background (tiles, rows). */
  tint: string;
  /** Text on `tint`. */
  onTint: string;
}

/** Of the candidates, the colour with the highest contrast on `background` (over the panel's canvas). */
function mostReadable(background: string, canvas: string, candidates: string[]): string {
  const ratio = (color: string) => colorManipulator.getContrastRatio(color, background, canvas);
  return candidates.reduce((best, color) => (ratio(color) > ratio(best) ? color : best));
}

/**
 * The colours of a status in a theme, from the one status table (`STATUS_DISPLAY[status].color`, a named
 * Grafana colour). Text on a coloured background is the theme's text colour when that is readable
 * (≥ 4.5:1), else black or white, whichever reads better: white on Grafana's orange is not readable.
 */
export function statusColors(theme: GrafanaTheme2, status: Status): StatusColors {
  // A name outside Grafana's palette (the table's `grey`) comes back as a CSS colour name: make it hex.
  const fill = colorManipulator.asHexString(theme.visualization.getColorByName(STATUS_DISPLAY[status].color));
  const canvas = theme.colors.background.primary;
  const tint = colorManipulator.alpha(fill, TINT_ALPHA);
  const text = theme.colors.text.primary;
  const readable = (background: string) =>
    colorManipulator.getContrastRatio(text, background, canvas) >= MIN_TEXT_CONTRAST
      ? text
      : mostReadable(background, canvas, [text, '#000000', '#ffffff']);
  return { fill, onFill: readable(fill), tint, onTint: readable(tint) };
}

/** Never colour alone: every status has its own icon shape, and a word (STATUS_DISPLAY[status].text). */
export const STATUS_ICON: Record<Status, IconName> = {
  ok: 'check-circle',
  warning: 'exclamation-triangle',
  critical: 'times-circle',
  unknown: 'question-circle',
};
