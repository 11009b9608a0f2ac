import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  STATUS_DISPLAY,
  buildPreset,
  evaluateCluster,
  evaluateUnobservable,
  formatValidationError,
  isPresetName,
  parseModelDocument,
  parsePresetParams,
  planQuery,
  PRESET_NAMES,
  type ClusterEvaluation,
  type ClusterModel,
} from '../model';
import { formatTable, toStatusJson } from './format';
import { lintDashboardsCommand } from './lintDashboards';
import { queryInstant } from './prometheus';

/** Exit codes of the Nagios/Icinga plugin convention, so `panopticon status` works as a check command. */
export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const USAGE = `Usage:
  panopticon status --prometheus URL (--preset NAME [--param key=value]... | --model FILE)
                    [--time UNIX|RFC3339] [--timeout SECONDS (default 30)] [--json]
  panopticon validate FILE
  panopticon lint-dashboards PATH... [--prometheus URL] [--time UNIX|RFC3339] [--json]
  panopticon help

Presets: ${PRESET_NAMES.join(', ')}.
Exit codes (status): 0 ok, 1 warning, 2 critical, 3 unknown (also for usage errors and unreachable Prometheus).
Exit codes (validate): 0 valid, 1 invalid, 3 unreadable.
Exit codes (lint-dashboards): 0 no findings, 1 findings, 3 could not run (usage, unreadable or
  non-dashboard file, Prometheus unreachable).
`;

/** A failure to report in words with an exit code; never a stack trace. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.unknown
  ) {
    super(message);
  }
}

/**
 * `--time`: Unix seconds (fractions allowed) or RFC 3339. Returns Unix milliseconds.
 * Bare dates or local times are refused: the instant must be unambiguous.
 */
export function parseTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) {
      return ms;
    }
  }
  throw new CliError(`--time: expected Unix seconds or RFC 3339 (2026-12-04T16:00:00Z), got ${JSON.stringify(text)}`);
}

function parseParams(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new CliError(`--param: expected key=value, got ${JSON.stringify(pair)}`);
    }
    params[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return params;
}

async function readModelFile(path: string): Promise<ClusterModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read model ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { model, errors } = parseModelDocument(text);
  if (!model) {
    throw new CliError(`invalid model ${path}:\n${errors.map((e) => `  ${formatValidationError(e)}`).join('\n')}`);
  }
  return model;
}

function presetModel(name: string, pairs: string[]): ClusterModel {
  if (!isPresetName(name)) {
    throw new CliError(`--preset: unknown preset ${JSON.stringify(name)} (known: ${PRESET_NAMES.join(', ')})`);
  }
  const parsed = parsePresetParams(parseParams(pairs));
  if (!parsed.params) {
    throw new CliError(parsed.errors.map((error) => `--param ${error}`).join('\n'));
  }
  return buildPreset(name, parsed.params);
}

async function status(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      prometheus: { type: 'string' },
      preset: { type: 'string' },
      param: { type: 'string', multiple: true },
      model: { type: 'string' },
      time: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.prometheus) {
    throw new CliError('status: --prometheus URL is required');
  }
  if (!/^https?:\/\//.test(values.prometheus)) {
    throw new CliError(`--prometheus: expected an http(s) URL, got ${JSON.stringify(values.prometheus)}`);
  }
  if (Boolean(values.preset) === Boolean(values.model)) {
    throw new CliError('status: give exactly one of --preset NAME or --model FILE');
  }
  if (values.param && !values.preset) {
    throw new CliError('--param only applies to --preset');
  }
  // A large cluster keeps Prometheus busy for seconds (npm run bench: ~5 s at 3,000 hosts).
  const timeoutSeconds = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new CliError(`--timeout: expected a positive number of seconds, got ${JSON.stringify(values.timeout)}`);
  }
  const model = values.model ? await readModelFile(values.model) : presetModel(values.preset ?? '', values.param ?? []);
  const now = values.time === undefined ? Date.now() : parseTime(values.time);

  const plan = planQuery(model);
  const answer = await queryInstant({
    prometheusUrl: values.prometheus,
    query: plan.query,
    time: now,
    timeoutMs: timeoutSeconds * 1000,
  });
  const evaluation: ClusterEvaluation = answer.ok
    ? evaluateCluster({ model, samples: answer.samples, now })
    : evaluateUnobservable({ model, error: answer.error, now });
  if (!answer.ok) {
    io.stderr.write(`panopticon: ${answer.error}\n`);
  }
  io.stdout.write(values.json ? `${JSON.stringify(toStatusJson(evaluation), null, 2)}\n` : formatTable(evaluation));
  return STATUS_DISPLAY[evaluation.status].exitCode;
}

async function validate(args: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const path = positionals[0];
  if (positionals.length !== 1 || !path) {
    throw new CliError('validate: expected exactly one FILE');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { model, errors } = parseModelDocument(text);
  if (!model) {
    io.stdout.write(errors.map((error) => `${path}: ${formatValidationError(error)}\n`).join(''));
    return 1;
  }
  const plan = planQuery(model);
  io.stdout.write(
    `${path}: valid (${model.components.length} components, ${plan.signals.length} signals in one query)\n`
  );
  return 0;
}

/** Runs the CLI; resolves to the exit code and never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'status':
        return await status(rest, io);
      case 'validate':
        return await validate(rest, io);
      case 'lint-dashboards':
        return await lintDashboardsCommand(rest, io, { parseTime });
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return 0;
      default:
        throw new CliError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
    }
  } catch (error) {
    // Bad flags (from parseArgs) and our own CliErrors are the user's to fix: words, usage, exit 3.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`panopticon: ${message}\nRun 'panopticon help' for usage.\n`);
    return error instanceof CliError ? error.exitCode : EXIT.unknown;
  }
}
