import type { OutboundEntry } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { ProjectConfig } from '@agentsmith/providers';
import type { BrokerConfig } from '../config/broker-config.js';
import { startBrokerServer } from './broker-server.js';
import type { JobCredentialIssuer } from '../jobs/job-credential-issuer.js';
import type { JobBudgetControl } from '../jobs/job-budget.js';
import { createBudgetControl } from './budget-control.js';
import { createJobCredentialIssuer } from './job-credentials.js';
import { RedisCredentialStore, type RedisConnection } from './redis-credential-store.js';

/** What the dispatcher's composition root hands the broker. */
export interface BrokerSetup {
  config: BrokerConfig;
  /** A configured project by name (read fresh), undefined when unknown. */
  loadProject: (name: string) => Promise<ProjectConfig | undefined>;
  /** Listen address (default all interfaces; tests use 127.0.0.1). */
  host?: string;
  /** Prefix of the broker's Redis keys (tests isolate themselves). */
  keyPrefix?: string;
  fetch?: typeof fetch;
}

/** A running broker and the per-job credentials it honours. */
export interface StartedBroker {
  url: string;
  issuer: JobCredentialIssuer;
  /** The budget question's answers and the daily cap, over the broker's ledger. */
  budget: JobBudgetControl;
  /** The broker's count of a job's LLM spending, for the final card (undefined: none or unpriced). */
  finalCost(jobId: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Starts the credential broker on its own port, over the dispatcher's Redis connection. */
export async function startBroker(
  setup: BrokerSetup,
  redis: RedisConnection,
  logger: Logger,
  /** Where the egress proxy's refusal notes go: the job store's `writeAsAgent`. */
  jobs?: { writeAsAgent(entry: OutboundEntry): Promise<void> },
): Promise<StartedBroker> {
  const store = new RedisCredentialStore(redis, setup.keyPrefix);
  const loadProject = async (name: string): Promise<ProjectConfig> => {
    const project = await setup.loadProject(name);
    if (!project) throw new Error(`project ${name} is not configured`);
    return project;
  };
  const server = await startBrokerServer(
    {
      store,
      credentials: setup.config.credentials,
      loadProject: setup.loadProject,
      logger,
      ...(jobs ? { reportToJob: (entry: OutboundEntry) => jobs.writeAsAgent(entry) } : {}),
      ...(setup.fetch ? { fetch: setup.fetch } : {}),
      ...(setup.config.gitSearchPath ? { gitSearchPath: setup.config.gitSearchPath } : {}),
    },
    { port: setup.config.port, ...(setup.host ? { host: setup.host } : {}) },
  );
  const issuer = createJobCredentialIssuer({ redis, store, config: setup.config, loadProject });
  logger.info({ url: server.url, agentUrl: setup.config.agentUrl }, 'Credential broker started');
  return {
    url: server.url,
    issuer,
    budget: createBudgetControl({ store, loadProject: setup.loadProject }),
    async finalCost(jobId) {
      const ledger = await store.ledger(jobId);
      return ledger.calls > 0 && ledger.unpricedCalls === 0 ? ledger.costUsd : undefined;
    },
    close: () => server.close(),
  };
}
