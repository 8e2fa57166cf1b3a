import { describe, expect, it } from 'vitest';
import { renderNotice } from './message-blocks.js';

const job = { jobId: 'abc123def456', ticketId: '58', project: 'shop' };

describe('slack/message-blocks (spending)', () => {
  it('says on the final card that the work is unfinished and links the draft', () => {
    const message = renderNotice({
      kind: 'done',
      job,
      repositoryUrl: 'https://github.com/acme/shop',
      done: {
        type: 'done',
        jobId: job.jobId,
        at: 1,
        summary: 'Unfinished work on #58',
        prUrl: 'https://github.com/acme/shop/pull/7',
        durationMs: 1000,
        changedFiles: ['src/a.ts'],
        unfinished: 'The job was stopped at its budget question <!channel>.',
      },
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(':construction: *Unfinished* (draft pull request)');
    expect(text).toContain('View draft pull request');
    expect(text).toContain('&lt;!channel&gt;');
  });
});
