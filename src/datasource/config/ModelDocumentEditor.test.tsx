import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import type { ClusterOptions } from '../types';
import { presetDocument } from './modelSettings';
import { DOCUMENT_ERRORS_LABEL, ModelDocumentEditor } from './ModelDocumentEditor';
import { createJsonData, UNKNOWN_DEPENDENCY_DOCUMENT } from './testUtils';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual<typeof import('@grafana/ui')>('@grafana/ui'),
  CodeEditor: jest.requireActual<typeof import('./testUtils')>('./testUtils').FakeCodeEditor,
}));

function setup(overrides: Partial<ClusterOptions> = {}) {
  const jsonData = createJsonData({ modelSource: 'document', ...overrides });
  const onChange = jest.fn<void, [ClusterOptions]>();
  const view = render(<ModelDocumentEditor jsonData={jsonData} onChange={onChange} />);
  return { jsonData, onChange, view };
}

function presetYaml(...args: Parameters<typeof presetDocument>): string {
  const { text } = presetDocument(...args);
  if (text === undefined) {
    throw new Error('the preset has no document');
  }
  return text;
}

function listedErrors(): string[] {
  return Array.from(screen.getByRole('list', { name: DOCUMENT_ERRORS_LABEL }).querySelectorAll('li')).map(
    (item) => item.textContent ?? ''
  );
}

describe('ModelDocumentEditor', () => {
  it('shows the document in a labelled editor', () => {
    setup({ modelDocument: 'jobs: []' });
    expect(screen.getByRole('textbox', { name: 'Model document' })).toHaveValue('jobs: []');
  });

  it.each(['swarm-mode', 'swarm-legacy'] as const)('accepts the YAML of %s without errors', (preset) => {
    setup({ modelDocument: presetYaml(preset, {}) });
    expect(screen.queryByRole('list', { name: DOCUMENT_ERRORS_LABEL })).not.toBeInTheDocument();
    expect(screen.getByText(/^Valid model: \d+ components \(prometheus, hosts, docker/)).toBeInTheDocument();
  });

  it.each([
    ['an empty document', '', ['the model document is empty']],
    [
      'broken YAML',
      'jobs: [\n  - node\ncomponents: []\n',
      [
        'line 2, column 3: Block collections are not allowed within flow collections',
        'line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    ['an unknown dependency', UNKNOWN_DEPENDENCY_DOCUMENT, ['components[2].dependsOn[0]: unknown component "consul"']],
  ])('lists the problems of %s as path: message', (_, modelDocument, errors) => {
    setup({ modelDocument });
    expect(listedErrors()).toEqual(errors);
    expect(
      screen.getByText(errors.length === 1 ? 'One problem, listed below' : `${errors.length} problems, listed below`)
    ).toBeInTheDocument();
  });

  it('validates as you type: every change is stored, and the list follows the props', () => {
    const { jsonData, onChange, view } = setup({ modelDocument: '' });
    fireEvent.change(screen.getByRole('textbox', { name: 'Model document' }), {
      target: { value: UNKNOWN_DEPENDENCY_DOCUMENT },
    });
    expect(onChange).toHaveBeenCalledWith({ ...jsonData, modelDocument: UNKNOWN_DEPENDENCY_DOCUMENT });
    view.rerender(
      <ModelDocumentEditor
        jsonData={createJsonData({ ...jsonData, modelDocument: UNKNOWN_DEPENDENCY_DOCUMENT })}
        onChange={onChange}
      />
    );
    expect(listedErrors()).toEqual(['components[2].dependsOn[0]: unknown component "consul"']);
  });

  it('writes edits into the latest settings, although the editor keeps its first change handler', () => {
    const { onChange, view } = setup({ modelDocument: 'a: 1' });
    const later = createJsonData({ modelSource: 'document', modelDocument: 'a: 1', presetParams: { managers: '5' } });
    const laterOnChange = jest.fn<void, [ClusterOptions]>();
    view.rerender(<ModelDocumentEditor jsonData={later} onChange={laterOnChange} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Model document' }), { target: { value: 'a: 2' } });
    expect(onChange).not.toHaveBeenCalled();
    expect(laterOnChange).toHaveBeenCalledWith({ ...later, modelDocument: 'a: 2' });
  });

  it('starts an empty document from the chosen preset with its parameters', () => {
    const { jsonData, onChange } = setup({ preset: 'swarm-legacy', presetParams: { managers: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start from preset' }));
    expect(onChange).toHaveBeenCalledWith({
      ...jsonData,
      modelDocument: presetYaml('swarm-legacy', { managers: '3' }),
    });
  });

  it('asks before replacing a document with the preset', () => {
    const { jsonData, onChange } = setup({ modelDocument: 'my: work' });
    fireEvent.click(screen.getByRole('button', { name: 'Start from preset' }));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Replace the document' }));
    expect(onChange).toHaveBeenCalledWith({ ...jsonData, modelDocument: presetYaml('swarm-mode', {}) });
  });

  it('cannot start from a preset whose parameters are invalid', () => {
    setup({ presetParams: { managers: 'three' } });
    expect(screen.getByRole('button', { name: 'Start from preset' })).toBeDisabled();
    expect(screen.getByText(/have errors: fix them under Preset first/)).toBeInTheDocument();
  });
});
