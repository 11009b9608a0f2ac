import React, { useCallback, useEffect } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import {
  AdvancedHttpSettings,
  Auth,
  AuthMethod,
  ConfigSection,
  ConnectionSettings,
  convertLegacyAuthProps,
} from '@grafana/plugin-ui';
import { Divider } from '@grafana/ui';

import { normalizeConnection, type ClusterSettings } from './config/connection';
import { ModelEditor } from './config/ModelEditor';
import type { ClusterOptions, ClusterSecureOptions } from './types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<ClusterOptions, ClusterSecureOptions>;

/**
 * Basic authentication or none. Forwarding the user's OAuth identity is not offered (a cluster status is the
 * same for everyone), nor cross-site credentials, which only apply to browser access.
 */
const AUTH_METHODS = [AuthMethod.NoAuth, AuthMethod.BasicAuth];

/**
 * The datasource settings: the connection to Prometheus with Grafana's standard HTTP settings (URL, basic auth,
 * TLS client certificate and CA, custom headers, timeout), always through Grafana's data proxy so secrets stay
 * on the server (secureJsonData; only their "configured" flags reach the browser), then the cluster model.
 * Every change is a new settings object: the props are never mutated.
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const onChange = useCallback(
    (next: ClusterSettings) => onOptionsChange(normalizeConnection(next)),
    [onOptionsChange]
  );

  // A datasource saved with browser access (or by an older version) is switched to the proxy on sight.
  useEffect(() => {
    if (options.access !== 'proxy') {
      onOptionsChange({ ...options, access: 'proxy' });
    }
  }, [options, onOptionsChange]);

  return (
    <>
      <ConnectionSettings
        config={options}
        onChange={onChange}
        urlLabel="Prometheus URL"
        urlPlaceholder="https://prometheus.example.com:9090"
        description="The Prometheus that scrapes the cluster. Grafana's data proxy reaches it with the credentials below; the browser never does."
      />
      <Divider />
      <Auth
        {...convertLegacyAuthProps({ config: options, onChange })}
        visibleMethods={AUTH_METHODS}
        readOnly={options.readOnly}
      />
      <Divider />
      <ConfigSection title="Additional settings" isCollapsible isInitiallyOpen={options.jsonData.timeout !== undefined}>
        <AdvancedHttpSettings config={options} onChange={onChange} />
      </ConfigSection>
      <Divider />
      <ModelEditor
        jsonData={options.jsonData}
        onChange={(jsonData) => onChange({ ...options, jsonData })}
        disabled={options.readOnly}
      />
    </>
  );
}
