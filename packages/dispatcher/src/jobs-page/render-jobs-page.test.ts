import { describe, expect, it } from 'vitest';
import type { JobRow, JobsSnapshot } from './jobs-view.js';
import { renderJobsPage, renderSignInPage, type Viewer } from './render-jobs-page.js';

const hostile = '<script>alert("x")</script>';

function row(fields: Partial<JobRow> = {}): JobRow {
  return {
    jobId: 'job-1',
    state: 'running',
    project: 'shop',
    ticket: '#58',
    ticketUrl: 'https://github.com/acme/shop/issues/58',
    requestedBy: 'U1',
    step: 'step 3 of 7: Running the tests',
    phases: 'ack 0.2s · spawn 0.4s',
    cost: '$0.0100',
    threadUrl: 'https://acme.slack.com/archives/C1/p1700000000000100',
    prUrl: undefined,
    duration: '12s',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    reason: undefined,
    ...fields,
  };
}

const reader: Viewer = {
  description: 'Read-only (access token)',
  csrf: undefined,
  mayCancel: () => false,
};

describe('renderJobsPage', () => {
  it('escapes every string from outside and links only http(s) URLs', () => {
    const snapshot: JobsSnapshot = {
      running: [row({ project: hostile, step: hostile, requestedBy: `U1" onclick="x` })],
      queued: [],
      recent: [
        row({
          jobId: 'job-2',
          state: 'succeeded',
          prUrl: 'javascript:alert(1)',
          ticketUrl: 'data:text/html,x',
          reason: hostile,
        }),
      ],
    };
    const html = renderJobsPage(snapshot, { ...reader, description: hostile });

    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:text');
    expect(html).not.toContain('" onclick="x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain(
      '<a href="https://github.com/acme/shop/issues/58" target="_blank" rel="noopener noreferrer">#58</a>',
    );
    // The only scripts are the page's own file; nothing inline.
    expect(html.match(/<script[^>]*>/g)).toEqual([
      '<script src="/jobs/assets/jobs-page.js" defer>',
    ]);
    expect(html).not.toMatch(/<[^>]*\s(on\w+|style)=/);
  });

  it("shows a local repository's branch as text, and no Slack thread for a job from the terminal", () => {
    const local = row({
      jobId: 'job-local',
      state: 'succeeded',
      threadUrl: undefined,
      prUrl: 'file:///tmp/demo/<b>repository#fix/1',
    });
    const html = renderJobsPage({ running: [], queued: [], recent: [local] }, reader);
    expect(html).toContain('<code>file:///tmp/demo/&lt;b&gt;repository#fix/1</code>');
    expect(html).not.toContain('href="file:');
    expect(html).not.toContain('Slack thread');
  });

  it('offers Cancel only where the viewer may control the job, with the CSRF token', () => {
    const snapshot: JobsSnapshot = {
      running: [row(), row({ jobId: 'job-other', requestedBy: 'U2' })],
      queued: [row({ jobId: 'job-q', state: 'queued' })],
      recent: [row({ jobId: 'job-r', state: 'failed' })],
    };
    const html = renderJobsPage(snapshot, {
      description: 'Signed in as U1',
      csrf: 'tok"en',
      mayCancel: (job) => job.requestedBy === 'U1',
    });
    const forms = [...html.matchAll(/name="job" value="([^"]+)"/g)].map((match) => match[1]);

    expect(forms).toEqual(['job-1', 'job-q']);
    expect(html).toContain('name="csrf" value="tok&quot;en"');
    expect(renderJobsPage(snapshot, reader)).not.toContain('/jobs/cancel');
  });

  it('says when a list is empty', () => {
    const html = renderJobsPage({ running: [], queued: [], recent: [] }, reader);
    expect(html).toContain('No job is running.');
    expect(html).toContain('No job has finished yet.');
  });
});

describe('renderSignInPage', () => {
  it('shows only the configured ways in', () => {
    expect(renderSignInPage({ slack: true, token: false })).toContain('Sign in with Slack');
    expect(renderSignInPage({ slack: false, token: true })).not.toContain('Sign in with Slack');
    expect(renderSignInPage({ slack: false, token: true, problem: hostile })).toContain(
      '&lt;script&gt;',
    );
  });
});
