import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { generateText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createModelRegistry,
  llmSettingsFromEnvironment,
  MODEL_ROLES,
  withDefaultPath,
} from './model-registry.js';

const idsOf = (type: string, extra: Record<string, unknown> = {}) => {
  const models = createModelRegistry({
    config: AgentLlmConfig.parse({ type, ...extra }),
    apiKey: 'k',
  });
  return Object.fromEntries(MODEL_ROLES.map((role) => [role, models[role].modelId]));
};

describe('llm/model-registry', () => {
  let llm: FakeLlmApi;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
  });

  afterEach(async () => {
    await llm.stop();
  });

  it.each([
    ['claude', 'claude-haiku-4-5', 'claude-sonnet-4-5'],
    ['openai', 'gpt-5-mini', 'gpt-5'],
    ['gemini', 'gemini-2.5-flash', 'gemini-2.5-pro'],
    ['ollama', 'qwen2.5-coder', 'qwen2.5-coder'],
  ])('has defaults for %s', (type, scout, primary) => {
    expect(idsOf(type)).toMatchObject({ scout, primary, summarization: scout, planning: primary });
  });

  it('uses the configured model for the work roles and per-role overrides over it', () => {
    expect(
      idsOf('claude', {
        model: 'claude-opus-4-5',
        models: { planning: { model: 'p', max_tokens: 99 } },
      }),
    ).toEqual({
      scout: 'claude-haiku-4-5',
      primary: 'claude-opus-4-5',
      planning: 'p',
      reasoning: 'claude-opus-4-5',
      summarization: 'claude-haiku-4-5',
    });
  });

  it('accepts an Anthropic base URL without /v1, as Anthropic clients write it', async () => {
    llm.script({ text: 'hi' });
    const models = createModelRegistry({
      config: AgentLlmConfig.parse({ type: 'anthropic' }),
      apiKey: 'sk-test',
      baseUrlOverride: llm.server.url,
    });

    const result = await generateText({
      model: models.primary.model,
      prompt: 'hello',
      maxRetries: 0,
    });

    expect(result.text).toEqual('hi');
    expect(llm.requests[0]?.http.headers['x-api-key']).toEqual('sk-test');
  });

  it('sends openai-compatible (ollama) requests to base_url through an injected fetch', async () => {
    llm.script({ text: 'local' });
    const urls: string[] = [];
    const models = createModelRegistry({
      config: AgentLlmConfig.parse({ type: 'ollama', base_url: llm.baseUrl, model: 'llama3' }),
      fetch: (input, init) => {
        urls.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });

    const result = await generateText({
      model: models.primary.model,
      prompt: 'hello',
      maxRetries: 0,
    });

    expect(result.text).toEqual('local');
    expect(urls).toEqual([`${llm.baseUrl}/chat/completions`]);
    expect(llm.requests[0]?.model).toEqual('llama3');
  });
});

describe('llm/model-registry llmSettingsFromEnvironment', () => {
  const env = {
    ANTHROPIC_API_KEY: 'a-key',
    ANTHROPIC_BASE_URL: 'http://proxy:8080',
    OPENAI_API_KEY: 'o-key',
    OPENAI_BASE_URL: ' ',
    GEMINI_API_KEY: 'g-key',
  };

  it.each([
    ['claude', { apiKey: 'a-key', baseUrlOverride: 'http://proxy:8080' }],
    ['openai', { apiKey: 'o-key', baseUrlOverride: undefined }],
    ['gemini', { apiKey: 'g-key' }],
    ['ollama', { apiKey: 'o-key' }],
  ])('picks the %s credentials', (type, expected) => {
    expect(llmSettingsFromEnvironment(AgentLlmConfig.parse({ type }), env)).toEqual(expected);
  });
});

describe('llm/model-registry withDefaultPath', () => {
  it.each([
    ['https://api.anthropic.com', '/v1', 'https://api.anthropic.com/v1'],
    ['https://proxy.example/', '/v1beta', 'https://proxy.example/v1beta'],
    ['https://proxy.example/gemini/v1beta', '/v1beta', 'https://proxy.example/gemini/v1beta'],
    [undefined, '/v1', undefined],
  ])('turns %s into the SDK base URL', (input, path, expected) => {
    expect(withDefaultPath(input, path)).toBe(expected);
  });
});
