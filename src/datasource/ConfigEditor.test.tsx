import React, { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';

import { ConfigEditor } from './ConfigEditor';
import type { ClusterSettings } from './config/connection';
import { presetDocument } from './config/modelSettings';
import { createSettings, deepFreeze } from './config/testUtils';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual<typeof import('@grafana/ui')>('@grafana/ui'),
  CodeEditor: jest.requireActual<typeof import('./config/testUtils')>('./config/testUtils').FakeCodeEditor,
}));

const SECRET = 's3cr3t-do-not-echo';
/** Grafana's custom header names (`httpHeaderName1`…), which ClusterOptions does not declare. */
const HEADER_NAMES = { httpHeaderName1: 'X-Scope' };

/** One render with frozen props; the spy records what the editor asks Grafana to store. */
function setup(overrides: Partial<ClusterSettings> = {}) {
  const options = createSettings(overrides);
  const onOptionsChange = jest.fn<void, [ClusterSettings]>();
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { options, onOptionsChange, lastChange: () => onOptionsChange.mock.lastCall?.[0] };
}

/** Like Grafana's settings page: every change comes back as the new (frozen) props. */
function Harness({ initial, spy }: { initial: ClusterSettings; spy: (options: ClusterSettings) => void }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(next) => {
        spy(next);
        setOptions(deepFreeze(next));
      }}
    />
  );
}

function setupLive(overrides: Partial<ClusterSettings> = {}) {
  const spy = jest.fn<void, [ClusterSettings]>();
  render(<Harness initial={createSettings(overrides)} spy={spy} />);
  return { spy, latest: () => spy.mock.lastCall?.[0] };
}

/** Everything the browser could read back of the settings, except the secrets typed in this session. */
function visibleToBrowser(options: ClusterSettings | undefined): string {
  return JSON.stringify({ ...options, secureJsonData: undefined });
}

describe('ConfigEditor: connection', () => {
  it('edits the Prometheus URL and keeps access through the proxy', () => {
    const { options, lastChange } = setup({ url: '' });
    fireEvent.change(screen.getByLabelText('Data source connection URL'), {
      target: { value: 'https://prometheus.example.com:9090' },
    });
    expect(lastChange()).toEqual({ ...options, url: 'https://prometheus.example.com:9090', access: 'proxy' });
  });

  it.each(['direct', ''])('switches a datasource saved with access %j to the proxy', (access) => {
    const { options, onOptionsChange } = setup({ access });
    expect(onOptionsChange).toHaveBeenCalledTimes(1);
    expect(onOptionsChange).toHaveBeenCalledWith({ ...options, access: 'proxy' });
  });

  it('leaves proxy access alone: no change without an edit', () => {
    const { onOptionsChange } = setup();
    expect(onOptionsChange).not.toHaveBeenCalled();
  });

  it.each([
    ['10', { timeout: 10 }],
    ['', {}],
  ])('stores the timeout %j as %p', (value, expected) => {
    const { options, lastChange } = setup({ jsonData: { preset: 'swarm-mode', timeout: 30 } });
    fireEvent.change(screen.getByLabelText('Timeout in seconds'), { target: { value } });
    expect(lastChange()).toEqual({ ...options, jsonData: { preset: 'swarm-mode', ...expected } });
  });
});

