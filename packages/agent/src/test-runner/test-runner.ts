import type { Logger } from '@agentsmith/kit';
import type { TestRun, TestRunner } from '../pipeline/run-ports.js';
import { runShell } from '../process/run-process.js';
import { scrubEnvironment } from '../process/scrub-environment.js';
import { detectTestCommand } from './detect-test-command.js';

/** Settings of {@link createTestRunner}. */
export interface TestRunnerSettings {
  /** `test.command` of the project; detection is skipped when set. */
  command?: string | undefined;
  /** Kills the whole test process tree after this long (`test.timeout`). */
  timeoutMs: number;
  /** Parent environment; the tests run with it scrubbed of every credential. */
  env: NodeJS.ProcessEnv;
  /** Cap on the captured output (head and tail kept). Default 256 KiB. */
  maxOutputBytes?: number | undefined;
  logger?: Logger | undefined;
}

/**
 * Runs a repository's tests through `bash -c` with a timeout that kills the process tree, and
 * an environment without our secrets (the repository's code is untrusted).
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
      const result = await runShell(command, {
        cwd: repositoryPath,
        timeoutMs: settings.timeoutMs,
        env: { ...scrubEnvironment(settings.env), CI: 'true' },
        maxOutputBytes: settings.maxOutputBytes ?? 256 * 1024,
        signal: options.signal,
      });
      const output = result.timedOut
        ? `${result.output}\n[test run killed after ${describeDuration(settings.timeoutMs)}]`
        : result.output;
      return {
        passed: result.exitCode === 0 && !result.timedOut,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        output,
        // Helper 13's failure parsers fill this at the merge; until then the exit status decides.
        failures: [],
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
