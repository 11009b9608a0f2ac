import React, { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Portal, useStyles2 } from '@grafana/ui';
import { ComponentTile } from './ComponentTile';
import type { PanelComponent } from './contract';
import { componentLinks, type LinkContext } from './links';
import { placeTooltip, type Box } from './sizing';
import { TEST_IDS } from './testIds';
import { TileDetails } from './TileDetails';
import type { Layout } from './types';

export interface TileListProps {
  tiles: PanelComponent[];
  layout: Layout;
  showReasons: boolean;
  /** The cluster's root cause (component id), or empty. */
  rootCause: string;
  names: ReadonlyMap<string, string>;
  linkContext: LinkContext;
  /** Stale data: the tiles are the last known state, dimmed. */
  dimmed: boolean;
}

/** The tile being explained and where it is (viewport px). */
interface ActiveTile {
  index: number;
  anchor: Box;
}

function tileOf(target: EventTarget | null): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>('[data-tile-index]') : null;
}

/**
 * The component tiles and ONE tooltip for all of them, as Grafana's own panels do with many elements: the
 * list follows hover and keyboard focus (events bubble up to it), so 1,000 tiles cost 1,000 plain list
 * items, not 1,000 tooltip instances. Escape, leaving the tile, scrolling and resizing close the tooltip.
 */
export function TileList({ tiles, layout, showReasons, rootCause, names, linkContext, dimmed }: TileListProps) {
  const styles = useStyles2(getStyles);
  const tooltipId = useId();
  const [active, setActive] = useState<ActiveTile | null>(null);
  const activeIndex = useRef<number | null>(null);
  const models = useMemo(
    () =>
      tiles.map((component) => ({
        component,
        links: componentLinks(component, linkContext),
        isRootCause: rootCause !== '' && component.id === rootCause,
        impactedBy: component.impacted ? (names.get(component.rootCause) ?? component.rootCause) : '',
      })),
    [tiles, linkContext, rootCause, names]
  );

  const explain = (target: EventTarget | null) => {
    const tile = tileOf(target);
    const index = tile ? Number(tile.dataset.tileIndex) : null;
    if (index === activeIndex.current) {
      return;
    }
    activeIndex.current = index;
    if (tile === null || index === null) {
      setActive(null);
      return;
    }
    const { left, top, width, height } = tile.getBoundingClientRect();
    setActive({ index, anchor: { left, top, width, height } });
  };
  const close = () => {
    activeIndex.current = null;
    setActive(null);
  };
  const activeModel = active ? models[active.index] : undefined;
  const isOpen = active !== null;
  useEffect(() => {
    if (!isOpen) {
      return undefined;
    }
    // Anything that moves the tile (a scrolled list or dashboard, a resized window) closes the tooltip.
    const closeOnMove = () => {
      activeIndex.current = null;
      setActive(null);
    };
    window.addEventListener('scroll', closeOnMove, true);
    window.addEventListener('resize', closeOnMove);
    return () => {
      window.removeEventListener('scroll', closeOnMove, true);
      window.removeEventListener('resize', closeOnMove);
    };
  }, [isOpen]);

  return (
    <>
      <ul
        aria-label="Components"
        data-testid={TEST_IDS.tiles}
        data-layout={layout}
        className={cx(styles.tiles, styles.layout[layout], dimmed && styles.dimmed)}
        onMouseOver={(event) => explain(event.target)}
        onMouseLeave={close}
        onFocus={(event) => explain(event.target)}
        onBlur={(event) => {
          if (tileOf(event.relatedTarget) === null) {
            close();
          }
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            close();
          }
        }}
      >
        {models.map((model, index) => (
          <ComponentTile
            key={model.component.key}
            index={index}
            component={model.component}
            links={model.links}
            layout={layout}
            showReason={showReasons}
            isRootCause={model.isRootCause}
            impactedBy={model.impactedBy}
            describedBy={active?.index === index ? tooltipId : undefined}
          />
        ))}
      </ul>
      {active && activeModel ? (
        <TileTooltip id={tooltipId} anchor={active.anchor}>
          <TileDetails
            component={activeModel.component}
            isRootCause={activeModel.isRootCause}
            impactedBy={activeModel.impactedBy}
          />
        </TileTooltip>
      ) : null}
    </>
  );
}

/**
 * The tooltip, in a portal above everything: measured once rendered, then placed next to its tile (see
 * placeTooltip). Not interactive (nothing to click in it), so the pointer passes through.
 */
function TileTooltip({ id, anchor, children }: { id: string; anchor: Box; children: React.ReactNode }) {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ x: number; y: number } | null>(null);
  useLayoutEffect(() => {
    const size = ref.current?.getBoundingClientRect() ?? { width: 0, height: 0 };
    setPlace(
      placeTooltip({
        anchor,
        size: { width: size.width, height: size.height },
        viewport: { width: window.innerWidth, height: window.innerHeight },
      })
    );
  }, [anchor]);
  return (
    <Portal>
      <div
        ref={ref}
        id={id}
        role="tooltip"
        className={styles.tooltip}
        style={{
          transform: `translate(${place?.x ?? 0}px, ${place?.y ?? 0}px)`,
          visibility: place ? 'visible' : 'hidden',
        }}
      >
        {children}
      </div>
    </Portal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({
    position: 'fixed',
    top: 0,
    left: 0,
    pointerEvents: 'none',
    background: theme.components.tooltip.background,
    color: theme.components.tooltip.text,
    boxShadow: theme.shadows.z2,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
  }),
  tiles: css({
    listStyle: 'none',
    margin: 0,
    padding: 2,
    flex: '1 1 auto',
    minHeight: 0,
    overflow: 'auto',
  }),
  layout: {
    grid: css({
      display: 'grid',
      gridTemplateColumns: 'repeat(auto-fill, minmax(min(15em, 100%), 1fr))',
      gridAutoRows: 'min-content',
      gap: '0.5em',
    }),
    list: css({ display: 'flex', flexDirection: 'column', gap: '0.25em' }),
    compact: css({ display: 'flex', flexWrap: 'wrap', alignContent: 'flex-start', gap: '0.3em' }),
  } satisfies Record<Layout, string>,
  dimmed: css({ opacity: 0.55, filter: 'grayscale(0.6)' }),
});
