import type { JobSpec } from '@agentsmith/contracts';

/** What one job spent on the LLM, as the credential broker counted it. */
export interface JobLedger {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** US dollars of the priced calls. */
  costUsd: number;
  /** Calls to a model without a price (their cost is unknown, so `costUsd` is a lower bound). */
  unpricedCalls: number;
}

/**
 * Per-job identities (the port `broker/` implements): minted at spawn, revoked when the job ends
 * (docs/security.md).
 */
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
