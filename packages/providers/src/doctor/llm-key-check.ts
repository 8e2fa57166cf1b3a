import { failed, lastFour, passed, type CheckResult } from '@agentsmith/kit';
import type { LlmProvider } from '../config/agent-llm-config.js';
import { hostOf, probeGet, refusalOf, type ProbeOptions } from './http-probe.js';

/** Where a provider's API answers and the headers that carry its key. */
export interface LlmEndpoint {
  provider: LlmProvider;
  /** The SDK's base URL, API version path included (`…/v1`, `…/v1beta`). */
  baseUrl: string;
  headers: Record<string, string>;
}

/** The variable each provider's key is read from. */
export const LLM_KEY_VARIABLES: Record<LlmProvider, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GEMINI_API_KEY',
  'openai-compatible': 'OPENAI_API_KEY',
};

const DEFAULT_BASE: Record<LlmProvider, string> = {
  anthropic: 'https://api.anthropic.com/v1',
  openai: 'https://api.openai.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
  'openai-compatible': 'http://localhost:11434/v1',
};

/** A vendor host without a path gets the API version path the SDKs expect. */
function withVersionPath(baseUrl: string, path: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  const pathname = new URL(trimmed).pathname;
  return pathname === '/' || pathname === '' ? `${trimmed}${path}` : trimmed;
}

/** The endpoint the agent's SDK would call, with the provider's own key header. */
export function llmEndpoint(
  provider: LlmProvider,
  apiKey: string | undefined,
  baseUrl: string | undefined,
): LlmEndpoint {
  const base = baseUrl ?? DEFAULT_BASE[provider];
  switch (provider) {
    case 'anthropic':
      return {
        provider,
        baseUrl: withVersionPath(base, '/v1'),
        headers: apiKey ? { 'x-api-key': apiKey } : {},
      };
    case 'google':
      return {
        provider,
        baseUrl: withVersionPath(base, '/v1beta'),
        headers: apiKey ? { 'x-goog-api-key': apiKey } : {},
      };
    case 'openai':
    case 'openai-compatible':
      return {
        provider,
        baseUrl: base.replace(/\/+$/, ''),
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      };
  }
}

/**
 * The cheapest authenticated call each provider has: its models list (no tokens are spent).
 * `key` is the key in use, only for its last four characters.
 */
export async function checkLlmKey(
  what: string,
  endpoint: LlmEndpoint,
  key: string | undefined,
  options: ProbeOptions,
): Promise<CheckResult> {
  const variable = LLM_KEY_VARIABLES[endpoint.provider];
  if (!key && endpoint.provider !== 'openai-compatible') {
    return failed(
      what,
      `${variable} is not set`,
      `set ${variable} to an API key of ${endpoint.provider}`,
    );
  }
  const headers =
    endpoint.provider === 'anthropic'
      ? { ...endpoint.headers, 'anthropic-version': '2023-06-01' }
      : endpoint.headers;
  const response = await probeGet(`${endpoint.baseUrl}/models`, headers, options);
  const shown = key ? `${variable} ${lastFour(key)}` : 'no key';
  if (response.status >= 200 && response.status < 300) {
    const body = response.body as { data?: unknown[]; models?: unknown[] } | undefined;
    const count = (body?.data ?? body?.models)?.length;
    return passed(
      what,
      `${endpoint.provider} at ${hostOf(endpoint.baseUrl)} accepted ${shown}${count === undefined ? '' : ` (${count} ${count === 1 ? 'model' : 'models'})`}`,
    );
  }
  return failed(
    what,
    `${endpoint.provider} at ${hostOf(endpoint.baseUrl)}: ${refusalOf(response.status)} with ${shown}`,
    response.status === 401 || response.status === 403
      ? `set ${variable} to a valid key of ${endpoint.provider}`
      : `check the provider's base URL (agent.base_url or the *_BASE_URL variable)`,
  );
}
