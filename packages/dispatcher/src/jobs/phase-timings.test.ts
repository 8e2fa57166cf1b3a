import { describe, expect, it } from 'vitest';
import { formatPhaseLine, jobPhases } from './phase-timings.js';

describe('jobs/phase-timings', () => {
  it('shows every phase that happened as time since the message was received, in order', () => {
    const received = 1_700_000_000_000;

    const line = formatPhaseLine({
      prOpened: received + 45_300,
      received,
      acknowledged: received + 200,
      spawned: received + 400,
      started: received + 1100,
      checkoutDone: received + 3200,
      firstLlmToken: received + 4000,
      testsDone: received + 40_000,
      ended: received + 725_000,
    });

    expect(line).toBe(
      'ack 0.2s · spawn 0.4s · start 1.1s · checkout 3.2s · first token 4.0s · tests 40s · PR 45s · end 12m05s',
    );
  });

  it('has no line for a job without a received mark, or with nothing after it', () => {
    expect(formatPhaseLine({ started: 5 })).toBeUndefined();
    expect(formatPhaseLine({ received: 5 })).toBeUndefined();
  });

  it("merges the dispatcher's marks with the agent's, the final entry's winning over the last progress", () => {
    const merged = jobPhases(
      { phases: { received: 1, spawned: 3 }, agentPhases: { started: 4, firstProgress: 5 } },
      { started: 4, firstProgress: 5, ended: 9 },
    );

    expect(merged).toEqual({ received: 1, spawned: 3, started: 4, firstProgress: 5, ended: 9 });
  });
});
