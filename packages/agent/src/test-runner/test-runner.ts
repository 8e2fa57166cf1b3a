import type { Logger } from '@agentsmith/kit';
import type { TestRun, TestRunner } from '../pipeline/run-ports.js';
import { runShell } from '../process/run-process.js';
import { scrubEnvironment } from '../process/scrub-environment.js';
import { detectTestCommand } from './detect-test-command.js';
import { extractFailures } from './failures/extract-failures.js';

/** Settings of {@link createTestRunner}. */
export interface TestRunnerSettings {
  /** `environment.test` (or `test.command`) of the project; detection is skipped when set. */
  command?: string | undefined;
  /** Kills the whole test process tree after this long (`test.timeout`). */
  timeoutMs: number;
  /** Parent environment; the tests run with it scrubbed of every credential. */
  env: NodeJS.ProcessEnv;
  /** `environment.env`: non-secret variables the project's commands need. */
  variables?: Record<string, string> | undefined;
  /** Cap on the captured output (head and tail kept). Default 256 KiB. */
  maxOutputBytes?: number | undefined;
  logger?: Logger | undefined;
}

/**
 * The environment of a project's own commands (setup, tests): ours without any credential (the
 * repository's code is untrusted) and without the agent's own `NODE_ENV=production` (with it npm
 * and yarn skip devDependencies, where test runners live), the project's `environment.env`, and
 * `CI=true`.
 */
export function commandEnvironment(
  env: NodeJS.ProcessEnv,
  variables: Record<string, string> | undefined,
): NodeJS.ProcessEnv {
  const { NODE_ENV: _agentsOwn, ...inherited } = scrubEnvironment(env);
  return { ...inherited, ...scrubEnvironment(variables ?? {}), CI: 'true' };
}

/**
 * Runs a repository's tests through `bash -c` with a timeout that kills the process tree, and
 * an environment without our secrets; failing tests are extracted from reports and output.
 */
export function createTestRunner(settings: TestRunnerSettings): TestRunner {
  return {
    async detect(repositoryPath: string): Promise<string | null> {
      if (settings.command !== undefined && settings.command.trim() !== '') return settings.command;
      const detected = await detectTestCommand(repositoryPath);
      settings.logger?.debug({ tool: detected?.tool ?? null }, 'test command detection');
      return detected?.command ?? null;
    },

    async run(
      repositoryPath: string,
      command: string,
      options: { signal: AbortSignal },
    ): Promise<TestRun> {
      const started = Date.now();
      const result = await runShell(command, {
        cwd: repositoryPath,
        timeoutMs: settings.timeoutMs,
        env: commandEnvironment(settings.env, settings.variables),
        maxOutputBytes: settings.maxOutputBytes ?? 256 * 1024,
        signal: options.signal,
      });
      const output = result.timedOut
        ? `${result.output}\n[test run killed after ${describeDuration(settings.timeoutMs)}]`
        : result.output;
      const passed = result.exitCode === 0 && !result.timedOut;
      return {
        passed,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        output,
        failures: passed ? [] : await extractFailures(repositoryPath, result.output, started),
      };
    },
  };
}

/** The last `maxLines` lines of `output`, at most `maxCharacters` long (for reports and comments). */
export function outputTail(output: string, maxLines = 40, maxCharacters = 4000): string {
  const tail = output.trimEnd().split('\n').slice(-maxLines).join('\n');
  return tail.length > maxCharacters ? tail.slice(-maxCharacters) : tail;
}

function describeDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
