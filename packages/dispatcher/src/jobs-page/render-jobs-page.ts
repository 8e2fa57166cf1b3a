import { escapeHtml, link } from './html.js';
import type { JobRow, JobsSnapshot } from './jobs-view.js';

/** Who looks at the page, as the renderer needs it. */
export interface Viewer {
  /** `Slack user U123` or `read-only token`. */
  description: string;
  /** Whether this viewer may cancel the job in a row (`mayControlJob`). */
  mayCancel: (row: JobRow) => boolean;
  /** The session's CSRF token; absent for a bearer request without a session (no forms then). */
  csrf: string | undefined;
}

const STATE_LABELS: Record<JobRow['state'], string> = {
  running: 'running',
  stopping: 'stopping',
  queued: 'queued',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

function time(at: number): string {
  const iso = new Date(at).toISOString();
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(11, 19))} UTC</time>`;
}

function cancelForm(row: JobRow, viewer: Viewer): string {
  if (!viewer.csrf || !viewer.mayCancel(row) || row.state === 'stopping') return '';
  return [
    '<form method="post" action="/jobs/cancel" class="cancel">',
    `<input type="hidden" name="job" value="${escapeHtml(row.jobId)}">`,
    `<input type="hidden" name="csrf" value="${escapeHtml(viewer.csrf)}">`,
    '<button type="submit">Cancel</button>',
    '</form>',
  ].join('');
}

/** A host's pull request as a link; a local repository's branch (`file://…#fix/1`) as text. */
function pullRequest(url: string): string {
  return url.startsWith('file://') ? `<code>${escapeHtml(url)}</code>` : link(url, 'pull request');
}

function links(row: JobRow): string {
  return [
    row.threadUrl ? link(row.threadUrl, 'Slack thread') : '',
    row.prUrl ? pullRequest(row.prUrl) : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function row(job: JobRow, viewer: Viewer, kind: 'running' | 'queued' | 'recent'): string {
  const cells = [
    `<td><span class="state state-${escapeHtml(job.state)}">${escapeHtml(STATE_LABELS[job.state])}</span> <code>${escapeHtml(job.jobId.slice(0, 8))}</code></td>`,
    `<td>${escapeHtml(job.project)}</td>`,
    `<td>${link(job.ticketUrl, job.ticket)}</td>`,
    `<td>${job.requestedBy ? escapeHtml(job.requestedBy) : '—'}</td>`,
    `<td class="step">${escapeHtml(job.step)}${job.reason ? `<div class="reason">${escapeHtml(job.reason)}</div>` : ''}</td>`,
    `<td class="phases">${escapeHtml(job.phases)}</td>`,
    `<td class="cost">${escapeHtml(job.cost)}</td>`,
    `<td>${time(job.startedAt)}<div class="duration">${escapeHtml(job.duration)}</div></td>`,
    `<td class="links">${links(job)}</td>`,
    kind === 'recent' ? '' : `<td>${cancelForm(job, viewer)}</td>`,
  ];
  return `<tr data-job-id="${escapeHtml(job.jobId)}">${cells.join('')}</tr>`;
}

function table(
  title: string,
  rows: JobRow[],
  viewer: Viewer,
  kind: 'running' | 'queued' | 'recent',
  empty: string,
): string {
  const headings = [
    'Job',
    'Project',
    'Ticket',
    'Requested by',
    kind === 'recent' ? 'Last step' : 'Current step',
    'Phases',
    'Cost',
    kind === 'queued' ? 'Asked at' : 'Started',
    'Links',
    ...(kind === 'recent' ? [] : ['']),
  ];
  const body =
    rows.length === 0
      ? `<p class="empty">${escapeHtml(empty)}</p>`
      : `<table><thead><tr>${headings.map((heading) => `<th>${escapeHtml(heading)}</th>`).join('')}</tr></thead><tbody>${rows.map((job) => row(job, viewer, kind)).join('')}</tbody></table>`;
  return `<section id="${kind}"><h2>${escapeHtml(title)} <span class="count">${rows.length}</span></h2>${body}</section>`;
}

/** The three lists: what `/jobs/sections` returns and the live script swaps in. */
export function renderJobSections(snapshot: JobsSnapshot, viewer: Viewer): string {
  return [
    table('Running', snapshot.running, viewer, 'running', 'No job is running.'),
    table('Queued', snapshot.queued, viewer, 'queued', 'No job is waiting.'),
    table('Recent', snapshot.recent, viewer, 'recent', 'No job has finished yet.'),
  ].join('');
}

function document(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="stylesheet" href="/jobs/assets/jobs-page.css">',
    '<script src="/jobs/assets/jobs-page.js" defer></script>',
    `</head><body>${body}</body></html>`,
  ].join('');
}

/** The whole page, with a notice (e.g. "Job … is stopping") when there is one. */
export function renderJobsPage(snapshot: JobsSnapshot, viewer: Viewer, notice?: string): string {
  const signOut = viewer.csrf
    ? `<form method="post" action="/jobs/auth/logout" class="sign-out"><input type="hidden" name="csrf" value="${escapeHtml(viewer.csrf)}"><button type="submit">Sign out</button></form>`
    : '';
  return document(
    'Agent Smith · jobs',
    [
      '<header><h1>Agent Smith jobs</h1>',
      '<span id="live" class="live" data-state="connecting">connecting…</span>',
      `<span class="viewer">${escapeHtml(viewer.description)}</span>${signOut}</header>`,
      notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : '',
      `<main id="jobs">${renderJobSections(snapshot, viewer)}</main>`,
    ].join(''),
  );
}

/** The sign-in page: Sign in with Slack when configured, and how to use the token. */
export function renderSignInPage(options: {
  slack: boolean;
  token: boolean;
  problem?: string;
}): string {
  return document(
    'Agent Smith · sign in',
    [
      '<main class="sign-in"><h1>Agent Smith jobs</h1>',
      options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : '',
      options.slack
        ? '<p><a class="button" href="/jobs/auth/login">Sign in with Slack</a></p>'
        : '',
      options.token
        ? '<p>With the access token: open <code>/jobs?token=&lt;JOBS_PAGE_TOKEN&gt;</code> once, or send <code>Authorization: Bearer &lt;JOBS_PAGE_TOKEN&gt;</code>.</p>'
        : '',
      '</main>',
    ].join(''),
  );
}

/** A short page for a refusal or an error, with a way back. */
export function renderMessagePage(title: string, message: string): string {
  return document(
    `Agent Smith · ${title}`,
    `<main class="sign-in"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/jobs">Back to the jobs</a></p></main>`,
  );
}
