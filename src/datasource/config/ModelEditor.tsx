import React from 'react';
import { ConfigSection } from '@grafana/plugin-ui';
import { Field, RadioButtonGroup } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import type { ModelSource } from '../types';
import { modelSourceOf, type ModelPartProps } from './modelSettings';
import { ModelDocumentEditor } from './ModelDocumentEditor';
import { PresetParamsEditor } from './PresetParamsEditor';

const SOURCE_OPTIONS: Array<SelectableValue<ModelSource>> = [
  { label: 'Preset', value: 'preset', description: 'A built-in Docker Swarm model with parameters' },
  { label: 'Model document', value: 'document', description: 'Your own model as YAML or JSON' },
];

/**
 * Which model the datasource evaluates: a preset with its parameters, or a full model document. Switching
 * keeps the other one's settings, so switching back loses nothing.
 */
export function ModelEditor({ jsonData, onChange, disabled }: ModelPartProps) {
  const source = modelSourceOf(jsonData);
  return (
    <ConfigSection title="Cluster model" description="What the cluster consists of and what depends on what.">
      <Field label="Model source">
        <RadioButtonGroup
          aria-label="Model source"
          options={SOURCE_OPTIONS}
          value={source}
          disabled={disabled}
          onChange={(modelSource) => onChange({ ...jsonData, modelSource })}
        />
      </Field>
      {source === 'document' ? (
        <ModelDocumentEditor jsonData={jsonData} onChange={onChange} disabled={disabled} />
      ) : (
        <PresetParamsEditor jsonData={jsonData} onChange={onChange} disabled={disabled} />
      )}
    </ConfigSection>
  );
}
