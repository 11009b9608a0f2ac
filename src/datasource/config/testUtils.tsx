import React, { useState, type ComponentProps } from 'react';
import type { CodeEditor } from '@grafana/ui';

import type { ClusterOptions } from '../types';
import type { ClusterSettings } from './connection';

/** Freezes a value and everything in it, so that any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/** Datasource settings as Grafana passes them to the editor: neutral defaults plus overrides, deeply frozen. */
export function createSettings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  return deepFreeze({
    id: 1,
    uid: 'panopticon',
    orgId: 1,
    name: 'Panopticon',
    typeLogoUrl: '',
    type: 'panopticon-cluster-datasource',
    typeName: 'Panopticon cluster',
    access: 'proxy',
    url: 'http://prometheus:9090',
    user: '',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- still a required field of DataSourceSettings
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...overrides,
  });
}

/** A model document of three components; the third depends on one that does not exist. */
export const UNKNOWN_DEPENDENCY_DOCUMENT = `
jobs:
  - { job: node, describes: node_exporter, role: member }
components:
  - id: a
    name: A
    critical: false
    checks: [{ kind: presence, id: info, title: info, job: node, expr: node_uname_info }]
  - { id: b, name: B, critical: false, dependsOn: [a], checks: [{ kind: presence, id: info, title: info, job: node, expr: node_uname_info }] }
  - { id: c, name: C, critical: true, dependsOn: [consul], checks: [{ kind: presence, id: info, title: info, job: node, expr: node_uname_info }] }
`;

/** A deeply frozen jsonData for the model editors. */
export function createJsonData(overrides: Partial<ClusterOptions> = {}): ClusterOptions {
  return deepFreeze({ ...overrides });
}

/**
 * Stands in for Grafana's CodeEditor, whose Monaco does not run in jsdom: a textarea labelled like Monaco's.
 * Like the real one, it subscribes the `onChange` of its first render and keeps it.
 */
export function FakeCodeEditor({ value, onChange, monacoOptions, readOnly }: ComponentProps<typeof CodeEditor>) {
  const [subscribed] = useState(() => onChange);
  return (
    <textarea
      aria-label={monacoOptions?.ariaLabel}
      value={value}
      readOnly={readOnly}
      onChange={(event) => subscribed?.(event.currentTarget.value)}
    />
  );
}
