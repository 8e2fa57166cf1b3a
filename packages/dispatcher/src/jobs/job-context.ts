import type { BundledRecording, JobSpec, Platform } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { AccessControl } from './access-control.js';
import type { JobBudgetControl } from './job-budget.js';
import type { AdmissionQueue } from './admission-queue.js';
import type { JobCredentialIssuer } from './job-credential-issuer.js';
import type { ConversationStateManager } from '../conversations/conversation-state-manager.js';
import type { Metrics } from '../server/metrics.js';
import type { JobSpawner } from '../spawners/job-spawner.js';
import type { JobStore } from './job-store.js';
import type { Notifier } from './notifier.js';
import type { ProjectCatalog } from './project-catalog.js';
import type { RecentJobs } from './recent-jobs.js';

/** Everything the job application services need; built once in `main.ts`. */
export interface JobContext {
  conversations: ConversationStateManager;
  /** Who may start now, who waits; one job per channel and per ticket (jobs/admission-queue.ts). */
  admission: AdmissionQueue;
  jobs: JobStore;
  notifier: Notifier;
  spawner: JobSpawner;
  projects: ProjectCatalog;
  metrics: Metrics;
  logger: Logger;
  /** Redis address handed to the agent (as given in REDIS_URL, e.g. `redis:6379`). */
  agentRedisUrl: string;
  jobMaxDurationMs: number;
  cancelGraceSeconds: number;
  now: () => number;
  newJobId: () => string;
  /** Mints and revokes each job's own identity (the credential broker); absent in some tests. */
  credentials?: JobCredentialIssuer;
  /** Who may use the bot, and the audit log; without it everyone may (some tests). */
  access?: AccessControl;
  /** The broker's say over spending (budget question, daily cap); absent without a broker. */
  budget?: JobBudgetControl;
  /** Called once the spawner accepted a job (the watchdog starts following it). */
  onSpawned?: (spec: JobSpec) => void;
  /** Where finished jobs are recorded for the jobs page; absent in some tests. */
  recentJobs?: RecentJobs;
  /** Called when a job became "stopping" (the stop enforcer looks at once). */
  onStopping?: (jobId: string) => void;
  /** Every job replays this bundled recording instead of calling a model (`dispatcher demo`). */
  jobReplay?: BundledRecording;
}

/** Where a chat request came from and where replies go. */
export interface ChatOrigin {
  /** `slack`, or `cli` for the demo's terminal (terminal/terminal-chat.ts). */
  platform: Platform;
  channelId: string;
  userId: string;
  /** The workspace the request came from (`user_team` of a Slack event), when the platform says. */
  teamId?: string | undefined;
  /** Thread to reply in (the asking message's ts, or its thread). */
  threadTs: string;
  /** When the message reached the dispatcher (epoch ms), for the job's phase timings. */
  receivedAt?: number;
}

/** The lock outlives the job's deadline a little: it is only the last safety net. */
export function lockTtlMs(jobMaxDurationMs: number): number {
  return jobMaxDurationMs + Math.max(60_000, Math.round(jobMaxDurationMs * 0.1));
}
