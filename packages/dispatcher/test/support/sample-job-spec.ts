import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';

/** A fixed job spec (id, times and all) for tests of what a spawner asks the engine for. */
export function sampleJobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId: '0123456789ab',
    intent: { ticketId: '58', project: 'agent-smith-test' },
    platform: 'slack',
    channelId: 'C0TEST',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 3600,
    createdAt: 0,
    ...overrides,
  };
}
