import { BUDGET_ASK_HEADERS, BUDGET_HEADER, type BudgetRefusal } from '@agentsmith/contracts';
import { BrokerRefusal } from './http-relay.js';

/**
 * An error in the provider's own shape (what its SDK parses into a message), so the agent's SDK
 * reports the broker's words: Anthropic `{type:"error",error:{type,message}}`, OpenAI and
 * compatible servers `{error:{message,type,code}}`, Gemini `{error:{code,message,status}}`.
 */
export function providerError(
  provider: string,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): BrokerRefusal {
  const body =
    provider === 'anthropic'
      ? { type: 'error', error: { type, message } }
      : provider === 'google'
        ? { error: { code: status, message, status: type.toUpperCase() } }
        : { error: { message, type, code: type } };
  return new BrokerRefusal(
    status,
    message,
    { ...headers, 'content-type': 'application/json' },
    JSON.stringify(body),
  );
}

/** A money refusal: 402, never retried, marked with why in {@link BUDGET_HEADER}. */
function budgetRefusal(
  provider: string,
  why: BudgetRefusal,
  message: string,
  headers: Record<string, string> = {},
): BrokerRefusal {
  return providerError(provider, 402, 'budget_exhausted', message, {
    ...headers,
    [BUDGET_HEADER]: why,
  });
}

/** The job's cap is reached: what was spent and how to raise the cap. */
export function budgetExhaustedError(
  provider: string,
  spent: string,
  project: string,
): BrokerRefusal {
  const message =
    `LLM budget exhausted: ${spent}. Raise agent.budget (usd or tokens) of project ${project} ` +
    'in agentsmith.yml, or AGENT_BUDGET_USD / AGENT_BUDGET_TOKENS for every project, and ask again.';
  return budgetRefusal(provider, 'exhausted', message);
}

/** The job reached 80 % of its cap: it waits until its requester answers the budget question. */
export function budgetQuestionError(
  provider: string,
  figures: { spentUsd: number; capUsd: number; stepUsd: number; timeoutSeconds: number },
): BrokerRefusal {
  const message =
    `LLM budget almost spent: $${figures.spentUsd.toFixed(2)} of $${figures.capUsd.toFixed(2)}. ` +
    `Ask the requester (a budget question) whether to continue up to $${figures.stepUsd.toFixed(2)} more.`;
  return budgetRefusal(provider, 'ask', message, {
    [BUDGET_ASK_HEADERS.spentUsd]: figures.spentUsd.toFixed(4),
    [BUDGET_ASK_HEADERS.capUsd]: figures.capUsd.toFixed(4),
    [BUDGET_ASK_HEADERS.stepUsd]: figures.stepUsd.toFixed(4),
    [BUDGET_ASK_HEADERS.timeoutSeconds]: String(figures.timeoutSeconds),
  });
}

/** The requester stopped the job (or its budget question timed out). */
export function budgetStoppedError(provider: string, reason: string): BrokerRefusal {
  return budgetRefusal(provider, 'stopped', `LLM budget: the job was stopped (${reason}).`);
}

/** The project's jobs together reached its daily cap. */
export function dailyCapError(provider: string, reason: string): BrokerRefusal {
  return budgetRefusal(provider, 'daily-cap', `LLM budget: ${reason}`);
}
