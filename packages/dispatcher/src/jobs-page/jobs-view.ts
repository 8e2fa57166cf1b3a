import { formatCost, ticketLabel, type PhaseMarks } from '@agentsmith/contracts';
import type { AdmissionQueue, AdmissionRequest } from '../jobs/admission-queue.js';
import type { RelayJobStore, TrackedJob } from '../jobs/job-store.js';
import { formatDuration } from '../jobs/format-duration.js';
import { formatPhaseLine, jobPhases } from '../jobs/phase-timings.js';
import type { ProjectCatalog } from '../jobs/project-catalog.js';
import type { FinishedJob, JobOutcome, RecentJobs } from '../jobs/recent-jobs.js';
import { slackThreadUrl } from './slack-links.js';

/** How many queued and recent jobs the page lists. */
export const LISTED_JOBS = 50;

/** One job as the page shows it: every field is text or a URL, ready to escape and print. */
export interface JobRow {
  jobId: string;
  state: 'running' | 'stopping' | 'queued' | JobOutcome;
  project: string;
  ticket: string;
  ticketUrl: string | undefined;
  requestedBy: string | undefined;
  step: string;
  phases: string;
  cost: string;
  /** The chat thread, for Slack's jobs (the demo's terminal has no address). */
  threadUrl: string | undefined;
  prUrl: string | undefined;
  /** Running: since it started; queued: since it asked; recent: how long it ran. */
  duration: string;
  startedAt: number;
  reason: string | undefined;
}

export interface JobsSnapshot {
  running: JobRow[];
  queued: JobRow[];
  recent: JobRow[];
}

/** Where the page reads jobs from: the relay's store, the admission queue, the recent list. */
export interface JobsSources {
  store: Pick<RelayJobStore, 'activeJobIds' | 'get'>;
  admission: Pick<AdmissionQueue, 'queued' | 'isStopping'>;
  recent: Pick<RecentJobs, 'list'>;
  projects: Pick<ProjectCatalog, 'ticketUrl'>;
  /** The workspace's URL (`auth.test`), for thread permalinks; undefined when unknown. */
  workspaceUrl: () => Promise<string | undefined>;
  now: () => number;
  /** Removes known secret values from what an agent wrote (labels, reasons), as Slack's path does. */
  scrub?: (text: string) => string;
}

/** `step 3 of 7: Running the tests`, or what is known before the first progress. */
export function formatStep(job: { step?: number; total?: number; label?: string }): string {
  if (job.step === undefined) return job.label ?? 'starting';
  const label = job.label ? `: ${job.label}` : '';
  return job.total ? `step ${job.step} of ${job.total}${label}` : `step ${job.step}${label}`;
}

/** The phase line, or `—` before the job has one. */
export function formatPhases(marks: PhaseMarks): string {
  return formatPhaseLine(marks) ?? '—';
}

/** The cost so far, or `—` while the agent has reported none. */
export function formatJobCost(costUsd: number | undefined, known: boolean): string {
  return costUsd === undefined && !known ? '—' : formatCost(costUsd);
}

async function safely<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}

