#!/usr/bin/env node
import {
  EXIT_CODES,
  findJobAddress,
  AGENT_LOG_LEVEL_ENV,
  type ExitCode,
} from '@agentsmith/contracts';
import {
  CancelledError,
  createLogger,
  SecretSanitizer,
  secretValuesFromEnv,
  toAppError,
  type Logger,
} from '@agentsmith/kit';
import { parseCliArgs, USAGE, type CliCommand } from './cli/parse-args.js';
import { printError, printLine, terminalSink } from './cli/terminal.js';
import { validateConfigCommand } from './composition/validate-config-command.js';
import { reportFailure } from './composition/report-failure.js';
import { runTicketCommand } from './composition/run-ticket-command.js';
import { serveWebhooks } from './composition/serve-webhooks.js';
import type { FinalReportGuard } from './progress/final-report-guard.js';
import { RedisProgressReporter } from './progress/redis-progress-reporter.js';
import { redisCredentialsFromEnv } from './progress/redis-credentials.js';

/**
 * The agent's composition root: reads the environment (credentials, paths), parses the command
 * line and runs one command. Logs are JSON on stderr; stdout is the user's display.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<ExitCode> {
  const sanitizer = new SecretSanitizer(secretValuesFromEnv(env));
  const verbose = argv.includes('--verbose');
  const jobMode = findJobAddress(argv).jobId !== undefined;
  const logger = createLogger({
    name: 'agentsmith',
    level: verbose
      ? 'debug'
      : ((env[AGENT_LOG_LEVEL_ENV] as 'info' | undefined) ?? (jobMode ? 'info' : 'warn')),
    sanitizer,
    destination: process.stderr,
  });

  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    printError(`${toAppError(error).message}\n\n${USAGE}`);
    await reportUsageErrorInJobMode(argv, error, logger, env);
    return EXIT_CODES.usage;
  }

  switch (command.kind) {
    case 'help':
      printLine(USAGE);
      return EXIT_CODES.success;
    case 'config-validate':
      return validateConfigCommand(command.configPath, env, { print: printLine, printError });
    case 'doctor': {
      const { runAgentDoctor } = await import('./doctor/run-doctor.js');
      return runAgentDoctor(env, {
        ...command,
        baseDir: process.cwd(),
        print: printLine,
        sanitize: (text) => sanitizer.sanitize(text),
      });
    }
    case 'server':
      return serveWebhooks(command, {
        env,
        logger,
        argv0: process.argv[1] ?? 'agentsmith',
        stopSignal: stopSignal(),
      });
    case 'run':
    case 'demo':
      return runWithSignals(command, env, logger);
  }
}

async function runWithSignals(
  command: Extract<CliCommand, { kind: 'run' | 'demo' }>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ExitCode> {
  const controller = new AbortController();
  let reporter: FinalReportGuard | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": skip the clean wind-down.
    if (controller.signal.aborted) process.exit(EXIT_CODES.cancelled);
    logger.warn({ signal }, 'stopping on signal');
    controller.abort(new CancelledError(`Stopped by ${signal}.`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const onCrash = (error: unknown) => {
    logger.error({ error }, 'agent crashed');
    const report = reporter
      ? reportFailure(reporter, error, {
          logger,
          signal: controller.signal,
          currentStep: reporter.currentStep,
        }).then(() => reporter?.close())
      : Promise.resolve();
    void report.finally(() => process.exit(EXIT_CODES.failed));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const environment = {
    env,
    logger,
    sink: terminalSink(),
    print: printLine,
    printError,
    signal: controller.signal,
    abort: (reason: unknown) => controller.abort(reason),
    onReporter: (created: FinalReportGuard) => {
      reporter = created;
    },
  };
  if (command.kind === 'demo') {
    const { runDemo } = await import('./demo/run-demo.js');
    return runDemo({ ...environment, verbose: command.verbose });
  }
  return runTicketCommand(command.options, environment);
}

/** Publishes an `Error` entry for a command line that does not parse, when job mode was asked. */
async function reportUsageErrorInJobMode(
  argv: string[],
  error: unknown,
  logger: Logger,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { jobId, redisUrl } = findJobAddress(argv);
  if (jobId === undefined || redisUrl === undefined) return;
  try {
    const reporter = await RedisProgressReporter.connect({
      redisUrl,
      jobId,
      credentials: redisCredentialsFromEnv(env),
      logger,
      onCancel: () => undefined,
    });
    await reportFailure(reporter, error, { logger, signal: new AbortController().signal });
    await reporter.close();
  } catch (publishError) {
    logger.error({ error: publishError }, 'could not publish the usage error');
  }
}

/** Aborted on SIGTERM or SIGINT (server mode stops accepting work and drains). */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new CancelledError('stopping'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return controller.signal;
}

const exitCode = await main(process.argv.slice(2), process.env);
process.exit(exitCode);
