import {
  EXIT_CODES,
  configSourceName,
  resolveConfigSource,
  type ExitCode,
} from '@agentsmith/contracts';
import { ConfigError, toAppError } from '@agentsmith/kit';
import { loadConfigFrom } from '@agentsmith/providers';

/** `agentsmith config validate`: every problem at once; exit 2 when the file is invalid. */
export async function validateConfigCommand(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv,
  output: { print: (line: string) => void; printError: (line: string) => void },
): Promise<ExitCode> {
  const from = resolveConfigSource(configPath, env);
  const path = configSourceName(from);
  const warnings: string[] = [];
  try {
    const config = await loadConfigFrom(from, env, { warn: (message) => warnings.push(message) });
    const projects = Object.keys(config.projects);
    warnings.forEach((warning) => output.printError(`warning: ${warning}`));
    output.print(
      `${path} is valid: ${projects.length} project(s) (${projects.join(', ')}), pipelines ${Object.keys(config.pipelines).join(', ')}`,
    );
    return EXIT_CODES.success;
  } catch (error) {
    if (error instanceof ConfigError) {
      output.printError(`${path} is invalid (${error.problems.length} problem(s)):`);
      error.problems.forEach((problem) => output.printError(`  - ${problem}`));
      return EXIT_CODES.usage;
    }
    output.printError(toAppError(error).message);
    return EXIT_CODES.failed;
  }
}
