import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { describeExit } from '../job-exit-description.js';
import type { JobExit } from '../job-spawner.js';

/** Container waiting reasons that never resolve by themselves. */
const IMAGE_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
]);
const CONFIG_REASONS = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export interface KubernetesJobFacts {
  jobId: string;
  /** undefined: the Job no longer exists. */
  job: V1Job | undefined;
  pods: V1Pod[];
  events: CoreV1Event[];
  image: string;
  memoryBytes?: number;
  /** The dispatcher deleted the Job itself. */
  stopped: boolean;
}

/** `activeDeadlineSeconds` in words, e.g. "60 min". */
function duration(seconds: number | undefined): string {
  if (seconds === undefined) return 'its deadline';
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * How a Job ended, from the Job, its Pods and its events; undefined while it still runs.
 * `fatal` marks an ending the cluster would not act on by itself (the Job must be deleted).
 */
export function kubernetesJobExit(
  facts: KubernetesJobFacts,
): (JobExit & { fatal?: boolean }) | undefined {
  const { jobId } = facts;
  if (!facts.job) {
    return facts.stopped
      ? { jobId, reason: 'stopped', message: 'stopped by the dispatcher' }
      : { jobId, reason: 'vanished', message: `Job agentsmith-${jobId} is gone` };
  }
  const conditions = facts.job.status?.conditions ?? [];
  const failed = conditions.find(
    (condition) => condition.type === 'Failed' && condition.status === 'True',
  );
  if (failed?.reason === 'DeadlineExceeded') {
    return {
      jobId,
      reason: 'deadline_exceeded',
      message: `stopped after exceeding its deadline of ${duration(facts.job.spec?.activeDeadlineSeconds)} (JOB_MAX_DURATION)`,
    };
  }
  const evicted = facts.pods.find((pod) => pod.status?.reason === 'Evicted');
  if (evicted) {
    // Checked before the container's exit code: eviction kills it, and the code alone says nothing.
    return {
      jobId,
      reason: 'exited',
      message: `the agent Pod was evicted: ${evicted.status?.message ?? 'no reason given'} — when its workspace, /tmp or logs outgrew their limits, raise AGENT_WORKSPACE_SIZE or AGENT_TMP_SIZE`,
    };
  }
  for (const pod of facts.pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && IMAGE_REASONS.has(waiting.reason)) {
        return {
          jobId,
          reason: 'image_missing',
          fatal: true,
          message: `agent image ${facts.image} cannot be pulled (${waiting.reason}): build and push it, or check IMAGE_PULL_POLICY`,
        };
      }
      if (waiting?.reason && CONFIG_REASONS.has(waiting.reason)) {
        return {
          jobId,
          reason: 'rejected',
          fatal: true,
          message:
            `the agent container cannot start (${waiting.reason}): ${waiting.message ?? ''}`.trim(),
        };
      }
      const terminated = status.state?.terminated;
      if (terminated) {
        return describeExit(jobId, {
          exitCode: terminated.exitCode,
          oomKilled: terminated.reason === 'OOMKilled',
          stopped: facts.stopped,
          ...(facts.memoryBytes ? { memoryBytes: facts.memoryBytes } : {}),
        });
      }
    }
    if (pod.status?.phase === 'Failed' && pod.status.reason) {
      return {
        jobId,
        reason: 'exited',
        message: `the agent Pod failed: ${pod.status.reason} ${pod.status.message ?? ''}`.trim(),
      };
    }
  }
  // The Job controller could not create the Pod (quota, admission policy): it would only retry.
  const refused = facts.events.find((event) => event.reason === 'FailedCreate');
  if (refused && facts.pods.length === 0) {
    return {
      jobId,
      reason: 'rejected',
      fatal: true,
      message: `the namespace admitted no agent Pod: ${refused.message ?? ''}`.trim(),
    };
  }
  if (
    conditions.some((condition) => condition.type === 'Complete' && condition.status === 'True')
  ) {
    return describeExit(jobId, { exitCode: 0 });
  }
  if (failed)
    return {
      jobId,
      reason: 'exited',
      message: `the Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim(),
    };
  return undefined;
}
