import React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Combobox, Field, Input, Stack, type ComboboxOption } from '@grafana/ui';
import { PRESET_NAMES, parsePresetParams, type PresetName } from '../model';
import type { ClusterOptions } from './types';

type Props = DataSourcePluginOptionsEditorProps<ClusterOptions>;

const PRESET_OPTIONS: Array<ComboboxOption<PresetName>> = PRESET_NAMES.map((name) => ({ label: name, value: name }));

/** Prometheus URL (reached through Grafana's proxy) and the preset to evaluate. Updates are immutable. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const params = options.jsonData.presetParams ?? {};
  const paramErrors = parsePresetParams(params).errors;
  const paramText = Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return (
    <Stack direction="column" gap={2}>
      <Field label="Prometheus URL" description="Reached through Grafana's data proxy">
        <Input
          width={60}
          value={options.url}
          placeholder="http://prometheus:9090"
          onChange={(event) => onOptionsChange({ ...options, url: event.currentTarget.value, access: 'proxy' })}
        />
      </Field>
      <Field label="Preset">
        <Combobox
          width={30}
          options={PRESET_OPTIONS}
          value={options.jsonData.preset ?? 'swarm-mode'}
          onChange={(option) =>
            onOptionsChange({ ...options, jsonData: { ...options.jsonData, preset: option.value } })
          }
        />
      </Field>
      <Field
        label="Preset parameters"
        description="key=value pairs separated by spaces, e.g. managers=3 hosts=4"
        invalid={paramErrors.length > 0}
        error={paramErrors.join('; ')}
      >
        <Input
          width={60}
          defaultValue={paramText}
          onBlur={(event) =>
            onOptionsChange({
              ...options,
              jsonData: { ...options.jsonData, presetParams: parsePairs(event.currentTarget.value) },
            })
          }
        />
      </Field>
    </Stack>
  );
}

function parsePairs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const equals = pair.indexOf('=');
        return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
      })
  );
}
