import type { Logger } from '@agentsmith/kit';
import type {
  EnvironmentPlan,
  EnvironmentSetup,
  ProjectEnvironment,
} from '../pipeline/run-ports.js';
import { runShell } from '../process/run-process.js';
import { excludeBuildOutput } from './build-output-exclude.js';
import { detectTestCommand, type DetectedTestCommand } from './detect-test-command.js';
import { commandEnvironment } from './test-runner.js';

/** Settings of {@link createProjectEnvironment}: the project's `environment` section. */
export interface ProjectEnvironmentSettings {
  /** `environment.setup`; the detected install commands run when absent. */
  setup?: string[] | undefined;
  /** `environment.test` (or `test.command`); detection when absent. */
  test?: string | undefined;
  /** `environment.env`: non-secret variables for setup and test commands. */
  variables?: Record<string, string> | undefined;
  /** Kills one setup command's process tree after this long. */
  timeoutMs: number;
  /** Parent environment; commands run with it scrubbed of every credential. */
  env: NodeJS.ProcessEnv;
  logger?: Logger | undefined;
}

/** The plan for a working copy: configured commands first, detection for the rest. */
export async function planEnvironment(
  repositoryPath: string,
  settings: Pick<ProjectEnvironmentSettings, 'setup' | 'test'>,
): Promise<EnvironmentPlan & { tool: string | undefined }> {
  const detected = await detectTestCommand(repositoryPath);
  const configuredTest = settings.test?.trim() ? settings.test : undefined;
  return {
    setup: settings.setup ?? detected?.install ?? [],
    test: configuredTest ?? detected?.command ?? null,
    reason: describeChoice(settings.setup !== undefined, configuredTest !== undefined, detected),
    tool: detected?.tool,
  };
}

function describeChoice(
  setupConfigured: boolean,
  testConfigured: boolean,
  detected: DetectedTestCommand | null,
): string {
  const configured = [
    ...(setupConfigured ? ['environment.setup'] : []),
    ...(testConfigured ? ['environment.test'] : []),
  ];
  const fromFile = configured.length > 0 ? `${configured.join(' and ')} in agentsmith.yml` : '';
  if (setupConfigured && testConfigured) return fromFile;
  if (!detected) return fromFile || 'no test framework detected';
  const found = `detected ${detected.tool}: ${detected.reason}`;
  return fromFile ? `${fromFile}; ${found}` : found;
}

/**
 * The setup phase of a run: works out the plan, says on the progress line what was chosen and
 * why, runs each setup command in the working copy (first failure stops) and keeps build output
 * out of the commit.
 */
export function createProjectEnvironment(settings: ProjectEnvironmentSettings): ProjectEnvironment {
  return {
    async prepare(repositoryPath, options): Promise<EnvironmentSetup> {
      const { tool, ...plan } = await planEnvironment(repositoryPath, settings);
      options.onDetail(
        plan.test === null
          ? `No test command (${plan.reason})`
          : `Tests: ${plan.test} (${plan.reason})`,
      );
      await excludeBuildOutput(repositoryPath, tool);
      const env = commandEnvironment(settings.env, settings.variables);
      for (const command of plan.setup) {
        options.onDetail(`Setup: ${command}`);
        const result = await runShell(command, {
          cwd: repositoryPath,
          timeoutMs: settings.timeoutMs,
          env,
          maxOutputBytes: 256 * 1024,
          signal: options.signal,
        });
        settings.logger?.info(
          { command, exitCode: result.exitCode, durationMs: result.durationMs },
          'setup command finished',
        );
        if (result.exitCode !== 0 || result.timedOut) {
          return {
            kind: 'failed',
            plan,
            command,
            exitCode: result.exitCode,
            timedOut: result.timedOut,
            output: result.output,
          };
        }
      }
      return { kind: 'ready', plan };
    },
  };
}
