/**
 * Preset parameters that put every host threshold out of reach. The tests judge the cluster under test,
 * not the machine that runs them: its CPU and load (busy CI), and its disk, memory and swap (a shared disk
 * whose free space moves with other tenants) must never colour the light. Tests of the host checks
 * themselves set their own thresholds.
 */
export const CALM_HOSTS: Readonly<Record<string, string>> = {
  cpuWarning: '101',
  cpuCritical: '101',
  loadPerCoreWarning: '1000',
  loadPerCoreCritical: '1000',
  memoryWarning: '101',
  memoryCritical: '101',
  diskWarning: '101',
  diskCritical: '101',
  swapWarning: '101',
  swapCritical: '101',
};

/** The same as CLI arguments: `--param key=value` for each, plus `extra` parameters. */
export function calmHostArgs(extra: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries({ ...CALM_HOSTS, ...extra }).flatMap(([key, value]) => ['--param', `${key}=${value}`]);
}
