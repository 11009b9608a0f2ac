import React, { useEffect, useMemo, useReducer } from 'react';
import { css, cx } from '@emotion/css';
import {
  LoadingState,
  useDataLinksContext,
  type DataQueryError,
  type GrafanaTheme2,
  type PanelData as QueryData,
  type PanelProps,
} from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { STATUS_DISPLAY, worse } from '../model/status';
import { arrangeComponents, namesById } from './arrange';
import { describeMissing, readContract } from './contract';
import type { LinkContext } from './links';
import { PanelMessage } from './PanelMessage';
import { TEXT_SIZE_PX, isTiny, resolveTextSize } from './sizing';
import { describeStale, judgeFreshness, parseStaleLimit, referenceTime } from './stale';
import { TEST_IDS } from './testIds';
import { TileList } from './TileList';
import { TrafficLight } from './TrafficLight';
import { withDefaults, type StatusPanelOptions } from './types';

export interface StatusPanelProps extends PanelProps<StatusPanelOptions> {
  /** The wall clock in epoch ms (default `Date.now`); tests fix it. */
  now?: () => number;
}

/** How often the panel re-checks staleness while it shows a status: stale data must not wait for a refresh. */
export const STALE_CHECK_MS = 10_000;

/** The messages of the query errors (`errors`, or the legacy single `error`), without repeats. */
export function queryErrorMessages(data: QueryData): string[] {
  // `error` is deprecated in favour of `errors`, but older Grafana versions and some datasources set only it.
  const legacy = (data as { error?: DataQueryError }).error;
  const errors = data.errors?.length ? data.errors : legacy ? [legacy] : [];
  const messages = errors.map(
    (error) =>
      error.message ||
      error.data?.message ||
      error.data?.error ||
      error.statusText ||
      (error.status ? `HTTP ${error.status}` : '')
  );
  if (messages.length === 0 && data.state === LoadingState.Error) {
    return ['the query failed'];
  }
  return [...new Set(messages.map((message) => message || 'the query failed'))];
}

/** Re-renders every `intervalMs` while not null. */
function useTicker(intervalMs: number | null) {
  const [, tick] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    if (intervalMs === null) {
      return undefined;
    }
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
}

/**
 * The status panel: the cluster's traffic light with its reason and root cause, then one tile per
 * component. No data, a query error, stale data and frames that break the contract are said plainly and
 * never shown as green. Below 120 px in either direction it shows the light alone.
 */
