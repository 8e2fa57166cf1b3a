import {
  EXIT_CODES,
  jobSpecFromArguments,
  redactRedisAddress,
  resolveConfigSource,
  type ExitCode,
  type FixTicketIntent,
  type JobSpec,
} from '@agentsmith/contracts';
import {
  CancelledError,
  SecretSanitizer,
  secretValuesFromEnv,
  toAppError,
  type Logger,
} from '@agentsmith/kit';
import { loadConfigFrom, resolveProject } from '@agentsmith/providers';
import { formatDryRun } from '../cli/dry-run.js';
import { parseFixInput } from '../cli/parse-fix-input.js';
import type { RunOptions } from '../cli/parse-args.js';
import { missingCredentials } from '../cli/required-credentials.js';
import { runFixTicket, type RunResult } from '../pipeline/run-fix-ticket.js';
import { reportFailure } from './report-failure.js';
import { ConsoleReporter, type ConsoleSink } from '../progress/console-reporter.js';
import { FinalReportGuard } from '../progress/final-report-guard.js';
import type { ProgressReporter } from '../progress/progress-reporter.js';
import { RedisProgressReporter } from '../progress/redis-progress-reporter.js';
import { SanitizingReporter } from '../progress/sanitizing-reporter.js';
import { redisCredentialsFromEnv } from '../progress/redis-credentials.js';
import { stepsFor } from '../steps/step-registry.js';
import { ReplayReporter } from '../progress/replay-reporter.js';
import { SessionReplayer } from '../llm/index.js';
import { buildRunContext, type RunSessionOption } from './build-run-context.js';
import { bundledRecordingFile } from '../demo/demo-bundle.js';

/** Docker's `stop` waits 10 s before SIGKILL: report the cancellation well before that. */
const CANCEL_GRACE_MS = 8000;

/** What a one-shot run needs from the process (main.ts provides it). */
export interface TicketCommandEnvironment {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  sink: ConsoleSink;
  print: (line: string) => void;
  printError: (line: string) => void;
  /** Aborted by SIGTERM/SIGINT or a `Cancel` entry. */
  signal: AbortSignal;
  abort: (reason: unknown) => void;
  /** Receives the reporter as soon as it exists, so a crash handler can still report. */
  onReporter: (reporter: FinalReportGuard) => void;
  /** How long a cancelled run may take to wind down before it is reported anyway. */
  cancelGraceMs?: number;
}

/**
 * `agentsmith [options] "<input>"`: reports to the console or, in job mode, to Redis, and sends
 * a final `Done`/`Error` for every ending, including bad input and bad configuration.
 */
export async function runTicketCommand(
  given: RunOptions,
  environment: TicketCommandEnvironment,
): Promise<ExitCode> {
  const options = { ...given, session: given.session ?? jobReplay(given, environment.env) };
  let inner: ProgressReporter;
  if (options.job !== undefined) {
    try {
      inner = await RedisProgressReporter.connect({
        redisUrl: options.job.redisUrl,
        jobId: options.job.jobId,
        credentials: redisCredentialsFromEnv(environment.env),
        logger: environment.logger,
        onCancel: (requestedBy) =>
          environment.abort(
            new CancelledError(`Cancelled${requestedBy ? ` by ${requestedBy}` : ''}.`),
          ),
      });
    } catch (error) {
      environment.logger.error({ error }, 'cannot reach Redis for job mode');
      environment.printError(
        `Cannot reach Redis at ${redactRedisAddress(options.job.redisUrl)}: ${toAppError(error).message}`,
      );
      return EXIT_CODES.failed;
    }
  } else {
    inner = new ConsoleReporter({ sink: environment.sink, headless: options.headless });
  }
  const replay: { replayer?: SessionReplayer } = {};
  if (options.session?.mode === 'replay') {
    inner = new ReplayReporter(inner, options.session.file, () => replay.replayer?.remaining ?? 0);
  }
  // Test output, summaries and reasons reach Slack through the stream: scrubbed of secrets first.
  const sanitizer = new SecretSanitizer(secretValuesFromEnv(environment.env));
  const reporter = new FinalReportGuard(new SanitizingReporter(inner, sanitizer));
  environment.onReporter(reporter);
  try {
    return await execute(options, reporter, environment, replay);
  } catch (error) {
    return await reportFailure(reporter, error, environment);
  } finally {
    await reporter.close();
  }
}

