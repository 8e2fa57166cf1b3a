import { parseArgs } from 'node:util';
import {
  AGENT_CONFIG_PATH_ENV,
  AGENT_CONFIG_TEXT_ENV,
  DEFAULT_CONFIG_PATH,
  JOB_ARGUMENT_OPTIONS,
  jobArgumentsFromOptions,
  type JobArguments,
  type JobOptionValues,
} from '@agentsmith/contracts';
import { AppError, parseDuration, toAppError } from '@agentsmith/kit';

/** Options of a one-shot run (`agentsmith [options] "<input>"`). */
export interface RunOptions {
  input: string;
  configPath: string | undefined;
  dryRun: boolean;
  headless: boolean;
  /** Job mode (`--job-id` …): the argv half of the job spec, read by the contract's grammar. */
  job: JobArguments | undefined;
  verbose: boolean;
  /** `--record FILE` / `--replay FILE`: the run's model session is written to or read from FILE. */
  session?: { mode: 'record' | 'replay'; file: string } | undefined;
}

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'run'; options: RunOptions }
  | {
      kind: 'server';
      port: number;
      configPath: string | undefined;
      /** Where handled delivery ids are remembered; in memory when absent. */
      redisUrl: string | undefined;
      verbose: boolean;
      headless: boolean;
    }
  | { kind: 'config-validate'; configPath: string | undefined }
  /** `agentsmith doctor`: every connection and permission, one line each (docs/doctor.md). */
  | { kind: 'doctor'; configPath: string | undefined; timeoutMs: number }
  | { kind: 'demo'; verbose: boolean }
  | { kind: 'help' };

export const USAGE = `Usage:
  agentsmith [options] "<input>"        e.g. agentsmith "fix #58 in my-project"
  agentsmith config validate [--config <path>]
  agentsmith doctor [--config <path>] [--timeout 10s]   check every connection and permission
  agentsmith demo                       a replayed run on a sample repository: no account needed
  agentsmith --server [--port N] [--redis-url <url>]

Options:
  --config <path>     configuration file (default: the text in $${AGENT_CONFIG_TEXT_ENV}, else the
                      file $${AGENT_CONFIG_PATH_ENV}, else ${DEFAULT_CONFIG_PATH})
  --dry-run           print the project, ticket, pipeline and steps; change nothing
  --headless          no prompts; approvals take their configured default
  --job-id <id>       job mode: report to Redis stream job:<id>:out, read job:<id>:in
                      (needs --redis-url, --platform, --channel-id and "fix #<n> in <project>")
  --redis-url <url>   host:port or redis://[user:pass@]host:port[/db]
  --platform <name>   slack | teams | cli (recorded on the job)
  --channel-id <id>   recorded on the job
  --record <file>     write every model exchange of the run to <file> (docs/recordings.md)
  --replay <file>     answer the model calls from a recording; no model or API key is used
  --verbose           debug logs
  --server            webhook mode (GitHub issues.labeled, signature-checked)
  --port <n>          webhook port (default 8080)
                      with --server, --redis-url remembers delivery ids (replays refused)
  --help              this text`;

const OPTIONS = {
  ...JOB_ARGUMENT_OPTIONS,
  config: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  record: { type: 'string' },
  replay: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  server: { type: 'boolean', default: false },
  port: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Parses the agent's command line; throws `AppError('usage_invalid_input')` on bad usage. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };

  if (positionals[0] === 'config') {
    if (positionals[1] !== 'validate' || positionals.length > 2) {
      throw usage('the config command takes one sub-command: config validate');
    }
    return { kind: 'config-validate', configPath: values.config };
  }
  if (positionals[0] === 'doctor') {
    if (positionals.length > 1)
      throw usage('doctor takes no input: agentsmith doctor [--config <path>]');
    return { kind: 'doctor', configPath: values.config, timeoutMs: parseTimeout(values.timeout) };
  }
  if (values.timeout !== undefined) throw usage('--timeout is only valid with doctor');
  if (positionals[0] === 'demo') {
    const extra = Object.entries(values).filter(
      ([name, value]) => name !== 'verbose' && value !== undefined && value !== false,
    );
    if (positionals.length > 1 || extra.length > 0) {
      throw usage('demo takes no input and no option but --verbose: agentsmith demo');
    }
    return { kind: 'demo', verbose: values.verbose };
  }
  if (values.record !== undefined && values.replay !== undefined) {
    throw usage('--record and --replay exclude each other: record a session, then replay it');
  }
  const session = modelSession(values.record, values.replay);
  if (values.server) {
    if (positionals.length > 0) throw usage('--server takes no input');
    if (session) throw usage(`--${session.mode} is only valid for a one-shot run, not --server`);
    return {
      kind: 'server',
      port: parsePort(values.port),
      configPath: values.config,
      redisUrl: values['redis-url'],
      verbose: values.verbose,
      headless: true,
    };
  }
  if (values.port !== undefined) throw usage('--port is only valid with --server');
  if (positionals.length !== 1 || !positionals[0]?.trim()) {
    throw usage('give exactly one input, quoted: agentsmith "fix #58 in my-project"');
  }
  return {
    kind: 'run',
    options: {
      input: positionals[0],
      configPath: values.config,
      dryRun: values['dry-run'],
      headless: values.headless,
      job: jobMode(values, positionals[0]),
      verbose: values.verbose,
      session,
    },
  };
}

function modelSession(
  record: string | undefined,
  replay: string | undefined,
): RunOptions['session'] {
  for (const [mode, file] of [
    ['record', record],
    ['replay', replay],
  ] as const) {
    if (file === undefined) continue;
    if (!file.trim()) throw usage(`--${mode} needs a file name`);
    return { mode, file };
  }
  return undefined;
}

/** The job-mode options, when any was given; they are all-or-nothing. */
function jobMode(values: JobOptionValues, input: string): JobArguments | undefined {
  const given = [values['job-id'], values['redis-url'], values.platform, values['channel-id']];
  if (given.every((value) => value === undefined)) return undefined;
  try {
    return jobArgumentsFromOptions(values, input);
  } catch (error) {
    throw toAppError(error);
  }
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usage(`--port must be a number from 0 to 65535, not "${raw}"`);
  }
  return port;
}

/** A check's time limit in doctor (default 10 s). */
function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 10_000;
  let ms = 0;
  try {
    ms = parseDuration(raw);
  } catch {
    // reported below
  }
  if (!(ms > 0)) throw usage(`--timeout must be a duration such as 10s or 500ms, not "${raw}"`);
  return ms;
}

function usage(problem: string): AppError {
  return new AppError('usage_invalid_input', problem);
}
