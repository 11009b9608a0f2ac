/**
 * The shared dependencies a Grafana plugin leaves external (see .config/bundler/externals.ts), provided
 * the way Grafana's plugin loader does (public/app/features/plugins/loader/sharedDependencies.ts and
 * utils.ts buildImportMap): each module is `System.set` under `package:<name>` and an import map sends
 * the bare name there, so `define(["react", …])` in dist/…/module.js receives exactly these objects.
 *
 * Entries with `__useDefault: true` make SystemJS' AMD extra hand the `default` export to the plugin
 * (lodash, moment, jquery are functions); everything else arrives as the namespace object.
 * Only what is installed here and can be external under .config/bundler/externals.ts is provided (no d3,
 * slate, angular, monaco-kusto; not react-router-dom v5, which that list never leaves external).
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaDataUnstable from '@grafana/data/unstable';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaRuntimeUnstable from '@grafana/runtime/unstable';
import * as grafanaUIraw from '@grafana/ui';
import * as grafanaUIUnstable from '@grafana/ui/unstable';
import i18next from 'i18next';
import jquery from 'jquery';
import * as lodash from 'lodash';
// eslint-disable-next-line no-restricted-imports -- Grafana shares moment with plugins, so the host must too.
import * as moment from 'moment';
// @ts-expect-error prismjs ships no types (and @types/prismjs is not installed); only passed through here.
import * as prismjs from 'prismjs';
import * as react from 'react';
import * as reactDom from 'react-dom';
import * as reactDomClient from 'react-dom/client';
import * as reactRedux from 'react-redux';
import * as reactRouterCompat from 'react-router-dom-v5-compat';
import * as jsxDevRuntime from 'react/jsx-dev-runtime';
import * as jsxRuntime from 'react/jsx-runtime';
import * as redux from 'redux';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

/** Grafana's prefix that turns a bare name into a URL-like registry key. */
export const SHARED_DEPENDENCY_PREFIX = 'package';

// Help the 6.4 to 6.5 migration, as Grafana does: the base classes on both import paths.
const grafanaUI = {
  ...grafanaUIraw,
  PanelPlugin: grafanaData.PanelPlugin,
  DataSourcePlugin: grafanaData.DataSourcePlugin,
  AppPlugin: grafanaData.AppPlugin,
  DataSourceApi: grafanaData.DataSourceApi,
};

export const sharedDependencies: Record<string, object> = {
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/data/unstable': grafanaDataUnstable,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/runtime/unstable': grafanaRuntimeUnstable,
  '@grafana/ui': grafanaUI,
  '@grafana/ui/unstable': grafanaUIUnstable,
  emotion: emotionCss,
  i18next: { default: i18next, __useDefault: true },
  jquery: { default: jquery, __useDefault: true },
  lodash: { ...lodash, __useDefault: true },
  moment: { ...moment, __useDefault: true },
  prismjs,
  react,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxDevRuntime,
  'react-dom': reactDom,
  'react-dom/client': reactDomClient,
  'react-redux': reactRedux,
  // Grafana exposes React Router v6 under this name (through react-router-dom-v5-compat).
  'react-router': reactRouterCompat,
  redux,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

interface SystemJSLike {
  set(id: string, module: object): unknown;
  addImportMap(map: { imports: Record<string, string> }, base?: string): void;
}

/** Registers every shared dependency with SystemJS and maps its bare name to it. */
export function registerSharedDependencies(system: SystemJSLike): string[] {
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(sharedDependencies)) {
    const id = `${SHARED_DEPENDENCY_PREFIX}:${name}`;
    system.set(id, module);
    imports[name] = id;
  }
  system.addImportMap({ imports });
  return Object.keys(imports);
}
