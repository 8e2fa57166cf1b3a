import { spawn } from 'node:child_process';
import {
  EXIT_CODES,
  fixCommandLine,
  resolveConfigPath,
  toRedisUrl,
  AGENT_WEBHOOK_SECRET_ENV,
  type ExitCode,
  type FixTicketIntent,
} from '@agentsmith/contracts';
import { ConfigError, type Logger } from '@agentsmith/kit';
import { loadConfig, parseGithubRepositoryUrl, type AgentsmithConfig } from '@agentsmith/providers';
import { printError, printLine } from '../cli/terminal.js';
import type { LabeledIssue } from '../server/webhook-server.js';
import { WebhookServer } from '../server/webhook-server.js';
import { MemoryDeliveryLog, type DeliveryLog } from '../server/delivery-log.js';
import { RedisDeliveryLog } from '../server/redis-delivery-log.js';

export interface ServeWebhooksEnvironment {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Path of this CLI's script, to start each run as its own process. */
  argv0: string;
  /** Aborted on SIGTERM/SIGINT: stop accepting deliveries, let runs finish. */
  stopSignal: AbortSignal;
}

/**
 * `agentsmith --server [--port N]`: GitHub `issues.labeled` deliveries start headless runs of
 * this CLI, one process per run and one run per ticket at a time.
 */
export async function serveWebhooks(
  command: {
    port: number;
    configPath: string | undefined;
    redisUrl?: string | undefined;
    verbose: boolean;
  },
  environment: ServeWebhooksEnvironment,
): Promise<ExitCode> {
  const { env, logger } = environment;
  const secret = env[AGENT_WEBHOOK_SECRET_ENV];
  if (!secret) {
    printError('GITHUB_WEBHOOK_SECRET is not set: webhook mode verifies every delivery with it.');
    return EXIT_CODES.usage;
  }
  const configPath = resolveConfigPath(command.configPath, env);
  let config: AgentsmithConfig;
  try {
    config = await loadConfig(configPath, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printError(error.message);
    return EXIT_CODES.usage;
  }
  let deliveries: DeliveryLog;
  try {
    deliveries = command.redisUrl
      ? new RedisDeliveryLog(toRedisUrl(command.redisUrl))
      : new MemoryDeliveryLog();
  } catch (error) {
    printError(`--redis-url: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_CODES.usage;
  }
  const server = new WebhookServer({
    secret,
    deliveries,
    logger,
    resolve: (issue) => resolveWebhookProject(config, issue),
    startRun: (intent) => startRun(intent, configPath, command.verbose, environment),
  });
  const port = await server.listen(command.port);
  printLine(`Listening for GitHub webhooks on port ${port} (POST /webhook, GET /health)`);
  if (!command.redisUrl)
    printLine(
      'Delivery ids are remembered in memory only; add --redis-url to keep them across restarts',
    );
  await new Promise<void>((resolve) => {
    if (environment.stopSignal.aborted) resolve();
    environment.stopSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  printLine('Stopping: waiting for runs in progress');
  await server.close();
  return EXIT_CODES.success;
}

/**
 * The project a labelled issue belongs to: one whose GitHub tickets live in that repository and
 * whose `webhook.label` matches (case-insensitive). A project named like the repository is the
 * fallback for configurations that do not point at GitHub tickets.
 */
export function resolveWebhookProject(
  config: AgentsmithConfig,
  issue: LabeledIssue,
): FixTicketIntent | null {
  const entries = Object.entries(config.projects);
  const labelMatches = (label: string) => label.toLowerCase() === issue.label.toLowerCase();
  const byRepository = entries.find(([, project]) => {
    if (project.tickets.type !== 'github' || !labelMatches(project.webhook.label)) return false;
    const { owner, name } = parseGithubRepositoryUrl(project.tickets.url);
    return `${owner}/${name}`.toLowerCase() === issue.repository.toLowerCase();
  });
  const byName = entries.find(
    ([name, project]) =>
      name.toLowerCase() === issue.repositoryName.toLowerCase() &&
      labelMatches(project.webhook.label),
  );
  const match = byRepository ?? byName;
  return match ? { ticketId: String(issue.issueNumber), project: match[0] } : null;
}

function startRun(
  intent: FixTicketIntent,
  configPath: string,
  verbose: boolean,
  environment: ServeWebhooksEnvironment,
): Promise<number> {
  const args = [environment.argv0, '--headless', '--config', configPath];
  if (verbose) args.push('--verbose');
  args.push(fixCommandLine(intent));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: environment.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? EXIT_CODES.failed));
  });
}
