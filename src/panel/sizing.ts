import type { TextSize } from './types';

/** Below this width or height (px) the panel shows the traffic light alone: a 1×1 grid cell, a corner. */
export const TINY_PX = 120;

/** Base font size of each text size; everything else in the panel is in `em` of it. */
export const TEXT_SIZE_PX: Record<Exclude<TextSize, 'auto'>, number> = { s: 12, m: 14, l: 20 };

export function isTiny(width: number, height: number): boolean {
  return width < TINY_PX || height < TINY_PX;
}

/**
 * The text size to use: the option, or for `auto` one from the panel's size – small in a dashboard corner
 * (narrower than 400 px or lower than 240 px), large on a wall screen (from 1200 × 600 px), medium between.
 */
export function resolveTextSize(size: TextSize, width: number, height: number): Exclude<TextSize, 'auto'> {
  if (size !== 'auto') {
    return size;
  }
  if (width >= 1200 && height >= 600) {
    return 'l';
  }
  return width < 400 || height < 240 ? 's' : 'm';
}

/** Space between a tile and its tooltip, and between the tooltip and the window's edge (px). */
const TOOLTIP_GAP = 6;

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where a tooltip of `size` goes for a tile at `anchor` (viewport px): below the tile if it fits, else
 * above it if that fits, else wherever more of it shows; aligned with the tile's left edge but kept inside
 * the window. It never covers the tile it explains while there is room.
 * Tile at top 100–140 in a 800 px window, tooltip 120 high → below (146); at 700–740 → above (574).
 */
export function placeTooltip({
  anchor,
  size,
  viewport,
}: {
  anchor: Box;
  size: { width: number; height: number };
  viewport: { width: number; height: number };
}): { x: number; y: number } {
  const below = anchor.top + anchor.height + TOOLTIP_GAP;
  const above = anchor.top - TOOLTIP_GAP - size.height;
  const fitsBelow = below + size.height <= viewport.height - TOOLTIP_GAP;
  const fitsAbove = above >= TOOLTIP_GAP;
  const roomBelow = viewport.height - below;
  const roomAbove = anchor.top - TOOLTIP_GAP;
  const y = fitsBelow || (!fitsAbove && roomBelow >= roomAbove) ? below : Math.max(TOOLTIP_GAP, above);
  const x = Math.max(TOOLTIP_GAP, Math.min(anchor.left, viewport.width - size.width - TOOLTIP_GAP));
  return { x, y };
}
