import { parseArgs } from 'node:util';
import {
  AGENT_CONFIG_PATH_ENV,
  AGENT_CONFIG_TEXT_ENV,
  AGENT_WORKDIR_ENV,
  JOB_SPEC_ENV,
} from './agent-environment.js';
import { AGENT_CONFIG_FILE, AGENT_WORKSPACE, type AgentConfigDelivery } from './config-location.js';
import { ContractError } from './contract-error.js';
import { FixTicketIntent, JobSpec, Platform } from './job-spec.js';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { JOB_ID_PATTERN } from './redis-keys.js';
import { toRedisUrl } from './redis-url.js';
import { ticketIdFromLabel, ticketLabel } from './ticket-label.js';

/**
 * The one grammar of the process boundary: a {@link JobSpec} becomes the agent container's
 * arguments plus a few environment variables, and the agent reads them back into the same spec.
 *
 * The arguments are fixed by the requirements (docs/architecture.md), exactly:
 * `--headless --job-id <id> --redis-url <url> --platform <p> --channel-id <c> "fix #58 in <project>"`.
 * Everything else of the spec (its version, creation time, deadline, thread and requester)
 * travels in {@link JOB_SPEC_ENV}, so the argument list never changes.
 */

/** The job-mode options, as `node:util` `parseArgs` reads them (the agent adds its own). */
export const JOB_ARGUMENT_OPTIONS = {
  headless: { type: 'boolean', default: false },
  'job-id': { type: 'string' },
  'redis-url': { type: 'string' },
  platform: { type: 'string' },
  'channel-id': { type: 'string' },
} as const;

/** The job-mode option values as `parseArgs` returns them. */
export interface JobOptionValues {
  'job-id'?: string | undefined;
  'redis-url'?: string | undefined;
  platform?: string | undefined;
  'channel-id'?: string | undefined;
}

/** What the argument list carries: the spec without the environment half. */
export type JobArguments = Pick<
  JobSpec,
  'jobId' | 'redisUrl' | 'platform' | 'channelId' | 'intent'
>;

/** The agent's input line for an intent, as the requirements write it: `fix #58 in agent-smith-test`. */
export function fixCommandLine(intent: FixTicketIntent): string {
  return `fix ${ticketLabel(intent.ticketId)} in ${intent.project}`;
}

const FIX_LINE = /^fix (\S+) in (\S+)$/;

/** Reads a line written by {@link fixCommandLine}; undefined for any other line. */
export function parseFixCommandLine(line: string): FixTicketIntent | undefined {
  const match = FIX_LINE.exec(line.trim());
  if (!match) return undefined;
  const parsed = FixTicketIntent.safeParse({
    ticketId: ticketIdFromLabel(match[1] ?? ''),
    project: match[2],
  });
  return parsed.success ? parsed.data : undefined;
}

/** The agent container's arguments, identical for the Docker container and the Kubernetes Job. */
export function agentArguments(spec: JobSpec): string[] {
  return [
    '--headless',
    '--job-id',
    spec.jobId,
    '--redis-url',
    spec.redisUrl,
    '--platform',
    spec.platform,
    '--channel-id',
    spec.channelId,
    fixCommandLine(spec.intent),
  ];
}

/** The environment half of the spec, set by both spawners next to the arguments. */
export function agentJobEnvironment(spec: JobSpec): Record<string, string> {
  return {
    [JOB_SPEC_ENV.specificationVersion]: String(spec.specificationVersion),
    [JOB_SPEC_ENV.createdAt]: String(spec.createdAt),
    [JOB_SPEC_ENV.maxDurationSeconds]: String(spec.maxDurationSeconds),
    ...(spec.threadId === undefined ? {} : { [JOB_SPEC_ENV.threadId]: spec.threadId }),
    ...(spec.requestedBy === undefined ? {} : { [JOB_SPEC_ENV.requestedBy]: spec.requestedBy }),
    ...(spec.replay === undefined ? {} : { [JOB_SPEC_ENV.replay]: spec.replay }),
  };
}

/**
 * Everything a spawner sets in the agent container's environment besides the forwarded
 * credentials: the spec's environment half, the workspace, and where the configuration is (its
 * text, or the file the spawner delivers) when there is one. Docker and Kubernetes set exactly this.
 */
export function agentContainerEnvironment(
  spec: JobSpec,
  config: AgentConfigDelivery | undefined,
): Record<string, string> {
  return {
    ...agentJobEnvironment(spec),
    [AGENT_WORKDIR_ENV]: AGENT_WORKSPACE,
    ...(config?.as === 'file' ? { [AGENT_CONFIG_PATH_ENV]: AGENT_CONFIG_FILE } : {}),
    ...(config?.as === 'text' ? { [AGENT_CONFIG_TEXT_ENV]: config.text } : {}),
  };
}

