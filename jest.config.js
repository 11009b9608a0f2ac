// Every test runs in UTC so that anything time-dependent is deterministic.
process.env.TZ = 'UTC';

const scaffolded = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

module.exports = {
  projects: [
    {
      // Unit and component tests next to the code.
      ...scaffolded,
      displayName: 'unit',
      // The pure simulated exporters' own tests live next to them (no services: unit tests).
      testMatch: [...scaffolded.testMatch, '<rootDir>/tests/simulators/**/*.test.ts'],
      // Under jsdom, `yaml` resolves to its ESM browser build: transform it like Grafana's ES modules.
      transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, 'yaml'])],
      moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
      transform: {
        ...scaffolded.transform,
        // d3-color ships only .mjs; without this every suite importing @grafana/ui fails.
        '^.+\\.mjs$': ['@swc/jest'],
      },
    },
    {
      // Tests against real services (Prometheus, node_exporter, dockerd) started by the test itself.
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform: scaffolded.transform,
      transformIgnorePatterns: scaffolded.transformIgnorePatterns,
      moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
    },
    {
      // The built plugin in Debian's Chromium through the browser host (tests/browser/), against real services.
      displayName: 'browser',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
      transform: scaffolded.transform,
      transformIgnorePatterns: scaffolded.transformIgnorePatterns,
      moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
      // The host build (artifacts/browser-host, ~18 MB) and dist/ are served to the browser, never required.
      modulePathIgnorePatterns: ['<rootDir>/artifacts/', '<rootDir>/dist/'],
    },
    {
      // Checks of the built plugin in dist/ (run after `npm run build`).
      displayName: 'build',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/build/**/*.test.ts'],
      transform: scaffolded.transform,
      moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
    },
  ],
};
