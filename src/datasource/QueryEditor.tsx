import React from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, Input, RadioButtonGroup, type ComboboxOption } from '@grafana/ui';
import type { ClusterDataSource } from './datasource';
import { modelFromSettings } from './settings';
import { DEFAULT_QUERY_TYPE, type ClusterOptions, type ClusterQuery, type ClusterQueryType } from './types';

type Props = QueryEditorProps<ClusterDataSource, ClusterQuery, ClusterOptions>;

const QUERY_TYPES: Array<SelectableValue<ClusterQueryType>> = [
  { label: 'Status', value: 'status', description: 'The cluster and every component now, with the reason' },
  { label: 'Timeline', value: 'timeline', description: 'Statuses over the range, for the State timeline panel' },
  { label: 'Component', value: 'component', description: "One component's checks and scrape targets" },
  { label: 'PromQL', value: 'promql', description: 'Plain PromQL as time series' },
];

const OUTPUTS: Array<SelectableValue<'statuses' | 'changes'>> = [
  { label: 'Statuses', value: 'statuses' },
  { label: 'Changes (annotations)', value: 'changes' },
];

/** One editor for the four query types, chosen by the standard `queryType` field. Updates are immutable. */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const queryType = query.queryType ?? DEFAULT_QUERY_TYPE;
  const update = (changes: Partial<ClusterQuery>, run = true) => {
    onChange({ ...query, ...changes });
    if (run) {
      onRunQuery();
    }
  };
  const model = modelFromSettings(datasource.instanceSettingsJsonData()).model;
  const components: Array<ComboboxOption<string>> = (model?.components ?? []).map((c) => ({
    label: c.name,
    value: c.id,
  }));
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={14}>
          <RadioButtonGroup
            options={QUERY_TYPES}
            value={queryType}
            onChange={(value) => update({ queryType: value })}
          />
        </InlineField>
      </InlineFieldRow>
      {queryType === 'component' && (
        <InlineField label="Component" labelWidth={14}>
          <Combobox
            aria-label="Component"
            width={30}
            options={components}
            value={query.component ?? null}
            onChange={(option) => update({ component: option?.value })}
          />
        </InlineField>
      )}
      {queryType === 'timeline' && (
        <InlineFieldRow>
          <InlineField
            label="Damping"
            labelWidth={14}
            tooltip="A change must last this long to show, like an alert's for:"
          >
            <Input
              aria-label="Damping"
              width={12}
              placeholder="0s"
              defaultValue={query.damping ?? ''}
              onBlur={(event) => update({ damping: event.currentTarget.value })}
            />
          </InlineField>
          <InlineField label="Output" labelWidth={10}>
            <RadioButtonGroup
              options={OUTPUTS}
              value={query.output ?? 'statuses'}
              onChange={(value) => update({ output: value })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {queryType === 'promql' && (
        <>
          <InlineField label="PromQL" labelWidth={14} grow>
            <Input
              aria-label="PromQL"
              placeholder='sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))'
              defaultValue={query.expr ?? ''}
              onBlur={(event) => update({ expr: event.currentTarget.value })}
            />
          </InlineField>
          <InlineField label="Legend" labelWidth={14}>
            <Input
              aria-label="Legend"
              width={30}
              placeholder="{{instance}}"
              defaultValue={query.legendFormat ?? ''}
              onBlur={(event) => update({ legendFormat: event.currentTarget.value })}
            />
          </InlineField>
        </>
      )}
    </>
  );
}
