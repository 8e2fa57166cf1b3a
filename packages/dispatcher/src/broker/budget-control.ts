import type { ProjectConfig } from '@agentsmith/providers';
import type { JobBudgetControl } from '../jobs/job-budget.js';
import { currentCap, dailyCapReached, describeDailyCap, pausedForQuestion } from './budget-gate.js';
import type { RedisCredentialStore } from './redis-credential-store.js';

/** The dispatcher's side of the budget question and the daily cap, over the broker's ledger. */
export function createBudgetControl(options: {
  store: RedisCredentialStore;
  loadProject: (name: string) => Promise<ProjectConfig | undefined>;
  now?: () => number;
}): JobBudgetControl {
  const { store } = options;
  const now = options.now ?? Date.now;
  return {
    async continueJob(jobId, questionId) {
      const scope = await store.scopeOfJob(jobId);
      if (!scope) return undefined;
      const [ledger, decisions] = await Promise.all([
        store.ledger(jobId),
        store.budgetDecisions(jobId),
      ]);
      // Only a job the broker actually paused gets more: a question the agent made up does not.
      if (!pausedForQuestion(scope, ledger, decisions)) return undefined;
      const step = scope.budget.stepUsd ?? scope.budget.usd;
      if (step === undefined) return undefined;
      if (!(await store.raiseBudget(jobId, questionId, step, scope.expiresAt))) return undefined;
      return currentCap(scope, await store.budgetDecisions(jobId));
    },
    async stopJob(jobId, reason) {
      const scope = await store.scopeOfJob(jobId);
      if (scope) await store.stopBudget(jobId, reason, scope.expiresAt);
    },
    async dailyCapReached(projectName) {
      const project = await options.loadProject(projectName);
      return project ? dailyCapReached(store, projectName, project, now()) : undefined;
    },
    describeDailyCap,
  };
}
