/**
 * Mounts a panel plugin's component the way a dashboard does: inside PanelChrome, with PanelProps whose
 * `data.series` went through applyFieldOverrides (as PanelQueryRunner's getData({ withFieldConfig: true })),
 * options merged over the plugin's defaults, and a ThemeContext (light or dark). Errors thrown while
 * rendering are caught by a boundary and reported to the host.
 */
import React, { useMemo, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import {
  applyFieldOverrides,
  EventBusSrv,
  LoadingState,
  ThemeContext,
  type DataFrame,
  type FieldConfigSource,
  type GrafanaTheme2,
  type InterpolateFunction,
  type PanelData,
  type PanelPlugin,
  type TimeRange,
} from '@grafana/data';
import { PanelChrome } from '@grafana/ui';
import { merge } from 'lodash';

export interface MountPanelOptions {
  id: number;
  plugin: PanelPlugin;
  container: HTMLElement;
  title: string;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  frames: DataFrame[];
  timeRange: TimeRange;
  options?: Record<string, unknown>;
  fieldConfig?: Partial<FieldConfigSource>;
  replaceVariables: InterpolateFunction;
  onError: (error: Error) => void;
}

class PanelErrorBoundary extends React.Component<
  { onError: (error: Error) => void; children: React.ReactNode },
  { error?: Error }
> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    this.props.onError(error);
  }

  render() {
    if (this.state.error) {
      return <div data-testid="host-panel-error">Panel error: {this.state.error.message}</div>;
    }
    return this.props.children;
  }
}

function HostPanel(props: MountPanelOptions) {
  const { plugin, theme, frames, timeRange, replaceVariables, width, height, title, id } = props;
  const [options, setOptions] = useState<Record<string, unknown>>(() => merge({}, plugin.defaults, props.options));
  const [fieldConfig, setFieldConfig] = useState<FieldConfigSource>(() => ({
    defaults: merge({}, plugin.fieldConfigDefaults.defaults, props.fieldConfig?.defaults),
    overrides: props.fieldConfig?.overrides ?? [],
  }));
  const eventBus = useMemo(() => new EventBusSrv(), []);
  const data: PanelData = useMemo(
    () => ({
      state: LoadingState.Done,
      timeRange,
      series: applyFieldOverrides({
        data: frames,
        fieldConfig,
        fieldConfigRegistry: plugin.fieldConfigRegistry,
        replaceVariables,
        theme,
        timeZone: 'utc',
      }),
    }),
    [frames, fieldConfig, plugin, replaceVariables, theme, timeRange]
  );
  const Panel = plugin.panel;
  if (!Panel) {
    throw new Error(`plugin ${plugin.meta?.id ?? '?'} has no panel component`);
  }
  return (
    <ThemeContext.Provider value={theme}>
      <div
        data-panel-id={id}
        // Text colour and font come from the page's GlobalStyles in Grafana; set them here so that a panel
        // themed differently from the page (dark panel on the light host page) is still readable.
        style={{
          width,
          height,
          background: theme.colors.background.canvas,
          color: theme.colors.text.primary,
          fontFamily: theme.typography.fontFamily,
          fontSize: theme.typography.body.fontSize,
        }}
      >
        <PanelChrome width={width} height={height} title={title}>
          {(innerWidth: number, innerHeight: number) => (
            <PanelErrorBoundary onError={props.onError}>
              <Panel
                id={id}
                data={data}
                timeRange={timeRange}
                timeZone="utc"
                options={options}
                fieldConfig={fieldConfig}
                transparent={false}
                width={innerWidth}
                height={innerHeight}
                renderCounter={0}
                title={title}
                eventBus={eventBus}
                onOptionsChange={setOptions}
                onFieldConfigChange={setFieldConfig}
                replaceVariables={replaceVariables}
                onChangeTimeRange={() => {}}
              />
            </PanelErrorBoundary>
          )}
        </PanelChrome>
      </div>
    </ThemeContext.Provider>
  );
}

const roots = new Map<number, { root: Root; container: HTMLElement }>();

/** Renders (or re-renders in place) the panel with this id; returns once React has committed. */
export function mountPanel(options: MountPanelOptions): void {
  const existing = roots.get(options.id);
  const root = existing?.root ?? createRoot(options.container);
  roots.set(options.id, { root, container: options.container });
  flushSync(() => {
    // A new key remounts: a re-render with other options starts from them, not from the old state.
    root.render(<HostPanel key={Math.random()} {...options} />);
  });
}

export function unmountPanel(id: number): void {
  const entry = roots.get(id);
  if (entry) {
    entry.root.unmount();
    entry.container.remove();
    roots.delete(id);
  }
}