describe('ConfigEditor: secrets', () => {
  it('writes the basic auth password to secureJsonData only', () => {
    const { options, lastChange } = setup({ basicAuth: true, basicAuthUser: 'grafana' });
    expect(screen.getByLabelText(/^User/)).toHaveValue('grafana');
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: SECRET } });
    expect(lastChange()).toEqual({ ...options, secureJsonData: { basicAuthPassword: SECRET } });
    expect(visibleToBrowser(lastChange())).not.toContain(SECRET);
  });

  it.each([
    ['CA Certificate', 'tlsCACert'],
    ['Client Certificate', 'tlsClientCert'],
    ['Client Key', 'tlsClientKey'],
  ])('writes the %s to secureJsonData.%s only', (label, key) => {
    const { options, lastChange } = setup({ jsonData: { tlsAuth: true, tlsAuthWithCACert: true } });
    fireEvent.change(screen.getByLabelText(new RegExp(`^${label}`)), { target: { value: SECRET } });
    expect(lastChange()).toEqual({ ...options, secureJsonData: { [key]: SECRET } });
    expect(visibleToBrowser(lastChange())).not.toContain(SECRET);
  });

  it('turns on TLS client authentication, with the server name in jsonData', () => {
    const { latest } = setupLive();
    fireEvent.click(screen.getByLabelText('TLS Client Authentication'));
    fireEvent.change(screen.getByLabelText(/^ServerName/), { target: { value: 'prometheus.cluster' } });
    expect(latest()?.jsonData).toEqual({ tlsAuth: true, serverName: 'prometheus.cluster' });
    expect(latest()?.secureJsonData).toBeUndefined();
  });

  it('shows configured secrets as configured, without their values, each with a reset button', () => {
    setup({
      basicAuth: true,
      basicAuthUser: 'grafana',
      jsonData: {
        tlsAuth: true,
        tlsAuthWithCACert: true,
        serverName: 'prometheus.cluster',
        ...HEADER_NAMES,
      },
      secureJsonFields: {
        basicAuthPassword: true,
        tlsCACert: true,
        tlsClientCert: true,
        tlsClientKey: true,
        httpHeaderValue1: true,
      },
    });
    for (const label of [/^Password/, /^CA Certificate/, /^Client Certificate/, /^Client Key/]) {
      const field = screen.getByLabelText(label);
      expect(field).toHaveValue('configured');
      expect(field).toBeDisabled();
    }
    expect(screen.getByLabelText(/^ServerName/)).toHaveValue('prometheus.cluster');
    expect(screen.getByDisplayValue('X-Scope')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Reset' })).toHaveLength(5);
  });

  it('never shows a secret value, even one still held in the settings', () => {
    const keys = ['basicAuthPassword', 'tlsCACert', 'tlsClientCert', 'tlsClientKey', 'httpHeaderValue1'];
    setup({
      basicAuth: true,
      jsonData: { tlsAuth: true, tlsAuthWithCACert: true, ...HEADER_NAMES },
      secureJsonFields: Object.fromEntries(keys.map((key) => [key, true])),
      secureJsonData: Object.fromEntries(keys.map((key) => [key, SECRET])),
    });
    expect(document.body.innerHTML).not.toContain(SECRET);
    const fields = Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'));
    expect(fields.map((field) => field.value)).not.toContain(SECRET);
  });

  it.each([
    ['Password', 'basicAuthPassword'],
    ['CA Certificate', 'tlsCACert'],
    ['Client Certificate', 'tlsClientCert'],
    ['Client Key', 'tlsClientKey'],
  ])('resets the configured %s: an empty secret, no longer configured', (label, key) => {
    const { options, lastChange } = setup({
      basicAuth: true,
      jsonData: { tlsAuth: true, tlsAuthWithCACert: true },
      secureJsonFields: { [key]: true },
    });
    expect(screen.getByLabelText(new RegExp(`^${label}`))).toHaveValue('configured');
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(lastChange()).toEqual({
      ...options,
      secureJsonData: { [key]: '' },
      secureJsonFields: { [key]: false },
    });
  });

  it('keeps custom header names in jsonData and their values in secureJsonData', () => {
    const { latest } = setupLive();
    fireEvent.click(screen.getByRole('button', { name: 'Expand section HTTP headers' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add header' }));
    const name = screen.getByPlaceholderText('X-Custom-Header');
    fireEvent.change(name, { target: { value: 'X-Scope-OrgID' } });
    fireEvent.change(screen.getByPlaceholderText('Header value'), { target: { value: SECRET } });
    fireEvent.blur(name);
    expect(latest()?.jsonData).toEqual({ httpHeaderName1: 'X-Scope-OrgID' });
    expect(latest()?.secureJsonData).toEqual({ httpHeaderValue1: SECRET });
    expect(visibleToBrowser(latest())).not.toContain(SECRET);
  });

  it('never offers browser-only credentials', () => {
    setup();
    expect(screen.queryByText(/cross-site access control/i)).not.toBeInTheDocument();
    expect(screen.queryByText(/Forward OAuth Identity/)).not.toBeInTheDocument();
  });
});

describe('ConfigEditor: model', () => {
  it('starts with the first preset and its parameters', () => {
    setup();
    expect(screen.getByRole('radio', { name: 'Preset' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'swarm-mode' })).toBeChecked();
    expect(screen.getByLabelText('managers')).toBeInTheDocument();
  });

  it.each([
    [
      'choosing a preset',
      () => fireEvent.click(screen.getByRole('radio', { name: 'swarm-legacy' })),
      { preset: 'swarm-legacy' },
    ],
    [
      'setting a parameter',
      () => fireEvent.change(screen.getByLabelText('managers'), { target: { value: '3' } }),
      { presetParams: { managers: '3' } },
    ],
    [
      'choosing a model document',
      () => fireEvent.click(screen.getByRole('radio', { name: 'Model document' })),
      { modelSource: 'document' },
    ],
  ])('%s changes only jsonData, in a new object', (_, act, change) => {
    const jsonData = { timeout: 20, tlsAuth: true, serverName: 'prometheus.cluster' };
    const { options, lastChange } = setup({ jsonData, secureJsonFields: { tlsClientCert: true } });
    act();
    expect(lastChange()).toEqual({ ...options, jsonData: { ...jsonData, ...change } });
  });

  it('customizes a preset as a document and keeps every other setting while typing', () => {
    const { latest } = setupLive({ jsonData: { preset: 'swarm-legacy', presetParams: { managers: '3' } } });
    fireEvent.click(screen.getByRole('radio', { name: 'Model document' }));
    fireEvent.click(screen.getByRole('button', { name: 'Start from preset' }));
    const yaml = presetDocument('swarm-legacy', { managers: '3' }).text ?? '';
    expect(screen.getByRole('textbox', { name: 'Model document' })).toHaveValue(yaml);
    expect(screen.getByText(/^Valid model: 7 components/)).toBeInTheDocument();

    // Edits elsewhere, then typing in the editor (whose change handler is the one of its first render).
    fireEvent.change(screen.getByLabelText('Data source connection URL'), { target: { value: 'https://prom:9090' } });
    const broken = yaml.replace('dependsOn:\n      - docker', 'dependsOn:\n      - dockerd');
    fireEvent.change(screen.getByRole('textbox', { name: 'Model document' }), { target: { value: broken } });

    expect(latest()).toMatchObject({
      url: 'https://prom:9090',
      access: 'proxy',
      jsonData: {
        modelSource: 'document',
        preset: 'swarm-legacy',
        presetParams: { managers: '3' },
        modelDocument: broken,
      },
    });
    const problems = within(screen.getByRole('list', { name: 'Problems in the model document' }));
    expect(problems.getAllByRole('listitem').map((item) => item.textContent)).toContainEqual(
      expect.stringMatching(/^components\[\d+\]\.dependsOn\[0\]: unknown component "dockerd"$/)
    );
  });
});
