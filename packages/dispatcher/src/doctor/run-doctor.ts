import {
  ConfigError,
  doctorExitCode,
  failed,
  formatCheckLine,
  formatCheckSummary,
  parseDuration,
  passed,
  runChecks,
  type CheckResult,
  type DoctorCheck,
} from '@agentsmith/kit';
import { loadConfig, type AgentsmithConfig } from '@agentsmith/providers';
import { loadDispatcherConfig, type DispatcherConfig } from '../config/dispatcher-config.js';
import { checkRedisAccess } from '../redis/redis-access-check.js';
import { dockerChecks } from './docker-checks.js';
import { kubernetesChecks } from './kubernetes-checks.js';
import { projectChecks } from './project-checks.js';
import { slackChecks } from './slack-checks.js';

/** How long one check may take before it is a FAIL line. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface DoctorIo {
  print: (line: string) => void;
  /** Redacts secret values from a line (the dispatcher's SecretSanitizer). */
  sanitize: (text: string) => string;
}

/** `doctor [--timeout 10s]`; anything else is a usage error. */
function timeoutOf(args: readonly string[]): number | string {
  if (args.length === 0) return DEFAULT_TIMEOUT_MS;
  if (args.length === 2 && args[0] === '--timeout') {
    try {
      const ms = parseDuration(args[1] ?? '');
      if (ms > 0) return ms;
    } catch {
      // reported below
    }
  }
  return 'usage: doctor [--timeout <duration, e.g. 10s>]';
}

function engineChecks(config: DispatcherConfig): DoctorCheck[] {
  const spawner = config.spawner;
  return spawner.type === 'docker'
    ? dockerChecks(spawner.docker)
    : kubernetesChecks(spawner.kubernetes, spawner.kubeconfig);
}

async function projectsOrProblems(
  config: DispatcherConfig,
  env: NodeJS.ProcessEnv,
): Promise<{ projects?: AgentsmithConfig; line: CheckResult }> {
  const what = 'Projects file';
  try {
    const projects = await loadConfig(config.configPath, env);
    const names = Object.keys(projects.projects);
    return {
      projects,
      line: passed(what, `${config.configPath}: ${names.length} project(s): ${names.join(', ')}`),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      line: failed(
        what,
        error.problems.join('; '),
        `fix ${config.configPath} (AGENTSMITH_CONFIG); docs/configuration.md describes it`,
      ),
    };
  }
}

/**
 * The dispatcher's `doctor`: reads the same environment and projects file as the service, checks
 * every connection and permission they name, prints one line each and returns the exit code
 * (1 when something required failed, 2 on a usage error).
 */
export async function runDispatcherDoctor(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  io: DoctorIo,
): Promise<0 | 1 | 2> {
  const timeoutMs = timeoutOf(args);
  if (typeof timeoutMs === 'string') {
    io.print(timeoutMs);
    return 2;
  }
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    io.print(formatCheckLine(result, io.sanitize));
  };
  let config: DispatcherConfig;
  try {
    config = loadDispatcherConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      report(
        failed(
          'Environment',
          problem,
          'set it in .env (docs/configuration.md lists every variable)',
        ),
      );
    }
    io.print(`${formatCheckSummary(results)}: fix the environment, then run doctor again`);
    return 1;
  }
  report(
    passed(
      'Environment',
      `valid (${config.spawner.type} spawner, Slack ${config.slack.kind === 'http' ? 'HTTP' : 'Socket Mode'} mode)`,
    ),
  );
  const { projects, line } = await projectsOrProblems(config, env);
  report(line);
  const checks: DoctorCheck[] = [
    ...slackChecks(config.slack, config.slackApiUrl),
    {
      what: 'Redis',
      unreachableFix: 'start Redis or set REDIS_URL to where it runs (host:port)',
      run: (signal) => checkRedisAccess(config.redisUrl, signal),
    },
    ...engineChecks(config),
    ...(projects ? projectChecks(projects, config.broker.credentials, env) : []),
  ];
  await runChecks(checks, { timeoutMs, onResult: report });
  io.print(formatCheckSummary(results));
  return doctorExitCode(results);
}
