import { configSourceName, resolveConfigSource } from '@agentsmith/contracts';
import {
  ConfigError,
  doctorExitCode,
  failed,
  formatCheckLine,
  formatCheckSummary,
  passed,
  runChecks,
  type CheckResult,
  type DoctorCheck,
} from '@agentsmith/kit';
import {
  checkGitHostAccess,
  checkGithubWorkflowScope,
  checkLlmKey,
  checkTrackerAccess,
  firstGithubRepository,
  githubApiBaseUrl,
  llmGroups,
  llmEndpoint,
  loadConfigFrom,
  LLM_KEY_VARIABLES,
  type AgentsmithConfig,
  type LlmProvider,
  type ProjectConfig,
} from '@agentsmith/providers';
import { runProcess } from '../process/run-process.js';
import { checkGitRemote } from './git-remote-check.js';
import { checkTestToolchain } from './toolchain-check.js';

export interface AgentDoctorOptions {
  configPath: string | undefined;
  /** How long one check may take before it is a FAIL line. */
  timeoutMs: number;
  /** Folder relative paths in the configuration are read from (the working directory). */
  baseDir: string;
  print: (line: string) => void;
  sanitize: (text: string) => string;
}

const REACH_HOST = 'check that this machine reaches the host (proxy, VPN, DNS)';

function gitInstalled(baseDir: string): DoctorCheck {
  return {
    what: 'git',
    unreachableFix: 'install git',
    async run(signal) {
      const result = await runProcess('git', ['--version'], {
        cwd: baseDir,
        timeoutMs: 10_000,
        signal,
      });
      return result.exitCode === 0
        ? passed('git', result.stdout.trim())
        : failed('git', `git --version failed: ${result.stderr.trim()}`, 'install git');
    },
  };
}

function projectChecks(
  name: string,
  project: ProjectConfig,
  env: NodeJS.ProcessEnv,
  options: AgentDoctorOptions,
): DoctorCheck[] {
  const { baseDir } = options;
  const checks: DoctorCheck[] = [
    {
      what: `project ${name}: git`,
      unreachableFix: REACH_HOST,
      run: (signal) =>
        checkGitRemote(`project ${name}: git`, project.source, env, {
          baseDir,
          signal,
          timeoutMs: options.timeoutMs,
        }),
    },
  ];
  if (project.source.type !== 'local') {
    const source = project.source;
    checks.push({
      what: `project ${name}: git host`,
      unreachableFix: REACH_HOST,
      run: async (signal) =>
        (await checkGitHostAccess(`project ${name}: git host`, source, env, { signal, baseDir })) ??
        passed(`project ${name}: git host`, 'nothing to check'),
    });
  }
  checks.push(
    {
      what: `project ${name}: tickets`,
      unreachableFix: REACH_HOST,
      run: (signal) =>
        checkTrackerAccess(`project ${name}: tickets`, project.tickets, env, { signal, baseDir }),
    },
    {
      what: `project ${name}: test toolchain`,
      unreachableFix: 'check the project’s source.path',
      run: () => checkTestToolchain(`project ${name}: test toolchain`, project, env, baseDir),
    },
  );
  return checks;
}

/** The key and endpoint the agent's SDK would use for a project's provider (docs/agent.md). */
function llmCheck(
  provider: LlmProvider,
  names: string[],
  project: ProjectConfig,
  env: NodeJS.ProcessEnv,
): DoctorCheck {
  const what = `LLM ${provider} (${names.join(', ')})`;
  const key =
    env[LLM_KEY_VARIABLES[provider]] ||
    (provider === 'google' ? env['GOOGLE_GENERATIVE_AI_API_KEY'] : undefined) ||
    undefined;
  const override =
    provider === 'anthropic'
      ? env['ANTHROPIC_BASE_URL']
      : provider === 'google'
        ? undefined
        : env['OPENAI_BASE_URL'];
  return {
    what,
    unreachableFix: `check that this machine reaches the ${provider} API (or agent.base_url)`,
    run: (signal) =>
      checkLlmKey(what, llmEndpoint(provider, key, override || project.agent.base_url), key, {
        signal,
      }),
  };
}

function workflowCheck(config: AgentsmithConfig, env: NodeJS.ProcessEnv): DoctorCheck[] {
  const github = firstGithubRepository(config);
  if (!github) return [];
  const apiBase = githubApiBaseUrl(github.url, github.api_url, env);
  return [
    {
      what: 'GitHub token: workflow files',
      unreachableFix: 'check that this machine reaches the GitHub API (or GITHUB_API_URL)',
      run: (signal) =>
        checkGithubWorkflowScope(apiBase, env['GITHUB_TOKEN'] || undefined, { signal }),
    },
  ];
}

/**
 * `agentsmith doctor`: the configuration file, git, and per project what a run in CLI mode
 * reaches (the repository and its default branch, the git host, the tracker, the test
 * toolchain), each LLM key once and the GitHub token's reach. One line each; exit 1 when
 * something required failed.
 */
export async function runAgentDoctor(
  env: NodeJS.ProcessEnv,
  options: AgentDoctorOptions,
): Promise<0 | 1> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    options.print(formatCheckLine(result, options.sanitize));
  };
  const from = resolveConfigSource(options.configPath, env);
  const path = configSourceName(from);
  let config: AgentsmithConfig | undefined;
  try {
    config = await loadConfigFrom(from, env);
    const names = Object.keys(config.projects);
    report(passed('Configuration', `${path}: ${names.length} project(s): ${names.join(', ')}`));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      report(
        failed(
          'Configuration',
          problem,
          `fix ${path} (agentsmith config validate shows every problem; docs/configuration.md)`,
        ),
      );
    }
  }
  const checks: DoctorCheck[] = [gitInstalled(options.baseDir)];
  if (config) {
    for (const [name, project] of Object.entries(config.projects)) {
      checks.push(...projectChecks(name, project, env, options));
    }
    for (const { provider, names, project } of llmGroups(config)) {
      checks.push(llmCheck(provider, names, project, env));
    }
    checks.push(...workflowCheck(config, env));
  }
  await runChecks(checks, { timeoutMs: options.timeoutMs, onResult: report });
  options.print(formatCheckSummary(results));
  return doctorExitCode(results);
}
