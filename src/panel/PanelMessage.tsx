import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2, IconName } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { TEST_IDS } from './testIds';

/**
 * What the panel says instead of (or on top of) a status. None of them is ever green: no data, a query
 * error and unreadable frames are grey; stale or unverifiable data is a warning.
 */
export type MessageKind = 'loading' | 'noData' | 'error' | 'invalid' | 'stale' | 'freshnessUnknown';

const ICON: Record<MessageKind, IconName> = {
  loading: 'spinner',
  noData: 'info-circle',
  error: 'exclamation-circle',
  invalid: 'exclamation-triangle',
  stale: 'clock-nine',
  freshnessUnknown: 'question-circle',
};

export interface PanelMessageProps {
  kind: MessageKind;
  title: string;
  detail?: string;
  /** A line above the tiles instead of the whole panel. */
  inline?: boolean;
  /** For a tiny panel: the icon and title only; the detail stays in the accessible name. */
  compact?: boolean;
}

export function PanelMessage({ kind, title, detail, inline = false, compact = false }: PanelMessageProps) {
  const styles = useStyles2(getStyles);
  const label = detail ? `${title}: ${detail}` : title;
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      aria-label={label}
      data-testid={TEST_IDS.message}
      data-kind={kind}
      className={cx(
        styles.message,
        inline ? styles.inline : styles.block,
        compact && styles.compact,
        (kind === 'stale' || kind === 'freshnessUnknown') && styles.warning
      )}
    >
      <Icon name={ICON[kind]} className={styles.icon} />
      <span className={inline ? styles.inlineText : styles.text}>
        <strong>{title}</strong>
        {detail && !compact ? <span className={styles.detail}>{inline ? ` – ${detail}` : detail}</span> : null}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  message: css({
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    color: theme.colors.text.secondary,
    overflowWrap: 'anywhere',
    minWidth: 0,
  }),
  block: css({
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    textAlign: 'center',
    height: '100%',
    padding: theme.spacing(1),
    overflow: 'auto',
  }),
  inline: css({
    flex: 'none',
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  compact: css({ padding: 0, gap: theme.spacing(0.5), fontSize: theme.typography.bodySmall.fontSize }),
  warning: css({ color: theme.colors.warning.text }),
  icon: css({ flex: 'none', marginTop: '0.1em' }),
  text: css({ display: 'flex', flexDirection: 'column', minWidth: 0 }),
  inlineText: css({ minWidth: 0 }),
  detail: css({ whiteSpace: 'pre-wrap' }),
});
