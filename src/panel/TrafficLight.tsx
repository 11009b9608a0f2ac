import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { STATUSES, STATUS_DISPLAY, type Status } from '../model/status';
import { STATUS_ICON, statusColors } from './colors';
import { clampLines } from './styles';
import { TEST_IDS } from './testIds';

export interface TrafficLightProps {
  status: Status;
  reason: string;
  /** Display name of the cluster's root cause, or empty. */
  rootCauseName: string;
  /** The last known status, shown dimmed and marked: it must not pass for the current one. */
  stale: boolean;
  /** A query failed: marked on the light (the status is never better than unknown then). */
  queryError: boolean;
  /** The light alone, scaled into a tiny panel (no reason line; it stays in the accessible name). */
  tiny?: { width: number; height: number };
  /** Large on a wall screen: the light grows more than the tiles' text. */
  large?: boolean;
}

/** "Cluster status: Critical. Swarm managers: 1/3 managers: no quorum (2 needed). Root cause: Swarm managers." */
export function lightLabel({
  status,
  reason,
  rootCauseName,
  stale,
  queryError,
}: Omit<TrafficLightProps, 'tiny' | 'large'>) {
  const word = STATUS_DISPLAY[status].text;
  const flags = [stale ? 'stale' : '', queryError ? 'query error' : ''].filter(Boolean);
  return [
    `Cluster status: ${word}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}.`,
    reason ? `${reason.replace(/[.\s]+$/, '')}.` : '',
    rootCauseName ? `Root cause: ${rootCauseName}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The cluster's traffic light: a coloured disc with the status's icon, the word, the reason, the root cause. */
export function TrafficLight(props: TrafficLightProps) {
  const { status, reason, rootCauseName, stale, queryError, tiny, large = false } = props;
  const styles = useStyles2(getStyles);
  const disc = tiny ? Math.round(Math.max(12, Math.min(tiny.height * 0.6, tiny.width * 0.4, 96))) : undefined;
  const wordPx = tiny ? Math.round(Math.max(10, Math.min(tiny.height * 0.32, tiny.width / 6, 40))) : undefined;
  return (
    <div
      role="status"
      aria-label={lightLabel(props)}
      data-testid={TEST_IDS.light}
      data-status={status}
      data-stale={stale}
      className={cx(styles.light, tiny && styles.tiny, large && !tiny && styles.large, stale && styles.stale)}
    >
      <span
        className={cx(styles.disc, styles.fill[status])}
        style={disc ? { width: disc, height: disc, fontSize: disc } : undefined}
      >
        <Icon name={STATUS_ICON[status]} className={styles.discIcon} />
      </span>
      <span className={styles.text}>
        <span
          className={styles.word}
          data-testid={TEST_IDS.lightWord}
          style={wordPx ? { fontSize: wordPx } : undefined}
        >
          {STATUS_DISPLAY[status].text}
          {stale ? (
            <span className={styles.flag}>
              <Icon name="clock-nine" size="sm" /> stale
            </span>
          ) : null}
          {queryError ? (
            <span className={styles.flag}>
              <Icon name="exclamation-circle" size="sm" /> query error
            </span>
          ) : null}
        </span>
        {tiny ? null : (
          <>
            {reason ? (
              <span className={styles.reason} data-testid={TEST_IDS.lightReason}>
                {reason}
              </span>
            ) : null}
            {rootCauseName ? (
              <span className={styles.rootCause} data-testid={TEST_IDS.lightRootCause}>
                Root cause: <bdi>{rootCauseName}</bdi>
              </span>
            ) : null}
          </>
        )}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  light: css({
    display: 'flex',
    alignItems: 'center',
    gap: '0.75em',
    flex: 'none',
    minWidth: 0,
  }),
  tiny: css({
    justifyContent: 'center',
    flexWrap: 'wrap',
    gap: '0.25em',
    height: '100%',
    overflow: 'hidden',
    lineHeight: 1.1,
  }),
  large: css({ fontSize: '1.4em' }),
  stale: css({ '& > span:first-child': { opacity: 0.45, filter: 'grayscale(0.6)' } }),
  disc: css({
    flex: 'none',
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    borderRadius: '50%',
    width: '3em',
    height: '3em',
    fontSize: '1em',
  }),
  discIcon: css({ width: '65%', height: '65%' }),
  fill: Object.fromEntries(
    STATUSES.map((status) => {
      const colors = statusColors(theme, status);
      return [status, css({ background: colors.fill, color: colors.onFill })];
    })
  ) as Record<Status, string>,
  text: css({ display: 'flex', flexDirection: 'column', minWidth: 0, gap: '0.15em' }),
  word: css({
    fontSize: '1.7em',
    fontWeight: theme.typography.fontWeightBold,
    lineHeight: 1.1,
    display: 'inline-flex',
    alignItems: 'baseline',
    flexWrap: 'wrap',
    gap: '0.4em',
  }),
  flag: css({
    fontSize: '0.5em',
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.warning.text,
    textTransform: 'uppercase',
  }),
  reason: css(clampLines(3)),
  rootCause: css({ color: theme.colors.text.secondary, overflowWrap: 'anywhere' }),
});
