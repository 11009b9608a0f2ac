import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { Icon, useStyles2, useTheme2, type IconName } from '@grafana/ui';
import { STATUS_DISPLAY, type Status } from '../model';
import { readContract } from './contract';

/** Never colour alone: every status has an icon and a word too. */
const STATUS_ICON: Record<Status, IconName> = {
  ok: 'check-circle',
  warning: 'exclamation-triangle',
  critical: 'times-circle',
  unknown: 'question-circle',
};

export function StatusPanel({ data, width, height }: PanelProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const contract = readContract(data.series);
  if (!contract.ok) {
    return (
      <div className={styles.message} role="status">
        <Icon name="question-circle" /> No cluster status: {contract.problem}
      </div>
    );
  }
  const { cluster, components } = contract.data;
  const color = (status: Status) => theme.visualization.getColorByName(STATUS_DISPLAY[status].color);
  return (
    <div className={styles.root} style={{ width, height }}>
      <div className={styles.light} role="status" aria-label={`Cluster ${STATUS_DISPLAY[cluster.status].text}`}>
        <Icon name={STATUS_ICON[cluster.status]} size="xxl" style={{ color: color(cluster.status) }} />
        <strong>{STATUS_DISPLAY[cluster.status].text}</strong>
        <span>{cluster.reason}</span>
      </div>
      <ul className={styles.tiles}>
        {components.map((component) => (
          <li
            key={component.id}
            className={styles.tile}
            style={{ borderColor: color(component.status) }}
            title={component.reason}
          >
            <Icon name={STATUS_ICON[component.status]} style={{ color: color(component.status) }} />
            <strong>{component.name}</strong> {STATUS_DISPLAY[component.status].text}
            {component.impacted ? ` (impacted by ${component.rootCause})` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), overflow: 'auto' }),
  light: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  tiles: css({ listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), padding: 0 }),
  tile: css({ border: `2px solid`, borderRadius: theme.shape.radius.default, padding: theme.spacing(0.5, 1) }),
  message: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
});
