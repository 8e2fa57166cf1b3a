import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@agentsmith/kit';
import { mentionsNoSpace, workspaceFullError } from './workspace-full.js';

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'workspace-full-'));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function enospc(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
  error.code = 'ENOSPC';
  return error;
}

describe('pipeline/workspace-full', () => {
  it('recognises a full disk in an errno, a cause, or a command output carried in details', () => {
    expect([
      mentionsNoSpace(enospc()),
      mentionsNoSpace(new AppError('unknown_error', 'write failed', { cause: enospc() })),
      mentionsNoSpace(
        new AppError('source_checkout_failed', 'git clone failed', {
          details: { stderr: 'fatal: write error: No space left on device' },
        }),
      ),
      mentionsNoSpace(new AppError('tests_failed', '3 tests failed')),
    ]).toEqual([true, true, true, false]);
  });

  it('turns a no-space failure into workspace_full naming the workspace, its size and the setting to raise', async () => {
    const failure = new AppError(
      'source_checkout_failed',
      'git commit failed: No space left on device',
    );

    const error = await workspaceFullError(failure, workspace);

    expect(error?.code).toBe('workspace_full');
    expect(error?.message).toMatch(
      new RegExp(
        `^workspace full: no space left in ${workspace} \\(its limit is \\d+(\\.\\d)? [GM]iB\\)\\. Raise AGENT_WORKSPACE_SIZE in the dispatcher's environment .* The failing step said: git commit failed: No space left on device$`,
      ),
    );
  });

  it('leaves other failures alone while the workspace has room', async () => {
    const failure = new AppError('tests_failed', '3 tests failed');

    expect([
      await workspaceFullError(failure, workspace),
      (await workspaceFullError(new AppError('unknown_error', 'ENOSPC'), undefined))?.message,
    ]).toEqual([
      undefined,
      "workspace full: no space left in the workspace. Raise AGENT_WORKSPACE_SIZE in the dispatcher's environment (and AGENT_MEMORY with it under Docker, where the workspace is held in memory), or free disk space when running locally. The failing step said: ENOSPC",
    ]);
  });
});
