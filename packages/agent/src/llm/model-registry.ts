import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AgentLlmConfig, LlmProvider } from '@agentsmith/providers';
import { canonicalLlmProvider, defaultModelFor } from '@agentsmith/providers';
import type { generateText, LanguageModel } from 'ai';

/** Per-call provider settings (thinking, reasoning effort, storage) as the SDK takes them. */
export type CallProviderOptions = NonNullable<
  Parameters<typeof generateText>[0]['providerOptions']
>;

/** The jobs the agent gives to models; each can use a different model. */
export type ModelRole = 'scout' | 'primary' | 'planning' | 'reasoning' | 'summarization';

export const MODEL_ROLES: readonly ModelRole[] = [
  'scout',
  'primary',
  'planning',
  'reasoning',
  'summarization',
];

/** A resolved model for one role. */
export interface RoleModel {
  /** The SDK model. */
  model: LanguageModel;
  /** Model id, the key of the pricing table. */
  modelId: string;
  provider: LlmProvider;
  /** Output token cap for calls in this role (a thinking budget included). */
  maxTokens: number;
  /** Sent with every call of the loop in this role: extended thinking where the model has it. */
  providerOptions?: CallProviderOptions | undefined;
}

/** One resolved model per role. */
export type ModelSet = Record<ModelRole, RoleModel>;

/** What {@link createModelRegistry} needs; credentials come from the caller (the environment). */
export interface ModelRegistrySettings {
  /** The project's `agent:` block. */
  config: AgentLlmConfig;
  /** `ANTHROPIC_API_KEY`, `OPENAI_API_KEY` or `GEMINI_API_KEY`, whichever the provider needs. */
  apiKey?: string;
  /** `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`; wins over `config.base_url`. */
  baseUrlOverride?: string;
  /** Injected for tests and proxies. */
  fetch?: typeof globalThis.fetch;
}

const DEFAULT_MAX_TOKENS: Record<ModelRole, number> = {
  scout: 2048,
  primary: 8192,
  planning: 4096,
  reasoning: 8192,
  summarization: 2048,
};

/**
 * Picks the API key and base-URL override for the configured provider from an environment
 * (`ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`, `OPENAI_API_KEY`/`OPENAI_BASE_URL`, `GEMINI_API_KEY`).
 * The caller passes `process.env` from its composition root.
 */
export function llmSettingsFromEnvironment(
  config: AgentLlmConfig,
  env: Readonly<Record<string, string | undefined>>,
): Pick<ModelRegistrySettings, 'apiKey' | 'baseUrlOverride'> {
  const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  switch (canonicalLlmProvider(config.type)) {
    case 'anthropic':
      return {
        apiKey: nonEmpty(env['ANTHROPIC_API_KEY']),
        baseUrlOverride: nonEmpty(env['ANTHROPIC_BASE_URL']),
      };
    case 'openai':
      return {
        apiKey: nonEmpty(env['OPENAI_API_KEY']),
        baseUrlOverride: nonEmpty(env['OPENAI_BASE_URL']),
      };
    case 'google':
      return {
        apiKey: nonEmpty(env['GEMINI_API_KEY']) ?? nonEmpty(env['GOOGLE_GENERATIVE_AI_API_KEY']),
      };
    case 'openai-compatible':
      // Local servers (Ollama) need no key; base_url comes from the config.
      return { apiKey: nonEmpty(env['OPENAI_API_KEY']) };
  }
}

const OLLAMA_BASE_URL = 'http://localhost:11434/v1';

/**
 * Resolves the `agent:` block to one SDK model per role. A role without its own entry in
 * `models` uses `model` (when set) for the loop roles and the provider's default otherwise.
 * The SDK's own retries are left to the caller (the loop passes `maxRetries: 0`).
 */
