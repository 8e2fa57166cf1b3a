import type { LlmProvider } from '@agentsmith/providers';

/** Context windows (input tokens) of well-known model families, longest prefix first. */
const KNOWN_WINDOWS: [prefix: string, tokens: number][] = [
  ['claude-sonnet-4', 200_000],
  ['claude-opus-4', 200_000],
  ['claude-haiku-4', 200_000],
  ['claude-3', 200_000],
  ['claude', 200_000],
  ['gpt-5', 272_000],
  ['gpt-4.1', 1_000_000],
  ['gpt-4o', 128_000],
  ['o3', 200_000],
  ['o4', 200_000],
  ['gemini-2.5', 1_048_576],
  ['gemini-2.0', 1_048_576],
  ['gemini', 1_000_000],
];

/** What an unknown model gets: local servers (Ollama) often run with small windows. */
const FALLBACK_WINDOW: Record<LlmProvider, number> = {
  anthropic: 200_000,
  openai: 128_000,
  google: 1_000_000,
  'openai-compatible': 32_000,
};

/**
 * The context window of `modelId`: the configured value when there is one, else the known family's,
 * else a conservative default for the provider.
 */
export function contextWindowOf(
  modelId: string,
  provider: LlmProvider,
  configured?: number,
): number {
  if (configured !== undefined) return configured;
  const id = modelId.toLowerCase().replace(/^.*\//, '');
  const known = KNOWN_WINDOWS.find(([prefix]) => id.startsWith(prefix));
  return known?.[1] ?? FALLBACK_WINDOW[provider];
}
