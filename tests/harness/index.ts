/**
 * Public API of the real-service test harness: start real Prometheus, node_exporter, simulated
 * exporters, Docker Swarm engines and a GlusterFS volume on 127.0.0.x in private directories, and be
 * sure they are gone afterwards (stop(), process exit, signals, or the out-of-process reaper if the
 * runner was killed).
 */
export {
  createPrivateDir,
  freePort,
  isPortFree,
  readLogTail,
  runCommand,
  spawnService,
  waitFor,
  waitForValue,
  WaitTimeoutError,
} from './processes';
export type {
  ExitStatus,
  PrivateDir,
  RunResult,
  ServiceHandle,
  SpawnServiceOptions,
  StopOptions,
  WaitForOptions,
} from './processes';
export { PROMETHEUS_BINARY, PrometheusApiError, startPrometheus, VICTORIA_METRICS_BINARY } from './prometheus';
export type {
  DockerSwarmSdConfig,
  FileSdConfig,
  PrometheusHandle,
  PrometheusTarget,
  QueryResult,
  RelabelConfig,
  ScrapeConfig,
  StartPrometheusOptions,
  StaticConfig,
  VectorSample,
  WaitForTargetsOptions,
} from './prometheus';
export { NODE_EXPORTER_BINARY, startNodeExporter } from './nodeExporter';
export type { NodeExporterHandle, StartNodeExporterOptions } from './nodeExporter';
export {
  EXPOSITION_CONTENT_TYPE,
  RECORDED_ENGINE_CAPTURES,
  startMetricsFileServer,
  startRecordedEngines,
} from './metricsFileServer';
export type { MetricsFileServer, StartMetricsFileServerOptions } from './metricsFileServer';
export { BUSYBOX_IMAGE, DOCKER_CLI, DOCKERD_BINARY, sampleValue, startSwarm, swarmNodesScrapeConfig } from './swarm';
export type {
  CreateServiceOptions,
  StartSwarmOptions,
  SwarmEngine,
  SwarmHandle,
  SwarmNodeInfo,
  SwarmRole,
} from './swarm';
export {
  GLUSTER_CLI,
  GLUSTER_HOST,
  GLUSTERD_BINARY,
  parseHealInfo,
  parseVolumeInfo,
  parseVolumeStatus,
  startGluster,
  waitForHealInfo,
} from './gluster';
export type {
  GlusterBrick,
  GlusterBrickStatus,
  GlusterHandle,
  GlusterHealBrick,
  GlusterVolumeInfo,
  GlusterVolumeStatus,
  StartGlusterOptions,
} from './gluster';
export { findNetnsProcesses, findOwnedProcesses, listProcesses, readProcess } from './cleanup';
export type { ProcessInfo } from './cleanup';
export { registry } from './registry';
export { faultNameOf, sendJson } from './http';
