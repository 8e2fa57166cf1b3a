import { z } from 'zod';

/**
 * What one job's broker token may do, stored (under the token's hash) when the job is spawned:
 * one project, one repository, one ticket, one branch, one LLM provider, one budget, until the
 * job's deadline.
 */
export const JobScope = z.object({
  jobId: z.string().min(1),
  project: z.string().min(1),
  /**
   * The repository as the git host names it (`owner/name`, `group/sub/name`, `org/project/repo`);
   * empty for a local source.
   */
  repository: z.string(),
  /** The REST provider of {@link repository} (`github`, `gitlab`, `azuredevops`); absent = github. */
  repositoryProvider: z.string().optional(),
  /**
   * Where the tickets live, as the tracker's allow-list takes it: a GitHub repository, a GitLab
   * project, `org/project/` on Azure Boards, the project key on Jira; empty for local tickets.
   */
  trackerRepository: z.string(),
  /** The REST provider of {@link trackerRepository} (`github`, `gitlab`, `jira`, `azuredevops`); absent = github. */
  trackerProvider: z.string().optional(),
  ticket: z.string().min(1),
  branch: z.string().min(1),
  llm: z.object({
    /** The canonical provider (`anthropic`, `openai`, `google`, `openai-compatible`). */
    provider: z.string().min(1),
    model: z.string().optional(),
  }),
  budget: z.object({
    usd: z.number().positive().optional(),
    tokens: z.number().int().positive().optional(),
    /** What "Continue" on the 80 % question adds to {@link usd} (absent: `usd` again). */
    stepUsd: z.number().positive().optional(),
    /** How long the agent waits for the answer to the 80 % question. */
    questionTimeoutSeconds: z.number().int().positive().optional(),
  }),
  /** Epoch ms: the job's deadline; the token is worthless afterwards. */
  expiresAt: z.number().int(),
});
export type JobScope = z.infer<typeof JobScope>;

/** A job's LLM spending so far, as the broker counted it from the providers' answers. */
import type { JobLedger } from '../jobs/job-credential-issuer.js';

export type { JobLedger };

/** Tokens a budget counts: everything the provider billed. */
export function ledgerTokens(ledger: JobLedger): number {
  return ledger.inputTokens + ledger.outputTokens + ledger.cacheReadTokens;
}

/** Why the job's budget is spent, or undefined while it is not; `usd` is the cap after raises. */
export function budgetExhaustion(
  scope: JobScope,
  ledger: JobLedger,
  usd = scope.budget.usd,
): string | undefined {
  const { tokens } = scope.budget;
  if (usd !== undefined && ledger.costUsd >= usd) {
    return `this job spent $${ledger.costUsd.toFixed(2)} of its $${usd.toFixed(2)} LLM budget`;
  }
  if (tokens !== undefined && ledgerTokens(ledger) >= tokens) {
    return `this job used ${ledgerTokens(ledger).toLocaleString('en-US')} of its ${tokens.toLocaleString('en-US')} LLM tokens`;
  }
  return undefined;
}
