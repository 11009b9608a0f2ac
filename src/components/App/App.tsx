import React from 'react';
import type { AppRootProps } from '@grafana/data';
import { Stack, Text, TextLink } from '@grafana/ui';

/** The app's page: what it ships and where to start. */
export function App(_: AppRootProps) {
  return (
    <Stack direction="column" gap={2}>
      <Text element="h2">Panopticon</Text>
      <Text>
        Add a <strong>Panopticon cluster</strong> datasource pointing at your Prometheus, pick the swarm-mode or
        swarm-legacy preset, and put the <strong>Panopticon status</strong> panel on any dashboard.
      </Text>
      <TextLink href="/connections/datasources/new" inline={false}>
        Add the datasource
      </TextLink>
    </Stack>
  );
}
