import type { Redis } from 'ioredis';
import {
  BROKER_ENVIRONMENT,
  egressProxyEnvironment,
  jobBranchName,
  toRedisUrl,
  type JobSpec,
} from '@agentsmith/contracts';
import {
  canonicalLlmProvider,
  canonicalTicketReference,
  type ProjectConfig,
} from '@agentsmith/providers';
import type { BrokerConfig } from '../config/broker-config.js';
import type { JobCredentialIssuer } from '../jobs/job-credential-issuer.js';
import type { JobScope } from './job-scope.js';
import { mintEgressToken, mintJobToken, mintPassword } from './job-token.js';
import type { RedisCredentialStore } from './redis-credential-store.js';
import { createJobRedisUser, deleteJobRedisUser } from './redis-job-acl.js';
import { projectRepositories } from './upstreams.js';

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
  const stepUsd = project.agent.budget.step_usd ?? budget.usd;
  return {
    jobId: spec.jobId,
    project: spec.intent.project,
    repository: repositories.source,
    repositoryProvider: repositories.sourceProvider,
    trackerRepository: repositories.tracker,
    trackerProvider: repositories.trackerProvider,
    ticket: canonicalTicketReference(project.tickets, spec.intent.ticketId),
    branch: jobBranchName(canonicalTicketReference(project.tickets, spec.intent.ticketId)),
    llm: {
      provider: canonicalLlmProvider(project.agent.type),
      ...(project.agent.model === undefined ? {} : { model: project.agent.model }),
    },
    budget: {
      ...budget,
      ...(stepUsd === undefined ? {} : { stepUsd }),
      questionTimeoutSeconds: config.budgetQuestionTimeoutSeconds,
    },
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
      const egressToken = mintEgressToken();
      // Independent writes, on the path to a running agent; a failure is undone by `revoke`.
      const [, , username] = await Promise.all([
        store.save(token, jobScope(spec, project, config, expiresAt)),
        store.saveEgress(egressToken, {
          jobId: spec.jobId,
          project: spec.intent.project,
          expiresAt,
        }),
        createJobRedisUser(redis, spec.jobId, password),
      ]);
      return {
        ...egressProxyEnvironment(config.agentUrl, egressToken, [
          new URL(toRedisUrl(spec.redisUrl)).hostname,
        ]),
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
