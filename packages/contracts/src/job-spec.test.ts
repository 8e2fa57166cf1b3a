import { describe, expect, it } from 'vitest';
import { agentArguments, fixCommandLine, JobSpec } from './job-spec.js';
import {
  conversationKey,
  isJobId,
  jobIndexKey,
  jobInStreamKey,
  jobOutStreamKey,
} from './redis-keys.js';
import { outcomeFromExitCode } from './run-outcome.js';

const spec: JobSpec = {
  specificationVersion: 1,
  jobId: 'a1b2c3d4e5f6',
  intent: { ticketId: '58', project: 'agent-smith-test' },
  platform: 'slack',
  channelId: 'C0123',
  redisUrl: 'redis:6379',
  maxDurationSeconds: 3600,
  createdAt: 0,
};

describe('contracts/job-spec', () => {
  it("builds the seed's container arguments", () => {
    expect(agentArguments(spec)).toEqual([
      '--headless',
      '--job-id',
      'a1b2c3d4e5f6',
      '--redis-url',
      'redis:6379',
      '--platform',
      'slack',
      '--channel-id',
      'C0123',
      'fix #58 in agent-smith-test',
    ]);
  });

  it.each([
    ['58', 'fix #58 in p'],
    ['PROJ-58', 'fix PROJ-58 in p'],
  ])('writes ticket %s as %s', (ticketId, line) => {
    expect(fixCommandLine({ ticketId, project: 'p' })).toBe(line);
  });

  it('rejects a spec with a malformed job id or a newer version', () => {
    expect(JobSpec.safeParse({ ...spec, jobId: 'XYZ' }).success).toBe(false);
    expect(JobSpec.safeParse({ ...spec, specificationVersion: 2 }).success).toBe(false);
    expect(JobSpec.parse(spec)).toEqual(spec);
  });
});

describe('contracts/redis-keys', () => {
  it('names keys as the reference system did', () => {
    expect(jobOutStreamKey('abc')).toBe('job:abc:out');
    expect(jobInStreamKey('abc')).toBe('job:abc:in');
    expect(conversationKey('slack', 'C1')).toBe('conversation:slack:C1');
    expect(jobIndexKey('abc')).toBe('job-index:abc');
    expect(isJobId('0123456789ab')).toBe(true);
    expect(isJobId('0123456789AB')).toBe(false);
  });
});

describe('contracts/run-outcome', () => {
  it.each([
    [0, 'succeeded'],
    [1, 'failed'],
    [2, 'failed'],
    [137, 'failed'],
    [130, 'cancelled'],
    [143, 'cancelled'],
  ])('exit code %i means %s', (code, outcome) => {
    expect(outcomeFromExitCode(code)).toBe(outcome);
  });
});
