import { css, type CSSObject } from '@emotion/css';

/**
 * Text cut after `lines` lines with an ellipsis; the DOM keeps the whole text (tooltips and screen readers
 * have it). csstype marks `-webkit-box-orient` deprecated, yet every browser's `-webkit-line-clamp` needs it
 * (CSS Overflow 4 keeps this legacy form), hence the plain property name.
 */
export function clampLines(lines: number): CSSObject {
  return {
    display: '-webkit-box',
    WebkitLineClamp: lines,
    '-webkit-box-orient': 'vertical',
    overflow: 'hidden',
    overflowWrap: 'anywhere',
  };
}

/** Read by screen readers (and in the page's text), not shown. */
export const visuallyHidden = css({
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
  border: 0,
});