async function execute(
  options: RunOptions,
  reporter: FinalReportGuard,
  environment: TicketCommandEnvironment,
  replay: { replayer?: SessionReplayer },
): Promise<ExitCode> {
  const { env } = environment;
  const logger = options.session
    ? environment.logger.child({ [options.session.mode]: options.session.file })
    : environment.logger;
  const started = Date.now();
  // In job mode the dispatcher's spec is checked first: another version ends here, with an Error.
  const job = options.job === undefined ? undefined : jobSpecFromArguments(options.job, env);
  const intent: FixTicketIntent = job?.intent ?? parseFixInput(options.input);
  const config = await loadConfigFrom(resolveConfigSource(options.configPath, env), env, {
    warn: (message) => logger.warn({ message }, 'configuration warning'),
  });
  const resolved = resolveProject(config, intent.project);

  if (options.dryRun) {
    const dryRun = formatDryRun(intent, resolved, missingCredentials(resolved.project, env));
    environment.print(dryRun);
    if (job !== undefined) {
      await reporter.done({ summary: dryRun, durationMs: Date.now() - started, changedFiles: [] });
    }
    return EXIT_CODES.success;
  }

  let session: RunSessionOption | undefined;
  if (options.session?.mode === 'replay') {
    replay.replayer = SessionReplayer.load(options.session.file);
    session = { mode: 'replay', replayer: replay.replayer };
    reporter.detail(
      `Replaying ${options.session.file} (${replay.replayer.recording.exchanges.length} recorded turns of ${replay.replayer.recording.header.model}); no model is called`,
    );
  } else if (options.session?.mode === 'record') {
    session = { mode: 'record', file: options.session.file };
  }
  const context = await buildRunContext({
    intent: { ticketId: intent.ticketId, project: resolved.name },
    ...(session ? { session } : {}),
    resolved,
    env,
    logger: logger.child({ project: resolved.name, ticket: intent.ticketId, ...jobFacts(job) }),
    reporter,
  });
  const run = runFixTicket(stepsFor(resolved.commands), context, environment.signal);
  const result = await Promise.race([
    run,
    forcedEnd(environment.signal, environment.cancelGraceMs ?? CANCEL_GRACE_MS),
  ]);
  if (result === 'forced') {
    logger.warn('the run did not stop in time after cancellation');
    const step = reporter.currentStep;
    await reporter.failed({
      step: step?.step ?? 0,
      total: step?.total ?? 0,
      stepName: step?.stepName ?? 'Setup',
      code: 'run_cancelled',
      reason: 'The run was cancelled.',
      outcome: 'cancelled',
    });
    return EXIT_CODES.cancelled;
  }
  return result.exitCode;
}

/**
 * A job whose spec names a bundled recording (`replay`, the demo on Docker) replays it. A spec
 * that does not parse replays nothing here; `execute` reports why it is refused.
 */
function jobReplay(options: RunOptions, env: NodeJS.ProcessEnv): RunOptions['session'] {
  if (options.job === undefined) return undefined;
  try {
    const { replay } = jobSpecFromArguments(options.job, env);
    return replay === undefined
      ? undefined
      : { mode: 'replay', file: bundledRecordingFile(replay) };
  } catch {
    return undefined;
  }
}

/** What the logs say about the job a run belongs to. */
function jobFacts(job: JobSpec | undefined): Record<string, unknown> {
  if (job === undefined) return {};
  const { jobId, platform, channelId, threadId, requestedBy, createdAt, maxDurationSeconds } = job;
  return { jobId, platform, channelId, threadId, requestedBy, createdAt, maxDurationSeconds };
}

/** Resolves `'forced'` once the signal has been aborted for `graceMs`. */
function forcedEnd(signal: AbortSignal, graceMs: number): Promise<RunResult | 'forced'> {
  return new Promise((resolve) => {
    const arm = () => setTimeout(() => resolve('forced'), graceMs).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}
