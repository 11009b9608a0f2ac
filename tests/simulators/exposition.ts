/**
 * Prometheus text exposition (format 0.0.4) as the Go client library (client_golang + expfmt) writes it,
 * for simulated exporters: families sorted by name, each with `# HELP` and `# TYPE`, series sorted by label
 * values, label names sorted, empty label values written out (`encryption=""`, which Prometheus drops on
 * ingestion), numbers formatted like Go's `strconv.FormatFloat(v, 'g', -1, 64)`, and – like
 * `prometheus.Gatherer` – a series collected twice fails the whole scrape with HTTP 500 instead of
 * producing a document.
 *
 * Pure functions only: no I/O, no clock. `parseExposition` reads such a document back (tests use it to
 * compare what Prometheus stored with what was served).
 */

export type MetricType = 'gauge' | 'counter' | 'untyped';

/** What an exporter declares for a metric name: its help string and type, verbatim from its source. */
export interface MetricDescriptor {
  help: string;
  type: MetricType;
}

export type Labels = Record<string, string>;

export interface SeriesValue {
  labels?: Labels;
  value: number;
  /** Explicit sample timestamp (ms since the epoch), written after the value; most exporters have none. */
  timestampMs?: number;
}

/** One collected sample, in collection order, like `ch <- prometheus.MustNewConstMetric(...)`. */
export interface Collected extends SeriesValue {
  name: string;
}

/**
 * What a scrape of the exporter answers: the document, or the error page of promhttp's default handler
 * (`HandlerOpts{ErrorHandling: HTTPErrorOnError}`), which Prometheus records as a failed scrape (`up == 0`).
 */
export type ScrapeAnswer = { ok: true; status: 200; body: string } | { ok: false; status: number; body: string };

/** Thrown by the `…Exposition` helpers when the simulated exporter would not answer with a document. */
export class ScrapeFailure extends Error {
  constructor(readonly answer: Extract<ScrapeAnswer, { ok: false }>) {
    super(`the exporter answers HTTP ${answer.status}: ${answer.body.trim()}`);
    this.name = 'ScrapeFailure';
  }
}

/** The document of a successful answer; throws `ScrapeFailure` for a failed one. */
export function bodyOf(answer: ScrapeAnswer): string {
  if (!answer.ok) {
    throw new ScrapeFailure(answer);
  }
  return answer.body;
}

/** The answer of an exporter that cannot be reached at all would be no answer; this is an HTTP error. */
export function httpError(status: number, message: string): ScrapeAnswer {
  return { ok: false, status, body: `${message}\n` };
}

/** Go's `strconv.FormatFloat(value, 'g', -1, 64)` as expfmt uses it (`1e+06`, `0.5`, `NaN`, `+Inf`). */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // Shortest representation: %e when the exponent is < -4 or >= 6 (Go's eprec for the shortest form).
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** expfmt's escaping of label values: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** expfmt's escaping of help strings: backslash and newline (quotes stay as they are). */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function sortedLabelNames(labels: Labels | undefined): string[] {
  return Object.keys(labels ?? {}).sort();
}

/** `{a="1",b=""}` with sorted names, or '' without labels. */
export function renderLabels(labels: Labels | undefined): string {
  const names = sortedLabelNames(labels);
  if (names.length === 0) {
    return '';
  }
  return `{${names.map((name) => `${name}="${escapeLabelValue(labels?.[name] ?? '')}"`).join(',')}}`;
}