/**
 * Checks the job-mode options and the input line of a command line that asked for job mode
 * (`--job-id`). Throws a {@link ContractError} coded `usage_invalid_input` naming what is wrong.
 */
export function jobArgumentsFromOptions(values: JobOptionValues, input: string): JobArguments {
  const missing = (['job-id', 'redis-url', 'platform', 'channel-id'] as const).filter(
    (name) => !values[name]?.trim(),
  );
  if (missing.length > 0) {
    throw usage(`job mode needs ${missing.map((name) => `--${name}`).join(', ')}`);
  }
  const jobId = values['job-id'] ?? '';
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw usage(`--job-id "${jobId}" is not a job id (12 lower-case hex characters)`);
  }
  const redisUrl = (values['redis-url'] ?? '').trim();
  toRedisUrl(redisUrl);
  const platform = Platform.safeParse(values.platform);
  if (!platform.success) {
    throw usage(`--platform "${values.platform}" is not one of ${Platform.options.join(', ')}`);
  }
  const channelId = (values['channel-id'] ?? '').trim();
  const intent = parseFixCommandLine(input);
  if (!intent) {
    throw usage(
      `Could not understand "${input}": job mode takes the line the dispatcher writes, e.g. "fix #58 in my-project"`,
    );
  }
  return { jobId, redisUrl, platform: platform.data, channelId, intent };
}

/**
 * Completes the spec from the environment half. Throws a {@link ContractError} coded
 * `protocol_version_unsupported` that names both versions when the dispatcher that wrote the
 * spec speaks another version than this agent, and `usage_invalid_input` for a malformed value.
 */
export function jobSpecFromArguments(
  args: JobArguments,
  env: Readonly<Record<string, string | undefined>>,
): JobSpec {
  const read = (name: string) => env[name]?.trim() || undefined;
  const version = read(JOB_SPEC_ENV.specificationVersion);
  if (version !== String(PROTOCOL_VERSION)) {
    const met =
      version === undefined
        ? `No ${JOB_SPEC_ENV.specificationVersion} was set, so the dispatcher predates job spec version 2`
        : `The dispatcher sent job spec version ${version}`;
    throw new ContractError(
      'protocol_version_unsupported',
      `${met}, but this agent reads job spec version ${PROTOCOL_VERSION}: run a dispatcher and an agent image of the same release.`,
    );
  }
  const candidate = {
    ...args,
    specificationVersion: PROTOCOL_VERSION,
    createdAt: wholeNumber(read(JOB_SPEC_ENV.createdAt), JOB_SPEC_ENV.createdAt),
    maxDurationSeconds: wholeNumber(
      read(JOB_SPEC_ENV.maxDurationSeconds),
      JOB_SPEC_ENV.maxDurationSeconds,
    ),
    threadId: read(JOB_SPEC_ENV.threadId),
    requestedBy: read(JOB_SPEC_ENV.requestedBy),
    replay: read(JOB_SPEC_ENV.replay),
  };
  const parsed = JobSpec.safeParse(candidate);
  if (!parsed.success) {
    throw usage(
      `the job spec is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return stripUndefined(parsed.data);
}

/** Reads exactly what {@link agentArguments} and {@link agentJobEnvironment} wrote. */
export function parseAgentArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): JobSpec {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: JOB_ARGUMENT_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  if (parsed.positionals.length !== 1) throw usage('give exactly one input line');
  return jobSpecFromArguments(
    jobArgumentsFromOptions(parsed.values, parsed.positionals[0] ?? ''),
    env,
  );
}

/**
 * Finds `--job-id` and `--redis-url` however broken the rest of the command line is, so that a
 * command line that does not parse can still be answered with an `Error` entry.
 */
export function findJobAddress(argv: readonly string[]): {
  jobId: string | undefined;
  redisUrl: string | undefined;
} {
  const valueOf = (name: string): string | undefined => {
    for (let index = 0; index < argv.length; index += 1) {
      const word = argv[index] ?? '';
      if (word === name) return argv[index + 1];
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
    return undefined;
  };
  return {
    jobId: valueOf('--job-id') || undefined,
    redisUrl: valueOf('--redis-url') || undefined,
  };
}

function wholeNumber(raw: string | undefined, name: string): number {
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw usage(`${name} must be a whole number, not ${JSON.stringify(raw ?? '(unset)')}`);
  }
  return Number(raw);
}

function stripUndefined(spec: JobSpec): JobSpec {
  return Object.fromEntries(
    Object.entries(spec).filter(([, value]) => value !== undefined),
  ) as JobSpec;
}

function usage(message: string): ContractError {
  return new ContractError('usage_invalid_input', message);
}
