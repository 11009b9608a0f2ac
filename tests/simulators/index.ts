/**
 * Simulated exporters for components that cannot run here (Consul, Weave Net, GlusterFS, cAdvisor): pure generators
 * of the Prometheus text exposition their real exporters write, from real metric names, label sets, types
 * and help strings (/work/shared/fixtures/metric-names, /work/shared/METRICS.md), driven by a small state.
 * Serve them with the harness' `startMetricsFileServer` and `serveScrape`.
 */
import type { ScrapeAnswer } from './exposition';

export * from './exposition';
export * from './consul';
export * from './weave';
export * from './gluster';
export * from './cadvisor';

/** The part of the harness' MetricsFileServer that serving an answer needs. */
export interface ScrapeTarget {
  setBody(text: string): void;
  fail(status?: number): void;
}

/** Makes a metrics file server answer like the simulated exporter: the document, or the HTTP error. */
export function serveScrape(server: ScrapeTarget, answer: ScrapeAnswer): void {
  if (answer.ok) {
    server.setBody(answer.body);
  } else {
    // Keep the body in sync first (fail() serves a fixed error text, the status is what Prometheus sees).
    server.setBody('');
    server.fail(answer.status);
  }
}
