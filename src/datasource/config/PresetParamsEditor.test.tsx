import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { DEFAULT_PARAMS, PARAM_NAMES, PRESET_NAMES } from '../../model';
import type { ClusterOptions } from '../types';
import { DERIVED_PLACEHOLDER } from './modelSettings';
import { PresetParamsEditor } from './PresetParamsEditor';
import { createJsonData } from './testUtils';

function setup(overrides: Partial<ClusterOptions> = {}, disabled = false) {
  const jsonData = createJsonData(overrides);
  const onChange = jest.fn<void, [ClusterOptions]>();
  render(<PresetParamsEditor jsonData={jsonData} onChange={onChange} disabled={disabled} />);
  return { jsonData, onChange };
}

describe('PresetParamsEditor', () => {
  it('offers every preset of the model, the first one chosen by default', () => {
    setup();
    expect(screen.getAllByRole('radio')).toHaveLength(PRESET_NAMES.length);
    for (const name of PRESET_NAMES) {
      expect(screen.getByRole('radio', { name })).toBeInTheDocument();
    }
    expect(screen.getByRole('radio', { name: PRESET_NAMES[0] })).toBeChecked();
  });

  it.each(PRESET_NAMES)('choosing %s keeps everything else', (preset) => {
    const other = PRESET_NAMES.find((name) => name !== preset) ?? preset;
    const { jsonData, onChange } = setup({ preset: other, presetParams: { managers: '3' }, timeout: 10 });
    fireEvent.click(screen.getByRole('radio', { name: preset }));
    expect(onChange).toHaveBeenCalledWith({ ...jsonData, preset });
  });

  it('has one labelled input per parameter, its default as placeholder', () => {
    setup();
    for (const name of PARAM_NAMES) {
      const input = screen.getByLabelText(name);
      expect(input).toHaveValue('');
      const fallback: string | number | undefined = { ...DEFAULT_PARAMS }[name];
      expect(input).toHaveAttribute('placeholder', fallback === undefined ? DERIVED_PLACEHOLDER : String(fallback));
    }
  });

  it('shows the stored parameters', () => {
    setup({ presetParams: { managers: '3', dockerJob: 'engines' } });
    expect(screen.getByLabelText('managers')).toHaveValue('3');
    expect(screen.getByLabelText('dockerJob')).toHaveValue('engines');
  });

  it.each([
    ['a new parameter is added', {}, 'managers', '3', { managers: '3' }],
    ['a parameter is changed', { managers: '3', hosts: '4' }, 'hosts', '5', { managers: '3', hosts: '5' }],
    ['an emptied parameter is removed', { managers: '3', hosts: '4' }, 'managers', '', { hosts: '4' }],
    ['a job name is kept as typed', {}, 'nodeJob', 'node-exporter', { nodeJob: 'node-exporter' }],
  ])('%s, in new objects', (_, presetParams, name, value, expected) => {
    const { jsonData, onChange } = setup({ preset: 'swarm-legacy', presetParams });
    fireEvent.change(screen.getByLabelText(name), { target: { value } });
    expect(onChange).toHaveBeenCalledWith({ ...jsonData, presetParams: expected });
  });

  it.each([
    ['managers', 'three', 'expected a positive integer, got "three"'],
    ['weavePeers', '2.5', 'expected a positive integer, got "2.5"'],
    ['glusterJob', 'gluster exporter', 'expected a job name (letters, digits, _ . : / -), got "gluster exporter"'],
    ['diskCritical', '-1', 'expected a non-negative number, got "-1"'],
    ['memoryWarning', '97', '97 is above memoryCritical 95: warning must come first'],
  ])('shows the error of %s=%s at its field', (name, value, message) => {
    setup({ presetParams: { [name]: value } });
    const input = screen.getByLabelText(name);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(message);
    const others = PARAM_NAMES.filter((other) => other !== name);
    for (const other of others) {
      expect(screen.getByLabelText(other)).not.toHaveAttribute('aria-invalid', 'true');
    }
  });

  it('lists parameters the model does not know and removes them on request', () => {
    const { jsonData, onChange } = setup({ presetParams: { manager: '3', hosts: '4' } });
    expect(screen.getByRole('list', { name: 'Other preset parameter errors' })).toHaveTextContent(
      'manager: unknown parameter'
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove unknown parameters' }));
    expect(onChange).toHaveBeenCalledWith({ ...jsonData, presetParams: { hosts: '4' } });
  });

  it('says so when the stored preset is unknown', () => {
    setup({ preset: 'swarm-classic' as unknown as (typeof PRESET_NAMES)[number] });
    expect(screen.getByText(/unknown preset "swarm-classic"/)).toBeInTheDocument();
  });

  it('is read-only for a provisioned datasource', () => {
    setup({}, true);
    expect(screen.getByLabelText('managers')).toBeDisabled();
    expect(screen.getByRole('radio', { name: PRESET_NAMES[0] })).toBeDisabled();
  });
});
