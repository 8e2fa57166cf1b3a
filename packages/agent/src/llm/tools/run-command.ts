import { z } from 'zod';
import { runShell } from '../../process/run-process.js';
import { defineTool } from './define-tool.js';

const MAX_OUTPUT = 16 * 1024;

/** `run_command`: a shell command in the repository, with a timeout and no credentials. */
export const runCommandTool = defineTool({
  name: 'run_command',
  description:
    'Run a shell command (bash) in the repository root, e.g. tests or a build. It has no network ' +
    'credentials, a timeout, and its output is capped (head and tail kept).',
  input: z.object({
    command: z.string().min(1),
    timeout_seconds: z.number().positive().optional(),
  }),
  async execute(input, { workspace, signal, commandEnvironment, commandTimeoutMs }) {
    const timeoutMs = Math.min((input.timeout_seconds ?? Infinity) * 1000, commandTimeoutMs);
    const result = await runShell(input.command, {
      cwd: workspace.root,
      timeoutMs,
      signal,
      env: commandEnvironment,
      maxOutputBytes: MAX_OUTPUT,
    });
    const status = result.timedOut
      ? `timed out after ${Math.round(timeoutMs / 100) / 10} s and was killed`
      : result.exitCode !== null
        ? `exit code ${result.exitCode}`
        : `killed by ${result.signal}`;
    const failed = result.timedOut || result.exitCode !== 0;
    return { output: `$ ${input.command}\n[${status}]\n${result.output}`, isError: failed };
  },
});
