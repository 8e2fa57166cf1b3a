import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeCode } from './analyze-code.js';
import { generatePlan, type LlmCallOptions } from './generate-plan.js';
import { createModelRegistry } from './model-registry.js';
import { UsageTracker } from './usage-tracker.js';

const plan = {
  summary: 'Fix the parser',
  steps: ['Handle empty input', 'Add a test'],
  filesToTouch: ['src/parse.ts'],
};
const noWait = { maxRetries: 1, initialDelayMs: 1, backoffMultiplier: 1, maxDelayMs: 1 };

describe.each([
  { type: 'claude', planningModel: 'claude-sonnet-4-5' },
  { type: 'claude', planningModel: 'claude-3-haiku-20240307' },
  { type: 'openai', planningModel: 'gpt-5' },
  { type: 'gemini', planningModel: 'gemini-2.5-pro' },
  { type: 'gemini', planningModel: 'gemini-2.5-flash' },
  { type: 'ollama', planningModel: 'qwen2.5-coder' },
] as const)('llm/generate-plan ($type, $planningModel)', ({ type, planningModel }) => {
  let llm: FakeLlmApi;
  let options: LlmCallOptions;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    const config = AgentLlmConfig.parse({ type, models: { planning: { model: planningModel } } });
    options = {
      models: createModelRegistry({ config, apiKey: 'k', baseUrlOverride: llm.baseUrl }),
      retry: noWait,
      usage: new UsageTracker(),
    };
  });

  afterEach(async () => {
    await llm.stop();
  });

  it('returns the structured plan the model produced', async () => {
    llm.script({ status: 503 }, { object: plan });

    const result = await generatePlan(
      { ticketTitle: 'Parser crashes', ticketBody: 'on empty input' },
      options,
    );

    expect(result).toEqual(plan);
    expect(llm.requests[1]).toMatchObject({ structured: true, model: planningModel });
    expect(llm.requests[1]?.lastUserText).toContain('Parser crashes');
    expect(options.usage?.byStep()['plan']?.calls).toEqual(1);
    llm.assertDone();
  });

  it('retries a request that does not answer within its time limit', async () => {
    llm.script({ object: plan, delayMs: 30_000 }, { object: plan });

    const result = await generatePlan(
      { ticketTitle: 't', ticketBody: 'b' },
      { ...options, requestTimeoutMs: 300 },
    );

    expect(result).toEqual(plan);
    expect(llm.requests).toHaveLength(2);
    llm.assertDone();
  });

  it('rejects an answer that does not match the plan schema', async () => {
    llm.script({ object: { summary: 'no steps' } });

    await expect(
      generatePlan({ ticketTitle: 't', ticketBody: 'b' }, options),
    ).rejects.toMatchObject({
      code: 'llm_invalid_response',
    });
  });
});

describe('llm/analyze-code', () => {
  it('asks the scout model with the file listing and key files', async () => {
    const llm = await FakeLlmApi.start();
    llm.script({ text: '  TypeScript project; see src/parse.ts.  ' });
    const config = AgentLlmConfig.parse({ type: 'claude' });
    const models = createModelRegistry({ config, apiKey: 'k', baseUrlOverride: llm.baseUrl });

    const analysis = await analyzeCode(
      {
        ticketTitle: 'Crash',
        ticketBody: 'b',
        files: ['src/parse.ts'],
        keyFiles: [{ path: 'package.json', content: '{}' }],
      },
      { models, retry: noWait },
    );

    expect(analysis).toEqual('TypeScript project; see src/parse.ts.');
    expect(llm.requests[0]?.model).toEqual('claude-haiku-4-5');
    expect(llm.requests[0]?.lastUserText).toContain('src/parse.ts');
    expect(llm.requests[0]?.lastUserText).toContain('--- package.json');
    llm.assertDone();
    await llm.stop();
  });
});
