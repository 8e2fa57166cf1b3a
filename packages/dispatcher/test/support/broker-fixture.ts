import { PROTOCOL_VERSION, type JobSpec, type OutboundEntry } from '@agentsmith/contracts';
import { newJobId, silentLogger } from '@agentsmith/kit';
import { ProjectConfig } from '@agentsmith/providers';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { startBrokerServer, type RunningBroker } from '../../src/broker/broker-server.js';
import type { BrokerConfig, BrokerCredentials } from '../../src/config/broker-config.js';
import { createBudgetControl } from '../../src/broker/budget-control.js';
import { createJobCredentialIssuer } from '../../src/broker/job-credentials.js';
import type { JobBudgetControl } from '../../src/jobs/job-budget.js';
import type { JobCredentialIssuer } from '../../src/jobs/job-credential-issuer.js';
import { RedisCredentialStore } from '../../src/broker/redis-credential-store.js';

/** A broker on a free local port over the real Redis, with one configurable project. */
export interface BrokerFixture {
  broker: RunningBroker;
  issuer: JobCredentialIssuer;
  /** The dispatcher's side of the budget question and the daily cap. */
  budget: JobBudgetControl;
  store: RedisCredentialStore;
  redis: RedisTestContext;
  /** Mints a job of `project` (default `app`, ticket 58) and returns its spec and environment. */
  mint(overrides?: Partial<JobSpec>): Promise<{ spec: JobSpec; env: Record<string, string> }>;
  close(): Promise<void>;
}

/** A job spec for `project`, ticket 58. */
export function brokerJobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId: newJobId(),
    intent: { ticketId: '58', project: 'app' },
    platform: 'slack',
    channelId: 'C0BROKER',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 300,
    createdAt: Date.now(),
    ...overrides,
  };
}

export async function startBrokerFixture(options: {
  projects: Record<string, unknown>;
  credentials: BrokerCredentials;
  defaultBudget?: BrokerConfig['defaultBudget'];
  /** Replaces the broker's outbound fetch (to make the upstream fail in a chosen way). */
  fetch?: typeof fetch;
  /** Receives what the broker writes onto a job's out stream (egress refusals). */
  reportToJob?: (entry: OutboundEntry) => Promise<void>;
}): Promise<BrokerFixture> {
  const redis = await redisTestContext();
  const projects = Object.fromEntries(
    Object.entries(options.projects).map(([name, raw]) => [name, ProjectConfig.parse(raw)]),
  );
  const loadProject = (name: string) => Promise.resolve(projects[name]);
  const store = new RedisCredentialStore(redis.redis, `${redis.prefix}broker:`);
  const config: BrokerConfig = {
    port: 0,
    agentUrl: 'http://broker.invalid:8081',
    defaultBudget: options.defaultBudget ?? { usd: 20 },
    budgetQuestionTimeoutSeconds: 30,
    credentials: options.credentials,
  };
  const broker = await startBrokerServer(
    {
      store,
      credentials: options.credentials,
      loadProject,
      logger: silentLogger(),
      ...(process.env['PATH'] ? { gitSearchPath: process.env['PATH'] } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.reportToJob ? { reportToJob: options.reportToJob } : {}),
    },
    { port: 0, host: '127.0.0.1' },
  );
  const issuer = createJobCredentialIssuer({
    redis: redis.redis,
    store,
    config,
    loadProject: async (name) => {
      const project = await loadProject(name);
      if (!project) throw new Error(`no project ${name}`);
      return project;
    },
  });
  const minted: string[] = [];
  return {
    broker,
    issuer,
    budget: createBudgetControl({ store, loadProject }),
    store,
    redis,
    async mint(overrides = {}) {
      const spec = brokerJobSpec(overrides);
      minted.push(spec.jobId);
      return { spec, env: await issuer.issue(spec) };
    },
    async close() {
      await Promise.all(minted.map((jobId) => issuer.revoke(jobId).catch(() => undefined)));
      await broker.close();
      await redis.cleanup();
    },
  };
}