/** client_golang sorts the metrics of a family by their label values, label name by label name. */
function compareSeries(a: SeriesValue, b: SeriesValue): number {
  const names = sortedLabelNames(a.labels);
  for (const name of names) {
    const left = a.labels?.[name] ?? '';
    const right = b.labels?.[name] ?? '';
    if (left !== right) {
      return left < right ? -1 : 1;
    }
  }
  return 0;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Gathers collected samples into an exposition, as `prometheus.Gatherer` + `expfmt` do for const
 * metrics. Every sample's name must have a descriptor with the same label names for all its series
 * (a programming error otherwise: thrown). A series collected twice is what client_golang reports as
 * "was collected before with the same name and label values": the scrape fails with HTTP 500.
 */
export function gather(descriptors: Record<string, MetricDescriptor>, collected: Collected[]): ScrapeAnswer {
  const families = new Map<string, SeriesValue[]>();
  const seen = new Set<string>();
  for (const sample of collected) {
    const descriptor = descriptors[sample.name];
    if (!descriptor || !METRIC_NAME.test(sample.name)) {
      throw new Error(`no descriptor for metric ${JSON.stringify(sample.name)}`);
    }
    for (const name of sortedLabelNames(sample.labels)) {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) {
        throw new Error(`${sample.name}: invalid label name ${JSON.stringify(name)}`);
      }
    }
    const family = families.get(sample.name) ?? [];
    const first = family[0];
    if (first && sortedLabelNames(first.labels).join(',') !== sortedLabelNames(sample.labels).join(',')) {
      throw new Error(`${sample.name}: inconsistent label names`);
    }
    const key = `${sample.name}${renderLabels(sample.labels)}`;
    if (seen.has(key)) {
      const labels = sortedLabelNames(sample.labels)
        .map((name) => `label:<name:"${name}" value:"${sample.labels?.[name] ?? ''}" > `)
        .join('');
      return {
        ok: false,
        status: 500,
        body:
          'An error has occurred while serving metrics:\n\n' +
          `collected metric "${sample.name}" { ${labels}${descriptor.type}:<value:${formatGoFloat(sample.value)} > } ` +
          'was collected before with the same name and label values\n',
      };
    }
    seen.add(key);
    family.push({ labels: sample.labels, value: sample.value, timestampMs: sample.timestampMs });
    families.set(sample.name, family);
  }
  const lines: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const descriptor = descriptors[name];
    const series = families.get(name) ?? [];
    if (!descriptor || series.length === 0) {
      continue;
    }
    lines.push(`# HELP ${name} ${escapeHelp(descriptor.help)}`);
    lines.push(`# TYPE ${name} ${descriptor.type}`);
    for (const sample of [...series].sort(compareSeries)) {
      const timestamp = sample.timestampMs === undefined ? '' : ` ${Math.round(sample.timestampMs)}`;
      lines.push(`${name}${renderLabels(sample.labels)} ${formatGoFloat(sample.value)}${timestamp}`);
    }
  }
  return { ok: true, status: 200, body: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
}

/** A sample read back from an exposition. */
export interface ParsedSample {
  name: string;
  labels: Labels;
  value: number;
  /** The sample's explicit timestamp (ms), when it has one. */
  timestampMs?: number;
}

export interface ParsedExposition {
  help: Map<string, string>;
  type: Map<string, MetricType>;
  samples: ParsedSample[];
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(quotes ? /\\(["\\n])/g : /\\([\\n])/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  if (text === 'NaN') {
    return NaN;
  }
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    throw new Error(`not a sample value: ${JSON.stringify(text)}`);
  }
  return value;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

/**
 * A strict reader of the text format, enough for the documents `gather` writes (and for Prometheus'
 * rules: a `# TYPE` before the family's samples, one family in one block). Throws on anything else.
 * Empty label values are kept (Prometheus drops them on ingestion: see `ingestedLabels`).
 */
export function parseExposition(text: string): ParsedExposition {
  const help = new Map<string, string>();
  const type = new Map<string, MetricType>();
  const samples: ParsedSample[] = [];
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n');
  /** A family's lines must be contiguous: entering one closes the previous, and none may open twice. */
  const enterFamily = (name: string, where: string) => {
    if (name === current) {
      return;
    }
    if (current !== undefined) {
      closed.add(current);
    }
    if (closed.has(name)) {
      throw new Error(`${where}: family ${name} appears twice`);
    }
    current = name;
  };
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === '') {
      return;
    }
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name = '', rest = ''] = comment;
      enterFamily(name, where);
      if (kind === 'HELP') {
        help.set(name, unescape(rest, false));
      } else {
        if (!['gauge', 'counter', 'untyped', 'summary', 'histogram'].includes(rest)) {
          throw new Error(`${where}: unknown type ${rest}`);
        }
        type.set(name, rest as MetricType);
      }
      return;
    }
    if (line.startsWith('#')) {
      return;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match) {
      throw new Error(`${where}: not a sample: ${line}`);
    }
    const [, name = '', labelText = '', valueText = '', timestampText] = match;
    enterFamily(name, where);
    const labels: Labels = {};
    LABEL_PAIR.lastIndex = 0;
    while (LABEL_PAIR.lastIndex < labelText.length) {
      const start = LABEL_PAIR.lastIndex;
      const pair = LABEL_PAIR.exec(labelText);
      if (!pair || pair.index !== start) {
        throw new Error(`${where}: bad labels: {${labelText}}`);
      }
      const [, labelName = '', labelValue = ''] = pair;
      if (labelName in labels) {
        throw new Error(`${where}: label ${labelName} twice`);
      }
      labels[labelName] = unescape(labelValue, true);
    }
    samples.push({
      name,
      labels,
      value: parseValue(valueText),
      ...(timestampText === undefined ? {} : { timestampMs: Number(timestampText) }),
    });
  });
  return { help, type, samples };
}

/** The labels Prometheus stores for a scraped sample: empty values dropped, `job` and `instance` added. */
export function ingestedLabels(sample: ParsedSample, target: { job: string; instance: string }): Labels {
  const labels: Labels = { __name__: sample.name };
  for (const [name, value] of Object.entries(sample.labels)) {
    if (value !== '') {
      labels[name] = value;
    }
  }
  return { ...labels, job: target.job, instance: target.instance };
}
