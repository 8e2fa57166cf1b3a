import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

/** The mrkdwn of every context block of the calls whose fallback text starts with `prefix`. */
function contextLines(harness: DispatcherHarness, channel: string, prefix: string): string[] {
  return harness.slack.calls
    .filter(
      (call) =>
        call.args['channel'] === channel &&
        call.method === 'chat.postMessage' &&
        String(call.args['text']).startsWith(prefix),
    )
    .flatMap((call) => (call.args['blocks'] as Array<{ type: string; elements?: unknown[] }>) ?? [])
    .filter((block) => block.type === 'context')
    .flatMap((block) => (block.elements as Array<{ text: string }>).map((element) => element.text));
}

describe('jobs/phase-timings through the dispatcher', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("shows a running job's phases in status, the whole line on the final card, and counts them in /metrics", async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const tracked = await harness.dispatcher.context.jobs.get(jobId);
    const received = tracked?.phases?.received ?? 0;
    expect(tracked?.phases).toEqual({
      received: expect.any(Number),
      acknowledged: expect.any(Number),
      spawned: expect.any(Number),
    });
    expect(tracked?.phases?.acknowledged).toBeGreaterThanOrEqual(received);
    expect(tracked?.phases?.spawned).toBeGreaterThanOrEqual(tracked?.phases?.acknowledged ?? 0);

    const agent = { started: received + 1100, firstProgress: received + 1500 };
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 2,
      total: 7,
      label: 'Checking out source',
      phases: agent,
    });
    await expect
      .poll(async () => (await harness.dispatcher.context.jobs.get(jobId))?.agentPhases)
      .toEqual(agent);
    await harness.message(channel, 'status');
    await expect.poll(() => contextLines(harness, channel, `Job ${jobId} for`)).toHaveLength(1);
    expect(contextLines(harness, channel, `Job ${jobId} for`)[0]).toMatch(
      /^:stopwatch: ack \d+\.\ds · spawn \d+\.\ds · start 1\.1s · first progress 1\.5s$/,
    );

    await harness.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      prUrl: 'https://github.com/o/r/pull/7',
      durationMs: 45_000,
      changedFiles: ['a.ts'],
      phases: {
        ...agent,
        checkoutDone: received + 3200,
        firstLlmToken: received + 4000,
        testsDone: received + 40_000,
        prOpened: received + 45_000,
        ended: received + 45_500,
      },
    });
    await expect.poll(() => contextLines(harness, channel, 'Done:')).toHaveLength(2);

    expect(contextLines(harness, channel, 'Done:')[1]).toMatch(
      /^:stopwatch: ack \d+\.\ds · spawn \d+\.\ds · start 1\.1s · first progress 1\.5s · checkout 3\.2s · first token 4\.0s · tests 40s · PR 45s · end 46s$/,
    );
    const metrics = await (await fetch(`${harness.dispatcher.opsUrl}/metrics`)).text();
    expect(metrics).toContain('agentsmith_job_phase_seconds_count{phase="prOpened"} 1');
    expect(metrics).toContain('agentsmith_job_phase_seconds_sum{phase="testsDone"} 40');
    expect(metrics).toContain('agentsmith_job_phase_seconds_count{phase="spawned"} 1');
    expect(metrics).not.toContain('phase="queued"');
  });
});
