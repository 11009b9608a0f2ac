import React, { memo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { STATUSES, STATUS_DISPLAY, type Status } from '../model/status';
import { STATUS_ICON, statusColors } from './colors';
import { sameComponent, type PanelComponent } from './contract';
import { sameLinks, type TileLink } from './links';
import { clampLines, visuallyHidden } from './styles';
import { TEST_IDS } from './testIds';
import { formatCounts, type TileDetailsProps } from './TileDetails';
import type { Layout } from './types';

export interface ComponentTileProps {
  component: PanelComponent;
  /** Sanitized; the first makes the whole tile a link. */
  links: TileLink[];
  layout: Layout;
  showReason: boolean;
  /** This component is the cluster's root cause. */
  isRootCause: boolean;
  /** Display name of what impacts this component (its root cause), when it is impacted. */
  impactedBy: string;
  /** Index of the tile in its list: the list finds the tile of an event by it. */
  index: number;
  /** Id of the tooltip while it explains this tile (set on the focusable element). */
  describedBy?: string;
}

/** The tile's accessible name: "Swarm managers: Warning, 2 of 3 live, root cause". */
export function tileLabel({ component, isRootCause, impactedBy }: TileDetailsProps): string {
  const parts = [`${component.name}: ${STATUS_DISPLAY[component.status].text}`];
  if (component.live !== null || component.expected !== null) {
    parts.push(`${component.live ?? 'unknown'} of ${component.expected ?? 'unknown'} live`);
  }
  if (isRootCause) {
    parts.push('root cause');
  }
  if (component.impacted) {
    parts.push(impactedBy ? `impacted by ${impactedBy}` : 'impacted by a dependency');
  }
  return parts.join(', ');
}

type TileBodyProps = Pick<ComponentTileProps, 'component' | 'layout' | 'showReason' | 'isRootCause' | 'impactedBy'> & {
  styles: ReturnType<typeof getStyles>;
};

function TileBody({ component, layout, showReason, isRootCause, impactedBy, styles }: TileBodyProps) {
  const counts = formatCounts(component);
  return (
    <>
      <span className={cx(styles.bubble, styles.fill[component.status])} aria-hidden>
        <Icon name={STATUS_ICON[component.status]} />
      </span>
      <span className={styles.name} data-testid={TEST_IDS.tileName}>
        <bdi>{component.name}</bdi>
      </span>
      <span className={layout === 'compact' ? visuallyHidden : styles.word}>
        {STATUS_DISPLAY[component.status].text}
      </span>
      {counts ? (
        <span className={styles.counts} data-testid={TEST_IDS.tileCounts}>
          {counts}
        </span>
      ) : null}
      {showReason && layout !== 'compact' && component.reason ? (
        <span className={styles.reason} data-testid={TEST_IDS.tileReason}>
          {component.reason}
        </span>
      ) : null}
      {isRootCause ? (
        <span className={cx(styles.mark, styles.rootMark)} data-testid={TEST_IDS.tileRootCause}>
          root cause
        </span>
      ) : null}
      {component.impacted ? (
        <span className={styles.mark} data-testid={TEST_IDS.tileImpacted}>
          impacted by <bdi>{impactedBy || 'a dependency'}</bdi>
        </span>
      ) : null}
    </>
  );
}

function linkProps(link: TileLink) {
  return {
    href: link.href,
    target: link.target,
    rel: link.target === '_blank' ? 'noopener noreferrer' : undefined,
    onClick: link.onClick,
  };
}

/** Props that render the same tile: equal values, even when a refresh built new objects for them. */
export function sameTileProps(a: ComponentTileProps, b: ComponentTileProps): boolean {
  return (
    a.layout === b.layout &&
    a.showReason === b.showReason &&
    a.isRootCause === b.isRootCause &&
    a.impactedBy === b.impactedBy &&
    a.index === b.index &&
    a.describedBy === b.describedBy &&
    sameComponent(a.component, b.component) &&
    sameLinks(a.links, b.links)
  );
}

/**
 * One component: a list item with its status (icon, word, colour), name, counts, reason and marks. It is
 * focusable (the list's tooltip explains it on focus and hover); with a link the whole tile is that link
 * and further links follow as small links. Memoized by value: a refresh re-renders only changed tiles.
 */
export const ComponentTile = memo(function ComponentTile(props: ComponentTileProps) {
  const { component, links, layout, index, describedBy } = props;
  const styles = useStyles2(getStyles);
  const label = tileLabel(props);
  const [primary, ...more] = links;
  const body = <TileBody {...props} styles={styles} />;
  const itemProps = {
    'aria-label': label,
    'data-testid': TEST_IDS.tile,
    'data-component': component.id,
    'data-status': component.status,
    'data-tile-index': index,
    className: cx(styles.tile, styles.layout[layout], styles.tint[component.status]),
  };
  if (!primary) {
    return (
      <li {...itemProps} tabIndex={0} aria-describedby={describedBy}>
        <span className={styles.body}>{body}</span>
      </li>
    );
  }
  return (
    <li {...itemProps}>
      <a
        {...linkProps(primary)}
        className={cx(styles.body, styles.link)}
        aria-label={`${label}. ${primary.title}`}
        aria-describedby={describedBy}
        data-testid={TEST_IDS.tileLink}
      >
        {body}
      </a>
      {more.length > 0 ? (
        <span className={styles.more}>
          {more.map((link) => (
            <a
              key={link.href}
              {...linkProps(link)}
              className={styles.moreLink}
              aria-label={`${link.title}: ${component.name}`}
              data-testid={TEST_IDS.tileLink}
            >
              <Icon name={link.target === '_blank' ? 'external-link-alt' : 'link'} size="sm" />
              <span className={layout === 'compact' ? visuallyHidden : undefined}>{link.title}</span>
            </a>
          ))}
        </span>
      ) : null}
    </li>
  );
}, sameTileProps);

const getStyles = (theme: GrafanaTheme2) => {
  const perStatus = (style: (status: Status) => Parameters<typeof css>[0]) =>
    Object.fromEntries(STATUSES.map((status) => [status, css(style(status))])) as Record<Status, string>;
  return {
    tile: css({
      position: 'relative',
      display: 'flex',
      alignItems: 'stretch',
      minWidth: 0,
      borderRadius: theme.shape.radius.default,
      borderLeft: '0.3em solid',
      '&:focus-visible, &:has(a:focus-visible)': {
        outline: `2px solid ${theme.colors.primary.main}`,
        outlineOffset: 2,
      },
    }),
    layout: {
      grid: '', // the tile's own styles are the grid's
      list: css({
        [`[data-testid="${TEST_IDS.tileReason}"]`]: { flex: '1 1 12em', WebkitLineClamp: 1 },
      }),
      compact: css({
        borderLeftWidth: '0.2em',
        maxWidth: '100%',
        '& > :first-child': { padding: '0.15em 0.45em', columnGap: '0.35em' },
        [`[data-testid="${TEST_IDS.tileName}"]`]: { WebkitLineClamp: 1, maxWidth: '20em' },
      }),
    } satisfies Record<Layout, string>,
    tint: perStatus((status) => {
      const colors = statusColors(theme, status);
      return { background: colors.tint, color: colors.onTint, borderLeftColor: colors.fill };
    }),
    fill: perStatus((status) => {
      const colors = statusColors(theme, status);
      return { background: colors.fill, color: colors.onFill };
    }),
    body: css({
      flex: 1,
      minWidth: 0,
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      alignContent: 'flex-start',
      columnGap: '0.5em',
      rowGap: '0.2em',
      padding: '0.4em 0.6em',
      color: 'inherit',
      overflowWrap: 'anywhere',
    }),
    link: css({
      textDecoration: 'none',
      '&:hover': { textDecoration: 'none', background: theme.colors.action.hover },
      '&:hover [data-testid="panopticon-status-tile-name"]': { textDecoration: 'underline' },
      '&:focus-visible': { outline: 'none' },
    }),
    bubble: css({
      flex: 'none',
      display: 'inline-flex',
      alignItems: 'center',
      justifyContent: 'center',
      width: '1.5em',
      height: '1.5em',
      borderRadius: '50%',
      svg: { width: '1.1em', height: '1.1em' },
    }),
    name: css({
      ...clampLines(2),
      fontWeight: theme.typography.fontWeightMedium,
      minWidth: 0,
      maxWidth: '100%',
    }),
    word: css({ fontWeight: theme.typography.fontWeightBold }),
    counts: css({ fontVariantNumeric: 'tabular-nums' }),
    reason: css({ ...clampLines(3), flexBasis: '100%', fontSize: '0.9em' }),
    mark: css({
      fontSize: '0.8em',
      padding: '0 0.4em',
      borderRadius: theme.shape.radius.pill,
      border: '1px solid currentColor',
      whiteSpace: 'nowrap',
      maxWidth: '100%',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    }),
    rootMark: css({ fontWeight: theme.typography.fontWeightBold, textTransform: 'uppercase' }),
    more: css({ display: 'flex', flexDirection: 'column', justifyContent: 'center', padding: '0 0.4em' }),
    moreLink: css({
      display: 'inline-flex',
      alignItems: 'center',
      gap: '0.25em',
      color: 'inherit',
      fontSize: '0.85em',
    }),
  };
};
