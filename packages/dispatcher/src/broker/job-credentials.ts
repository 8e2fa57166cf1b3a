import type { Redis } from 'ioredis';
import { BROKER_ENVIRONMENT, jobBranchName, type JobSpec } from '@agentsmith/contracts';
import { canonicalLlmProvider, type ProjectConfig } from '@agentsmith/providers';
import type { BrokerConfig } from './broker-config.js';
import type { JobLedger, JobScope } from './job-scope.js';
import { mintJobToken, mintPassword } from './job-token.js';
import type { RedisCredentialStore } from './redis-credential-store.js';
import { createJobRedisUser, deleteJobRedisUser } from './redis-job-acl.js';
import { projectRepositories } from './upstreams.js';

/** Per-job identities: minted at spawn, revoked when the job ends. */
export interface JobCredentialIssuer {
  /**
   * Mints the job's broker token and Redis user and returns the environment the agent gets
   * (nothing else of the dispatcher's secrets reaches it).
   */
  issue(spec: JobSpec): Promise<Record<string, string>>;
  /** Revokes both (idempotent): the token stops working, the Redis user is deleted and disconnected. */
  revoke(jobId: string): Promise<void>;
  /** What the job spent on the LLM, as the broker counted it. */
  ledger(jobId: string): Promise<JobLedger>;
}

/** The scope a job's token carries. */
export function jobScope(
  spec: JobSpec,
  project: ProjectConfig,
  config: BrokerConfig,
  expiresAt: number,
): JobScope {
  const repositories = projectRepositories(project);
  const budget = { ...config.defaultBudget };
  if (project.agent.budget.usd !== undefined) budget.usd = project.agent.budget.usd;
  if (project.agent.budget.tokens !== undefined) budget.tokens = project.agent.budget.tokens;
  return {
    jobId: spec.jobId,
    project: spec.intent.project,
    repository: repositories.source,
    trackerRepository: repositories.tracker,
    ticket: spec.intent.ticketId,
    branch: jobBranchName(spec.intent.ticketId),
    llm: {
      provider: canonicalLlmProvider(project.agent.type),
      ...(project.agent.model === undefined ? {} : { model: project.agent.model }),
    },
    budget,
    expiresAt,
  };
}

/** The issuer over Redis: token scopes in {@link RedisCredentialStore}, one ACL user per job. */
export function createJobCredentialIssuer(options: {
  redis: Redis;
  store: RedisCredentialStore;
  config: BrokerConfig;
  loadProject: (name: string) => Promise<ProjectConfig>;
  now?: () => number;
}): JobCredentialIssuer {
  const { redis, store, config } = options;
  const now = options.now ?? Date.now;
  return {
    async issue(spec) {
      const project = await options.loadProject(spec.intent.project);
      const token = mintJobToken();
      const password = mintPassword();
      // A little past the deadline: the agent still writes its final entry when the deadline hits.
      const expiresAt = now() + spec.maxDurationSeconds * 1000 + 60_000;
      await store.save(token, jobScope(spec, project, config, expiresAt));
      const username = await createJobRedisUser(redis, spec.jobId, password);
      return {
        [BROKER_ENVIRONMENT.brokerUrl]: config.agentUrl,
        [BROKER_ENVIRONMENT.jobToken]: token,
        [BROKER_ENVIRONMENT.redisUsername]: username,
        [BROKER_ENVIRONMENT.redisPassword]: password,
      };
    },
    async revoke(jobId) {
      await store.revoke(jobId);
      await deleteJobRedisUser(redis, jobId);
    },
    ledger: (jobId) => store.ledger(jobId),
  };
}
