import { BUDGET_HEADER } from '@agentsmith/contracts';
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

/** The budget refusal: 402, not retryable, with what was spent and how to raise the cap. */
export function budgetExhaustedError(
  provider: string,
  spent: string,
  project: string,
): BrokerRefusal {
  const message =
    `LLM budget exhausted: ${spent}. Raise agent.budget (usd or tokens) of project ${project} ` +
    'in agentsmith.yml, or AGENT_BUDGET_USD / AGENT_BUDGET_TOKENS for every project, and ask again.';
  return providerError(provider, 402, 'budget_exhausted', message, {
    [BUDGET_HEADER]: 'exhausted',
  });
}
