import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * `docker compose -p <project> -f <file>… <args>` in `cwd`; its stdout, or an error carrying the
 * end of both outputs (what a failed build or `up` printed is what explains it).
 */
export async function dockerCompose(
  settings: { project: string; files: string[]; cwd: string; env: NodeJS.ProcessEnv },
  ...args: string[]
): Promise<string> {
  const fileArgs = settings.files.flatMap((file) => ['-f', file]);
  try {
    const { stdout } = await exec(
      'docker',
      ['compose', '-p', settings.project, ...fileArgs, ...args],
      {
        cwd: settings.cwd,
        env: settings.env,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `docker compose ${args.join(' ')} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
      { cause: error },
    );
  }
}
