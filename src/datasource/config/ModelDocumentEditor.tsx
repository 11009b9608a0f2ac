import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, CodeEditor, ConfirmButton, Field, Stack, Text, useStyles2 } from '@grafana/ui';

import { checkModelDocument, presetDocument, presetOf, type ModelPartProps } from './modelSettings';
import { useLatest } from './useLatest';

export const DOCUMENT_ERRORS_LABEL = 'Problems in the model document';

/**
 * A full model document (YAML, or JSON) in a code editor, validated as you type with the datasource's own
 * reader: each problem is listed as `path: message`. "Start from preset" fills it with the chosen preset and
 * its parameters as YAML, to customize.
 */
export function ModelDocumentEditor({ jsonData, onChange, disabled }: ModelPartProps) {
  const styles = useStyles2(getStyles);
  const text = jsonData.modelDocument ?? '';
  const check = useMemo(() => checkModelDocument(text), [text]);
  const preset = presetOf(jsonData);
  const start = useMemo(() => presetDocument(preset, jsonData.presetParams ?? {}), [preset, jsonData.presetParams]);

  // The CodeEditor keeps the first onChange it is given: read the settings of the latest render instead.
  const latest = useLatest({ jsonData, onChange });
  const onText = (modelDocument: string) => {
    const current = latest.current;
    if (modelDocument !== (current.jsonData.modelDocument ?? '')) {
      current.onChange({ ...current.jsonData, modelDocument });
    }
  };
  const fill = () => {
    if (start.text !== undefined) {
      onChange({ ...jsonData, modelDocument: start.text });
    }
  };

  const startLabel = 'Start from preset';
  const startButton =
    text.trim() === '' ? (
      <Button variant="secondary" icon="file-alt" disabled={disabled || start.text === undefined} onClick={fill}>
        {startLabel}
      </Button>
    ) : (
      <ConfirmButton
        confirmText="Replace the document"
        confirmVariant="destructive"
        closeOnConfirm
        disabled={disabled || start.text === undefined}
        onConfirm={fill}
      >
        <Button variant="secondary" icon="file-alt">
          {startLabel}
        </Button>
      </ConfirmButton>
    );

  return (
    <>
      <Field
        label="Model document"
        description="The cluster model as YAML or JSON: components, checks, dependencies. Validated as you type."
        invalid={check.errors.length > 0}
        error={`${check.errors.length === 1 ? 'One problem' : `${check.errors.length} problems`}, listed below`}
      >
        <CodeEditor
          value={text}
          language="yaml"
          height={400}
          showLineNumbers
          showMiniMap={false}
          readOnly={disabled}
          monacoOptions={{ ariaLabel: 'Model document', tabSize: 2 }}
          onChange={onText}
        />
      </Field>
      {check.errors.length > 0 ? (
        <ul aria-label={DOCUMENT_ERRORS_LABEL} className={styles.errors}>
          {check.errors.map((error, index) => (
            <li key={index}>{error}</li>
          ))}
        </ul>
      ) : (
        <Text element="p" color="success">
          {`Valid model: ${check.componentIds.length} ${check.componentIds.length === 1 ? 'component' : 'components'} (${check.componentIds.join(', ')})`}
        </Text>
      )}
      <Stack direction="row" alignItems="center" gap={2}>
        {startButton}
        <Text color="secondary">
          {start.text === undefined
            ? `The parameters of the preset ${preset} have errors: fix them under Preset first.`
            : `Fills the editor with the preset ${preset} and its parameters (chosen under Preset) as YAML.`}
        </Text>
      </Stack>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  errors: css({
    color: theme.colors.error.text,
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    margin: theme.spacing(0, 0, 2, 2),
    maxHeight: 240,
    overflowY: 'auto',
  }),
});
