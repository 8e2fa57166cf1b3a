import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { runCommandTool } from './run-command.js';
import { toolTestContext } from './tool-test-context.js';

describe('llm/tools/run-command', () => {
  let context: ToolContext & { root: string };

  beforeEach(async () => {
    context = await toolTestContext();
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
  });

  it('runs in the repository with the given environment and reports the exit code', async () => {
    context.commandEnvironment = { ...context.commandEnvironment, MARKER: 'm1' };

    const result = await executeTool(
      runCommandTool,
      { command: 'pwd; echo $MARKER; exit 2' },
      context,
    );

    expect(result.isError).toBe(true);
    expect(result.output).toEqual(
      `$ pwd; echo $MARKER; exit 2\n[exit code 2]\n${context.root}\nm1\n`,
    );
  });

  it('kills a command that outlives its timeout', async () => {
    const result = await executeTool(
      runCommandTool,
      { command: 'sleep 60', timeout_seconds: 0.3 },
      context,
    );

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/timed out after 0.3 s and was killed/);
  });
});