/** Reads everything the page shows, in parallel; a link that cannot be found is left out. */
export async function readJobsSnapshot(sources: JobsSources): Promise<JobsSnapshot> {
  const [ids, waiting, finished, workspaceUrl] = await Promise.all([
    sources.store.activeJobIds(),
    sources.admission.queued(LISTED_JOBS),
    sources.recent.list(LISTED_JOBS),
    safely(sources.workspaceUrl, undefined),
  ]);
  const tracked = (await Promise.all(ids.map((jobId) => sources.store.get(jobId)))).filter(
    (job): job is TrackedJob => job !== null,
  );
  const stopping = await Promise.all(tracked.map((job) => sources.admission.isStopping(job.jobId)));
  const ticketUrls = new Map<string, Promise<string | undefined>>();
  const ticketUrl = (project: string, ticketId: string) => {
    const key = `${project}\0${ticketId}`;
    let url = ticketUrls.get(key);
    if (!url) {
      url = safely(
        () => sources.projects.ticketUrl?.(project, ticketId) ?? Promise.resolve(undefined),
        undefined,
      );
      ticketUrls.set(key, url);
    }
    return url;
  };
  const now = sources.now();
  const running = await Promise.all(
    tracked
      .map((job, index) => ({ job, stopping: stopping[index] === true }))
      .sort((a, b) => b.job.startedAt - a.job.startedAt)
      .map(async ({ job, stopping: isStopping }) =>
        runningRow(job, isStopping, now, workspaceUrl, await ticketUrl(job.project, job.ticketId)),
      ),
  );
  const queued = await Promise.all(
    waiting.map(async (request) =>
      queuedRow(request, now, workspaceUrl, await ticketUrl(request.project, request.ticketId)),
    ),
  );
  const recent = await Promise.all(
    finished.map(async (job) =>
      recentRow(job, workspaceUrl, await ticketUrl(job.project, job.ticketId)),
    ),
  );
  const scrub = sources.scrub;
  if (!scrub) return { running, queued, recent };
  const clean = (row: JobRow): JobRow => ({
    ...row,
    step: scrub(row.step),
    reason: row.reason === undefined ? undefined : scrub(row.reason),
    prUrl: row.prUrl === undefined ? undefined : scrub(row.prUrl),
  });
  return { running: running.map(clean), queued: queued.map(clean), recent: recent.map(clean) };
}

function threadUrl(
  job: { platform: string; channelId: string; threadTs?: string | undefined },
  workspaceUrl: string | undefined,
): string | undefined {
  return job.platform === 'slack' ? slackThreadUrl(job, workspaceUrl) : undefined;
}

function runningRow(
  job: TrackedJob,
  stopping: boolean,
  now: number,
  workspaceUrl: string | undefined,
  ticketUrl: string | undefined,
): JobRow {
  return {
    jobId: job.jobId,
    state: stopping || job.cancelledBy ? 'stopping' : 'running',
    project: job.project,
    ticket: ticketLabel(job.ticketId),
    ticketUrl,
    requestedBy: job.requestedBy,
    step: formatStep(job),
    phases: formatPhases(jobPhases(job)),
    cost: formatJobCost(job.costUsd, job.step !== undefined),
    threadUrl: threadUrl(job, workspaceUrl),
    prUrl: undefined,
    duration: formatDuration(Math.max(0, now - job.startedAt)),
    startedAt: job.startedAt,
    reason: undefined,
  };
}

function queuedRow(
  request: AdmissionRequest,
  now: number,
  workspaceUrl: string | undefined,
  ticketUrl: string | undefined,
): JobRow {
  return {
    jobId: request.jobId,
    state: 'queued',
    project: request.project,
    ticket: ticketLabel(request.ticketId),
    ticketUrl,
    requestedBy: request.requestedBy,
    step: 'waiting for a free slot',
    phases: '—',
    cost: '—',
    threadUrl: threadUrl(request, workspaceUrl),
    prUrl: undefined,
    duration: formatDuration(Math.max(0, now - request.requestedAt)),
    startedAt: request.requestedAt,
    reason: undefined,
  };
}

function recentRow(
  job: FinishedJob,
  workspaceUrl: string | undefined,
  ticketUrl: string | undefined,
): JobRow {
  return {
    jobId: job.jobId,
    state: job.outcome,
    project: job.project,
    ticket: ticketLabel(job.ticketId),
    ticketUrl,
    requestedBy: job.requestedBy,
    step: formatStep(job),
    phases: formatPhases(job.phases ?? {}),
    cost: formatJobCost(job.costUsd, true),
    threadUrl: threadUrl(job, workspaceUrl),
    prUrl: job.prUrl,
    duration: formatDuration(Math.max(0, job.endedAt - job.startedAt)),
    startedAt: job.startedAt,
    reason: job.reason,
  };
}
