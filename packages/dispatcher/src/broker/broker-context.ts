import type { OutboundEntry } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { ProjectConfig } from '@agentsmith/providers';
import type { BrokerCredentials } from '../config/broker-config.js';
import type { RedisCredentialStore } from './redis-credential-store.js';

/** What every proxy of the broker needs. */
export interface BrokerContext {
  store: RedisCredentialStore;
  credentials: BrokerCredentials;
  /** A configured project, read fresh (so the upstream follows edits); undefined when unknown. */
  loadProject: (name: string) => Promise<ProjectConfig | undefined>;
  logger: Logger;
  /** Writes onto a job's `job:<id>:out` stream (the egress proxy's refusal notes). */
  reportToJob?: (entry: OutboundEntry) => Promise<void>;
  /** `PATH` for the git that serves `local` sources (default `/usr/local/bin:/usr/bin:/bin`). */
  gitSearchPath?: string;
  /** Injected in tests; global fetch otherwise. */
  fetch?: typeof fetch;
}
