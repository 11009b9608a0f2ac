// Grafana's setup assumes a browser (jsdom); suites that declare `@jest-environment node` (the CLI) skip it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');
}
