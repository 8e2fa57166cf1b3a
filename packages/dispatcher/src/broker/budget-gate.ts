import { BUDGET_ASK_FRACTION } from '@agentsmith/contracts';
import type { ProjectConfig } from '@agentsmith/providers';
import type { DailyCapReached } from '../jobs/job-budget.js';
import type { BrokerContext } from './broker-context.js';
import {
  budgetExhaustedError,
  budgetQuestionError,
  budgetStoppedError,
  dailyCapError,
} from './llm-errors.js';
import { budgetExhaustion, type JobLedger, type JobScope } from './job-scope.js';
import type { BudgetDecisions, RedisCredentialStore } from './redis-credential-store.js';

const DAY_MS = 24 * 60 * 60_000;

/** The job's dollar cap now: its budget plus what "Continue" added; undefined without one. */
export function currentCap(scope: JobScope, decisions: BudgetDecisions): number | undefined {
  const { usd } = scope.budget;
  return usd === undefined ? undefined : usd + decisions.raisedUsd;
}

/** Whether the job is at its question threshold (80 % of the current cap) and not yet stopped. */
export function pausedForQuestion(
  scope: JobScope,
  ledger: JobLedger,
  decisions: BudgetDecisions,
): boolean {
  const cap = currentCap(scope, decisions);
  return (
    decisions.stopped === undefined &&
    cap !== undefined &&
    ledger.costUsd >= cap * BUDGET_ASK_FRACTION
  );
}

/** The project's daily cap when its jobs together reached it today (UTC), else undefined. */
export async function dailyCapReached(
  store: RedisCredentialStore,
  projectName: string,
  project: ProjectConfig,
  now: number,
): Promise<DailyCapReached | undefined> {
  const capUsd = project.agent.budget.daily_usd;
  if (capUsd === undefined) return undefined;
  const spentUsd = await store.dailySpent(projectName, now);
  if (spentUsd < capUsd) return undefined;
  return {
    project: projectName,
    capUsd,
    spentUsd,
    resetsAt: (Math.floor(now / DAY_MS) + 1) * DAY_MS,
  };
}

/** "project shop spent $5.10 of its $5.00 daily LLM cap (agent.budget.daily_usd); …" */
export function describeDailyCap(reached: DailyCapReached): string {
  const resets = new Date(reached.resetsAt).toISOString().slice(0, 16).replace('T', ' ');
  return (
    `project ${reached.project} spent $${reached.spentUsd.toFixed(2)} of its ` +
    `$${reached.capUsd.toFixed(2)} daily LLM cap (agent.budget.daily_usd); it resets at ${resets} UTC.`
  );
}

/**
 * Decides, before a call is forwarded, whether the job may still spend: refused once stopped, at
 * its cap (dollars after raises, or tokens), at the project's daily cap, and — until its requester
 * answers — from 80 % of its dollar cap on. The ledger here is the only truth: an agent that never
 * asks its question simply gets no more calls.
 */
export async function checkJobBudget(
  context: BrokerContext,
  scope: JobScope,
  project: ProjectConfig,
  provider: string,
  now: number,
): Promise<void> {
  const [ledger, decisions] = await Promise.all([
    context.store.ledger(scope.jobId),
    context.store.budgetDecisions(scope.jobId),
  ]);
  if (decisions.stopped !== undefined) throw budgetStoppedError(provider, decisions.stopped);
  const cap = currentCap(scope, decisions);
  const spent = budgetExhaustion(scope, ledger, cap);
  if (spent) throw budgetExhaustedError(provider, spent, scope.project);
  const daily = await dailyCapReached(context.store, scope.project, project, now);
  if (daily) throw dailyCapError(provider, describeDailyCap(daily));
  if (cap !== undefined && pausedForQuestion(scope, ledger, decisions)) {
    throw budgetQuestionError(provider, {
      spentUsd: ledger.costUsd,
      capUsd: cap,
      stepUsd: scope.budget.stepUsd ?? scope.budget.usd ?? cap,
      timeoutSeconds: scope.budget.questionTimeoutSeconds ?? 900,
    });
  }
}
