import { describe, expect, it } from 'vitest';
import { formatDuration } from '../jobs/format-duration.js';
import { doneCard, errorCard, progressBar, renderNotice } from '../slack/message-blocks.js';
import { compareStreamIds } from './entry-delivery.js';

const job = {
  jobId: '0123456789ab',
  platform: 'slack',
  channelId: 'C1',
  project: 'p',
  ticketId: '58',
  startedAt: 0,
  deadlineAt: 1,
};

describe('relay/entry-delivery', () => {
  it.each([
    ['1-0', '1-0', 0],
    ['2-0', '10-0', -1],
    ['5-2', '5-10', -1],
    ['11-0', '9-99', 1],
  ])('compares stream ids %s and %s', (a, b, sign) => {
    expect(Math.sign(compareStreamIds(a, b))).toBe(sign);
  });
});

describe('slack/message-blocks', () => {
  it('formats durations and progress bars', () => {
    expect([formatDuration(5_000), formatDuration(95_000), formatDuration(7_380_000)]).toEqual([
      '5s',
      '1m 35s',
      '2h 03m',
    ]);
    expect([progressBar(3, 9), progressBar(9, 9)]).toEqual([
      '`[███░░░░░░░]` 3/9',
      '`[██████████]` 9/9',
    ]);
  });

  it('renders the final card with PR link, cost, duration and changed files', () => {
    const card = doneCard(
      job,
      {
        type: 'done',
        jobId: job.jobId,
        at: 0,
        summary: 'Fixed <it>',
        prUrl: 'https://github.com/org/repo/pull/1',
        costUsd: 1.234,
        durationMs: 61_000,
        changedFiles: ['a.ts'],
      },
      'https://github.com/org/repo',
    );

    expect(card).toMatchSnapshot();
  });

  it('renders an error card with a Retry button, and a cancelled job without one', () => {
    const entry = {
      type: 'error',
      jobId: job.jobId,
      at: 0,
      step: 2,
      total: 9,
      stepName: 'CheckoutSourceCommand',
      code: 'source_checkout_failed',
      reason: 'The repository was not found.',
    } as const;

    expect(errorCard(job, entry)).toMatchSnapshot();
    expect(errorCard({ ...job, cancelledBy: 'U1' }, entry).text).toBe(
      'Job 0123456789ab was cancelled',
    );
  });

  it('names a refused egress host and the exact agentsmith.yml line that admits it', () => {
    const message = renderNotice({
      kind: 'egress-refused',
      job,
      host: 'nexus.example.org',
      port: 8443,
      rule: 'nexus.example.org:8443',
    });

    expect(message.text).toBe(
      "Blocked a connection to nexus.example.org:8443: it is not in this project's egress allow-list. To allow it, add this line under projects.p.egress.allow in agentsmith.yml: - nexus.example.org:8443",
    );
    expect(JSON.stringify(message.blocks)).toContain('```\\n- nexus.example.org:8443\\n```');
  });
});