export function StatusPanel({
  data,
  options,
  width,
  height,
  replaceVariables,
  timeZone,
  now = Date.now,
}: StatusPanelProps) {
  const styles = useStyles2(getStyles);
  const settings = useMemo(() => withDefaults(options), [options]);
  const contract = useMemo(() => readContract(data.series), [data.series]);
  const { dataLinkPostProcessor } = useDataLinksContext();
  const linkContext: LinkContext = useMemo(
    () => ({ replaceVariables, timeZone, dataLinkPostProcessor }),
    [replaceVariables, timeZone, dataLinkPostProcessor]
  );
  const limitMs = useMemo(() => parseStaleLimit(settings.staleAfter), [settings.staleAfter]);
  const panelData = contract.kind === 'ok' ? contract.data : null;
  const names = useMemo(() => namesById(panelData?.components ?? []), [panelData]);
  const arrangement = useMemo(
    () =>
      panelData
        ? arrangeComponents(panelData.components, {
            show: settings.components,
            hideHealthy: settings.hideHealthy,
            sort: settings.sort,
            rootCause: panelData.cluster.rootCause,
          })
        : null,
    [panelData, settings.components, settings.hideHealthy, settings.sort]
  );
  useTicker(panelData && limitMs !== null ? STALE_CHECK_MS : null);

  const tiny = isTiny(width, height);
  const textSize = resolveTextSize(settings.textSize, width, height);
  const errors = queryErrorMessages(data);
  const rootStyle = { width, height, fontSize: TEXT_SIZE_PX[textSize] };
  const root = (content: React.ReactNode) => (
    <div className={cx(styles.root, tiny && styles.tinyRoot)} style={rootStyle} data-testid={TEST_IDS.panel}>
      {content}
    </div>
  );

  if (!panelData || !arrangement) {
    if (errors.length > 0) {
      return root(<PanelMessage kind="error" title="Query error" detail={errors.join('; ')} compact={tiny} />);
    }
    if (contract.kind === 'invalid') {
      return root(
        <PanelMessage
          kind="invalid"
          title="The data does not follow the status contract"
          detail={describeMissing(contract.missing)}
          compact={tiny}
        />
      );
    }
    if (data.state === LoadingState.Loading) {
      return root(<PanelMessage kind="loading" title="Loading…" compact={tiny} />);
    }
    return root(
      <PanelMessage
        kind="noData"
        title="No data"
        detail="The query returned no cluster status. Use a Panopticon status query, or frames with the same fields."
        compact={tiny}
      />
    );
  }

  const { cluster, components } = panelData;
  // Never green on doubt: with a failed query the light is at best unknown.
  const status = errors.length > 0 ? worse(cluster.status, 'unknown') : cluster.status;
  const freshness = judgeFreshness({
    evaluatedAt: cluster.evaluatedAt,
    limitMs,
    now: referenceTime({
      rangeTo: data.timeRange?.to?.valueOf() ?? Number.NaN,
      rawTo: data.timeRange?.raw?.to,
      wallClock: now(),
    }),
  });
  const stale = freshness.kind === 'stale';
  const rootCauseName = cluster.rootCause ? (names.get(cluster.rootCause) ?? cluster.rootCause) : '';
  const light = (
    <TrafficLight
      status={status}
      reason={cluster.reason}
      rootCauseName={rootCauseName}
      stale={stale}
      queryError={errors.length > 0}
      tiny={tiny ? { width, height } : undefined}
      large={textSize === 'l'}
    />
  );
  if (tiny) {
    return root(light);
  }
  const { tiles, hiddenHealthy } = arrangement;
  return root(
    <>
      {light}
      {errors.length > 0 ? <PanelMessage kind="error" title="Query error" detail={errors.join('; ')} inline /> : null}
      {freshness.kind === 'stale' ? <PanelMessage kind="stale" title={describeStale(freshness)} inline /> : null}
      {freshness.kind === 'unknown' ? (
        <PanelMessage
          kind="freshnessUnknown"
          title="Freshness unknown"
          detail="the data has no evaluatedAt time, so its age cannot be checked"
          inline
        />
      ) : null}
      {tiles.length > 0 ? (
        <TileList
          tiles={tiles}
          layout={settings.layout}
          showReasons={settings.showReasons}
          rootCause={cluster.rootCause}
          names={names}
          linkContext={linkContext}
          dimmed={stale}
        />
      ) : (
        <p className={styles.note} data-testid={TEST_IDS.allHealthy}>
          {hiddenHealthy > 0
            ? `All ${hiddenHealthy} ${hiddenHealthy === 1 ? 'component' : 'components'} ${STATUS_DISPLAY.ok.text} (healthy tiles hidden)`
            : components.length === 0
              ? 'No components in the data'
              : 'No components to show'}
        </p>
      )}
      {tiles.length > 0 && hiddenHealthy > 0 ? (
        <p className={styles.note}>
          {hiddenHealthy} healthy {hiddenHealthy === 1 ? 'component' : 'components'} hidden
        </p>
      ) : null}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: '0.6em',
    overflow: 'hidden',
    minWidth: 0,
  }),
  tinyRoot: css({ gap: 0, alignItems: 'center', justifyContent: 'center' }),
  note: css({ margin: 0, color: theme.colors.text.secondary, flex: 'none' }),
});
