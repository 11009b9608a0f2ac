/**
 * The bench's figures: their shape (also the shape of artifacts/bench.json), the statistics over runs,
 * and the plain-text tables printed to stdout.
 */
import type { Status } from '../src/model';
import type { Download } from './measureRefresh';

/** Median, min and max of a series of timings, in ms. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Everything measured for one simulated cluster size. */
export interface ClusterFigures {
  hosts: number;
  managers: number;
  simulated: { series: number; samples: number; openMetricsBytes: number };
  signals: number;
  queryChars: number;
  /** API requests Prometheus served while the real CLI ran one `status`. */
  queriesPerRefresh: number;
  cliExitCode: number;
  status: Status;
  components: Record<string, { status: Status; reason: string }>;
  planned: { bytes: number; gzipBytes: number; samples: number; encoding: string };
  /** Raw selectors (what a naive client fetches) and per-target expressions (no aggregation). */
  rawSeries: Download & { ratio: number; gzipRatio: number };
  perTarget: Download & { ratio: number; gzipRatio: number };
  timing: {
    warmups: number;
    runs: number;
    roundTripMs: Spread;
    jsonParseMs: Spread;
    parseResponseMs: Spread;
    evaluateMs: Spread;
    /** parseInstantResponse + evaluateCluster, per refresh. */
    modelMs: Spread;
    /** median model ÷ median round trip. */
    modelSharePercent: number;
  };
  phasesMs: {
    generate: number;
    promtool: number;
    start: number;
    check: number;
    refreshes: number;
    baselines: number;
    total: number;
  };
}

/** The middle value (mean of the two middle ones for an even count); NaN for no values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? NaN) + upper) / 2;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

type Align = 'left' | 'right';

/** A column: its title, how to align it, and how to render a row's cell. */
interface Column<Row> {
  title: string;
  align: Align;
  cell: (row: Row) => string;
}

/** Fixed-width plain text, columns separated by two spaces, numbers right-aligned. */
function renderTable<Row>(columns: Array<Column<Row>>, rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...cells.map((line) => (line[index] ?? '').length))
  );
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0;
    return columns[index]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const line = (texts: string[]) => texts.map(pad).join('  ').trimEnd();
  return [
    line(columns.map((column) => column.title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const times = (ratio: number) => `${ratio < 10 ? ratio.toFixed(1) : integer(ratio)}×`;
const right = <Row>(title: string, cell: (row: Row) => string): Column<Row> => ({ title, align: 'right', cell });

/** Table 1: what one refresh asks and downloads, against the two clients without aggregation. */
export function sizeTable(figures: ClusterFigures[]): string {
  return renderTable<ClusterFigures>(
    [
      right('hosts', (f) => integer(f.hosts)),
      right('series in TSDB', (f) => integer(f.simulated.series)),
      right('signals', (f) => String(f.signals)),
      right('query chars', (f) => integer(f.queryChars)),
      right('queries/refresh', (f) => String(f.queriesPerRefresh)),
      right('answer bytes', (f) => integer(f.planned.bytes)),
      right('raw series bytes (reqs)', (f) => `${integer(f.rawSeries.bytes)} (${f.rawSeries.requests})`),
      right('ratio', (f) => times(f.rawSeries.ratio)),
      right('per-target bytes (reqs)', (f) => `${integer(f.perTarget.bytes)} (${f.perTarget.requests})`),
      right('ratio', (f) => times(f.perTarget.ratio)),
      right('gzip: answer', (f) => integer(f.planned.gzipBytes)),
      right('raw', (f) => integer(f.rawSeries.gzipBytes)),
      right('ratio', (f) => times(f.rawSeries.gzipRatio)),
    ],
    figures
  );
}

/** Table 2: model time next to the Prometheus round trip (medians over the timed runs). */
export function timeTable(figures: ClusterFigures[]): string {
  return renderTable<ClusterFigures>(
    [
      right('hosts', (f) => integer(f.hosts)),
      right('round trip ms', (f) => ms(f.timing.roundTripMs.median)),
      right('(min–max)', (f) => `${ms(f.timing.roundTripMs.min)}–${ms(f.timing.roundTripMs.max)}`),
      right('model ms', (f) => ms(f.timing.modelMs.median)),
      right('parse ms', (f) => ms(f.timing.parseResponseMs.median)),
      right('evaluate ms', (f) => ms(f.timing.evaluateMs.median)),
      right('model share', (f) => `${f.timing.modelSharePercent.toPrecision(2)} %`),
      right('JSON.parse ms', (f) => ms(f.timing.jsonParseMs.median)),
      right('runs', (f) => String(f.timing.runs)),
      right('raw series ms', (f) => ms(f.rawSeries.roundTripMs)),
      { title: 'cluster', align: 'left', cell: (f) => `${f.status} (CLI exit ${f.cliExitCode})` },
    ],
    figures
  );
}

/** Table 3: where the bench's own time goes, per cluster size. */
export function phaseTable(figures: ClusterFigures[]): string {
  const seconds = (value: number) => (value / 1000).toFixed(1);
  return renderTable<ClusterFigures>(
    [
      right('hosts', (f) => integer(f.hosts)),
      right('samples', (f) => integer(f.simulated.samples)),
      right('OpenMetrics MB', (f) => (f.simulated.openMetricsBytes / 1e6).toFixed(1)),
      right('generate s', (f) => seconds(f.phasesMs.generate)),
      right('promtool s', (f) => seconds(f.phasesMs.promtool)),
      right('start s', (f) => seconds(f.phasesMs.start)),
      right('CLI check s', (f) => seconds(f.phasesMs.check)),
      right('refreshes s', (f) => seconds(f.phasesMs.refreshes)),
      right('baselines s', (f) => seconds(f.phasesMs.baselines)),
      right('total s', (f) => seconds(f.phasesMs.total)),
    ],
    figures
  );
}

/** One line per cluster size: every component's status, so a wrong simulation shows at a glance. */
export function statusLines(figures: ClusterFigures[]): string {
  return figures
    .map((f) => {
      const components = Object.entries(f.components)
        .map(([id, component]) => `${id} ${component.status}`)
        .join(', ');
      return `${integer(f.hosts).padStart(5)} hosts (${f.managers} managers): cluster ${f.status} – ${components}`;
    })
    .join('\n');
}
