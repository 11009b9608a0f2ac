import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { STATUS_DISPLAY } from '../model/status';
import { STATUS_ICON } from './colors';
import type { PanelComponent } from './contract';
import { TEST_IDS } from './testIds';

export interface TileDetailsProps {
  component: PanelComponent;
  isRootCause: boolean;
  /** Display name of what impacts the component, when it is impacted. */
  impactedBy: string;
}

/** "2/3", with "?" for a missing side; empty when the component has no counts. */
export function formatCounts(component: Pick<PanelComponent, 'live' | 'expected'>): string {
  if (component.live === null && component.expected === null) {
    return '';
  }
  return `${component.live ?? '?'}/${component.expected ?? '?'}`;
}

/** The full explanation of a component, in its tooltip: nothing on the tile is cut here. */
export function TileDetails({ component, isRootCause, impactedBy }: TileDetailsProps) {
  const styles = useStyles2(getStyles);
  const counts = formatCounts(component);
  return (
    <div className={styles.details} data-testid={TEST_IDS.tileDetails}>
      <div className={styles.title}>
        <Icon name={STATUS_ICON[component.status]} /> <bdi>{component.name}</bdi>:{' '}
        {STATUS_DISPLAY[component.status].text}
      </div>
      {component.reason ? <div>{component.reason}</div> : null}
      {counts ? <div>Live/expected: {counts}</div> : null}
      <div>
        {component.critical ? 'Critical component' : 'Non-critical component'}
        {component.id && component.id !== component.name ? (
          <>
            {' '}
            (<bdi>{component.id}</bdi>)
          </>
        ) : null}
      </div>
      {component.dependsOn.length > 0 ? <div>Depends on: {component.dependsOn.join(', ')}</div> : null}
      {isRootCause ? <div>Root cause of the cluster status</div> : null}
      {component.impacted ? <div>Impacted by {impactedBy || 'a dependency'}</div> : null}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  details: css({
    // Rendered in a portal: explicit font, whatever the page around the panel uses.
    fontFamily: theme.typography.fontFamily,
    fontSize: theme.typography.body.fontSize,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    maxWidth: 'min(40em, 90vw)',
    overflowWrap: 'anywhere',
  }),
  title: css({ fontWeight: theme.typography.fontWeightMedium }),
});
