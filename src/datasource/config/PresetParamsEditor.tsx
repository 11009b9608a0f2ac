import React, { useMemo } from 'react';
import { ConfigSubSection } from '@grafana/plugin-ui';
import { Alert, Button, Field, InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import { buildPreset, DEFAULT_PARAMS, PRESET_NAMES, type PresetName } from '../../model';
import {
  checkPresetParams,
  paramGroups,
  paramKind,
  paramPlaceholder,
  presetError,
  presetOf,
  withoutParams,
  withParam,
  type ModelPartProps,
  type ParamKind,
} from './modelSettings';

/** Each preset with the components it builds, e.g. `prometheus, hosts, docker, swarm, gluster, weave`. */
const PRESET_OPTIONS: Array<SelectableValue<PresetName>> = PRESET_NAMES.map((name) => {
  const model = buildPreset(name, DEFAULT_PARAMS);
  const ids = model.components.map((component) => component.id).join(', ');
  return { label: name, value: name, description: `${model.name ?? name}: ${ids}` };
});

const GROUP_TEXT: Record<ParamKind, { title: string; description: string }> = {
  count: {
    title: 'Expected counts',
    description: 'How many there should be. Empty: derived from the targets Prometheus knows (the reason says so).',
  },
  job: { title: 'Scrape jobs', description: 'The job label each component is scraped under.' },
  threshold: { title: 'Thresholds', description: 'The warning level must not exceed the critical level.' },
};

const LABEL_WIDTH = 24;
const INPUT_WIDTH = 22;

/** `panopticon-param-managers`: the id that ties each parameter's label to its input. */
export function paramInputId(name: string): string {
  return `panopticon-param-${name}`;
}

/**
 * The preset and one input per parameter (PARAM_NAMES), defaults as placeholders, each validated by the
 * model's parsePresetParams with the error at its field. An emptied input removes the parameter.
 */
export function PresetParamsEditor({ jsonData, onChange, disabled }: ModelPartProps) {
  const params = useMemo(() => jsonData.presetParams ?? {}, [jsonData.presetParams]);
  const check = useMemo(() => checkPresetParams(params), [params]);
  const unknownPreset = presetError(jsonData);

  const setParam = (name: string, value: string) =>
    onChange({ ...jsonData, presetParams: withParam(params, name, value) });

  return (
    <>
      <Field label="Preset" invalid={unknownPreset !== undefined} error={unknownPreset}>
        <RadioButtonGroup
          aria-label="Preset"
          options={PRESET_OPTIONS}
          value={presetOf(jsonData)}
          disabled={disabled}
          onChange={(preset) => onChange({ ...jsonData, preset })}
        />
      </Field>
      {paramGroups().map((group) => (
        <ConfigSubSection
          key={group.kind}
          title={GROUP_TEXT[group.kind].title}
          description={GROUP_TEXT[group.kind].description}
        >
          {group.rows.map((row) => (
            <InlineFieldRow key={row.join('-')}>
              {row.map((name) => {
                const id = paramInputId(name);
                const error = check.byParam[name];
                return (
                  <InlineField
                    key={name}
                    label={name}
                    labelWidth={LABEL_WIDTH}
                    htmlFor={id}
                    disabled={disabled}
                    invalid={error !== undefined}
                    error={<span id={`${id}-error`}>{error}</span>}
                  >
                    <Input
                      id={id}
                      aria-invalid={error !== undefined}
                      aria-describedby={error === undefined ? undefined : `${id}-error`}
                      width={INPUT_WIDTH}
                      inputMode={paramKind(name) === 'job' ? 'text' : 'decimal'}
                      value={params[name] ?? ''}
                      placeholder={paramPlaceholder(name)}
                      onChange={(event) => setParam(name, event.currentTarget.value)}
                    />
                  </InlineField>
                );
              })}
            </InlineFieldRow>
          ))}
        </ConfigSubSection>
      ))}
      {(check.other.length > 0 || check.unknown.length > 0) && (
        <Alert severity="error" title="Preset parameters">
          <ul aria-label="Other preset parameter errors">
            {check.other.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
          {check.unknown.length > 0 && (
            <Button
              variant="secondary"
              size="sm"
              disabled={disabled}
              onClick={() => onChange({ ...jsonData, presetParams: withoutParams(params, check.unknown) })}
            >
              Remove unknown parameters
            </Button>
          )}
        </Alert>
      )}
    </>
  );
}
