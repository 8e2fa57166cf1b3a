import { describe, expect, it } from 'vitest';
import { describeExit } from './job-exit-description.js';

describe('spawners/job-exit-description', () => {
  it.each([
    [
      { exitCode: 137, oomKilled: true, memoryBytes: 64 * 1024 ** 2 },
      {
        reason: 'out_of_memory',
        exitCode: 137,
        message: 'out of memory, exit 137 (memory limit 64 MiB)',
      },
    ],
    [
      { exitCode: 143, stopped: true },
      { reason: 'stopped', exitCode: 143, message: 'stopped by the dispatcher, exit 143' },
    ],
    [
      { exitCode: 2 },
      { reason: 'exited', exitCode: 2, message: 'usage or configuration error (exit 2)' },
    ],
    [{ exitCode: -1 }, { reason: 'exited', message: 'ended with an unknown exit code' }],
  ])('describes %j', (facts, expected) => {
    expect(describeExit('000000000001', facts)).toEqual({ jobId: '000000000001', ...expected });
  });
});
