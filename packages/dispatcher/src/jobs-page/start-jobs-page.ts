import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import type { AccessControl } from '../jobs/access-control.js';
import type { JobContext } from '../jobs/job-context.js';
import type { RelayJobStore } from '../jobs/job-store.js';
import type { RecentJobs } from '../jobs/recent-jobs.js';
import { createJobsPage, type JobsPage, type JobsPageSettings } from './jobs-page.js';
import { LISTED_JOBS } from './jobs-view.js';
import { cancelFromPage } from './page-cancel.js';
import { RedisLiveFeed } from './redis-live-feed.js';

export interface JobsPageDependencies {
  settings: JobsPageSettings;
  slackApiUrl: string | undefined;
  context: JobContext;
  store: RelayJobStore;
  access: AccessControl;
  recentJobs: RecentJobs;
  /** Opens a Redis connection of the page's own (for its blocking reads). */
  connect: () => Redis;
  workspaceUrl: () => Promise<string | undefined>;
  logger: Logger;
  /** Known secret values are removed from what agents wrote before it is shown. */
  scrub: (text: string) => string;
  /** How long one live read blocks (default 1 s). */
  blockMs?: number;
}

/** The jobs page wired to the dispatcher's store, queue, recent list and access policy. */
export function startJobsPage(dependencies: JobsPageDependencies): {
  page: JobsPage;
  close(): Promise<void>;
} {
  const { context, store, access } = dependencies;
  const feed = new RedisLiveFeed({
    connect: dependencies.connect,
    activeJobIds: () => store.activeJobIds(),
    queuedJobIds: async () =>
      (await context.admission.queued(LISTED_JOBS)).map((request) => request.jobId),
    dispatcherPhases: async (jobId) => (await store.get(jobId))?.phases,
    logger: dependencies.logger,
    scrub: dependencies.scrub,
    ...(dependencies.blockMs !== undefined ? { blockMs: dependencies.blockMs } : {}),
  });
  const page = createJobsPage({
    settings: dependencies.settings,
    slackApiUrl: dependencies.slackApiUrl,
    policy: access.policy,
    directory: access.directory,
    audit: access.audit,
    sources: {
      store,
      admission: context.admission,
      recent: dependencies.recentJobs,
      projects: context.projects,
      workspaceUrl: dependencies.workspaceUrl,
      now: context.now,
      scrub: dependencies.scrub,
    },
    feed,
    cancel: (jobId, person) => cancelFromPage(context, jobId, person),
    logger: dependencies.logger,
    now: context.now,
  });
  return {
    page,
    close: async () => {
      page.close();
      await feed.close();
    },
  };
}