export function createModelRegistry(settings: ModelRegistrySettings): ModelSet {
  const provider = canonicalLlmProvider(settings.config.type);
  const factory = providerFactory(provider, settings);
  const entries = MODEL_ROLES.map((role): [ModelRole, RoleModel] => {
    const configured = settings.config.models[role];
    const modelId = configured?.model ?? defaultModelFor(role, provider, settings.config.model);
    const maxTokens = configured?.max_tokens ?? DEFAULT_MAX_TOKENS[role];
    const thinking = LOOP_ROLES.has(role)
      ? thinkingOptions(provider, modelId, settings.config.thinking)
      : undefined;
    return [
      role,
      {
        model: factory(modelId),
        modelId,
        provider,
        maxTokens: maxTokens + (thinking?.extraOutputTokens ?? 0),
        ...(thinking ? { providerOptions: thinking.options } : {}),
      },
    ];
  });
  return Object.fromEntries(entries) as ModelSet;
}

/** The roles that drive the coding loop (extended thinking applies to them). */
const LOOP_ROLES = new Set<ModelRole>(['primary', 'reasoning']);

/**
 * Extended thinking for a loop model that has it: Anthropic's thinking budget (Claude 3.7 and 4.x),
 * Gemini's thinking budget (2.5 and later), OpenAI's reasoning effort (gpt-5, o-series; answers are
 * not stored and reasoning is carried as encrypted content). Other models get nothing.
 */
export function thinkingOptions(
  provider: LlmProvider,
  modelId: string,
  thinking: AgentLlmConfig['thinking'],
): { options: CallProviderOptions; extraOutputTokens: number } | undefined {
  if (!thinking.enabled) return undefined;
  const id = modelId.toLowerCase();
  if (provider === 'anthropic' && /claude-(3-7|(sonnet|opus|haiku)-4|[a-z]+-[4-9])/.test(id)) {
    return {
      options: {
        anthropic: { thinking: { type: 'enabled', budgetTokens: thinking.budget_tokens } },
      },
      // The Anthropic provider adds the budget to max_tokens itself.
      extraOutputTokens: 0,
    };
  }
  if (provider === 'google' && /gemini-(2\.5|[3-9])/.test(id)) {
    return {
      options: { google: { thinkingConfig: { thinkingBudget: thinking.budget_tokens } } },
      extraOutputTokens: thinking.budget_tokens,
    };
  }
  if (provider === 'openai' && /^(gpt-5|o\d)/.test(id)) {
    return {
      options: {
        openai: {
          reasoningEffort: thinking.reasoning_effort,
          store: false,
          include: ['reasoning.encrypted_content'],
        },
      },
      extraOutputTokens: 0,
    };
  }
  return undefined;
}

function providerFactory(
  provider: LlmProvider,
  settings: ModelRegistrySettings,
): (modelId: string) => LanguageModel {
  const baseURL = settings.baseUrlOverride ?? settings.config.base_url;
  const common = { apiKey: settings.apiKey, fetch: settings.fetch };
  switch (provider) {
    case 'anthropic': {
      const anthropic = createAnthropic({ ...common, baseURL: withDefaultPath(baseURL, '/v1') });
      return (modelId) => anthropic(modelId);
    }
    case 'openai': {
      // The Responses API (OpenAI reports better agentic results through it than through Chat
      // Completions); gateways that only speak Chat Completions use type openai-compatible.
      const openai = createOpenAI({ ...common, baseURL });
      return (modelId) => openai.responses(modelId);
    }
    case 'google': {
      const google = createGoogleGenerativeAI({
        ...common,
        baseURL: withDefaultPath(baseURL, '/v1beta'),
      });
      return (modelId) => google(modelId);
    }
    case 'openai-compatible': {
      const compatible = createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: baseURL ?? OLLAMA_BASE_URL,
        apiKey: settings.apiKey,
        fetch: settings.fetch,
        includeUsage: true,
        supportsStructuredOutputs: true,
      });
      return (modelId) => compatible(modelId);
    }
  }
}

/**
 * Users often give a vendor's host only (`https://api.anthropic.com`, a Gemini proxy's root); the
 * SDKs want the API version path (`/v1`, `/v1beta`). A URL with any path is taken as it is.
 */
export function withDefaultPath(baseUrl: string | undefined, path: string): string | undefined {
  if (baseUrl === undefined) return undefined;
  const trimmed = baseUrl.replace(/\/+$/, '');
  try {
    const pathname = new URL(trimmed).pathname;
    return pathname === '/' || pathname === '' ? `${trimmed}${path}` : trimmed;
  } catch {
    return trimmed;
  }
}
