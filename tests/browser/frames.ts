import type { DataFrameDTO } from '@grafana/data';

/** Rows of a DataFrameDTO as objects keyed by field name. */
export function rows(frame: DataFrameDTO | undefined): Array<Record<string, unknown>> {
  if (!frame) {
    return [];
  }
  const length = Math.max(0, ...frame.fields.map((f) => (f.values as unknown[] | undefined)?.length ?? 0));
  return Array.from({ length }, (_, row) =>
    Object.fromEntries(frame.fields.map((f) => [f.name, (f.values as unknown[] | undefined)?.[row]]))
  );
}

/** The frame of that name, or a failure that lists the names there are. */
export function frameNamed(frames: DataFrameDTO[], name: string): DataFrameDTO {
  const frame = frames.find((f) => f.name === name);
  if (!frame) {
    throw new Error(`no frame ${name} in ${JSON.stringify(frames.map((f) => f.name))}`);
  }
  return frame;
}

export { CALM_HOSTS } from '../calmHosts';
