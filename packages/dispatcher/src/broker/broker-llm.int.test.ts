import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';

const REAL_KEY = 'sk-ant-real-key-never-in-an-agent';

function anthropicProject(budget?: { usd?: number; tokens?: number }) {
  return {
    source: { type: 'github', url: 'https://github.com/acme/app.git' },
    tickets: { type: 'github', url: 'https://github.com/acme/app' },
    agent: { type: 'claude', model: 'claude-sonnet-4-5', ...(budget ? { budget } : {}) },
  };
}

describe('broker LLM proxy', () => {
  let llm: FakeLlmApi;
  let fixture: BrokerFixture;

  beforeAll(async () => {
    llm = await FakeLlmApi.start();
    fixture = await startBrokerFixture({
      projects: {
        app: anthropicProject(),
        tight: anthropicProject({ tokens: 1000 }),
        gemini: { ...anthropicProject(), agent: { type: 'gemini', base_url: llm.server.url } },
        openai: { ...anthropicProject(), agent: { type: 'openai', model: 'gpt-5-mini' } },
        ollama: { ...anthropicProject(), agent: { type: 'ollama', base_url: llm.baseUrl } },
      },
      credentials: {
        anthropicApiKey: REAL_KEY,
        anthropicBaseUrl: llm.baseUrl,
        geminiApiKey: 'AIza-real',
        openaiApiKey: 'sk-openai-real',
        openaiBaseUrl: llm.baseUrl,
      },
    });
  });
  afterAll(async () => {
    await fixture.close();
    await llm.stop();
  });
  afterEach(() => {
    llm.requests.length = 0;
  });

  const messages = (
    token: string,
    body: Record<string, unknown> = {},
    path = '/llm/anthropic/messages',
  ) =>
    fetch(`${fixture.broker.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': token,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hello' }],
        ...body,
      }),
    });

  it('swaps the job token for the real key and records the usage of a plain answer', async () => {
    const { spec, env } = await fixture.mint();
    llm.script({ text: 'hi there', usage: { inputTokens: 1000, outputTokens: 200 } });
    const response = await messages(env[BROKER_ENVIRONMENT.jobToken]!);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: { text: string }[] }).content[0]?.text).toBe(
      'hi there',
    );
    const headers = llm.requests[0]?.http.headers ?? {};
    expect(headers['x-api-key']).toBe(REAL_KEY);
    expect(JSON.stringify(llm.requests[0]?.http)).not.toContain(env[BROKER_ENVIRONMENT.jobToken]);
    const ledger = await fixture.store.ledger(spec.jobId);
    expect(ledger).toMatchObject({ calls: 1, inputTokens: 1000, outputTokens: 200 });
    // claude-sonnet-4-5: $3 in, $15 out per million.
    expect(ledger.costUsd).toBeCloseTo(0.003 + 0.003, 6);
  });

  it('streams SSE through and reads the usage of a streamed answer', async () => {
    const { spec, env } = await fixture.mint();
    llm.script({ text: 'streamed words', usage: { inputTokens: 500, outputTokens: 70 } });
    const response = await messages(env[BROKER_ENVIRONMENT.jobToken]!, { stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('message_start');
    expect(text).toContain('streamed words');
    expect(await fixture.store.ledger(spec.jobId)).toMatchObject({
      calls: 1,
      inputTokens: 500,
      outputTokens: 70,
    });
  });

  it('refuses a spent budget with a provider-shaped 402 that says how to raise the cap', async () => {
    const { spec, env } = await fixture.mint({ intent: { ticketId: '58', project: 'tight' } });
    llm.script({ text: 'expensive', usage: { inputTokens: 900_000, outputTokens: 5 } });
    expect((await messages(env[BROKER_ENVIRONMENT.jobToken]!)).status).toBe(200);
    const refused = await messages(env[BROKER_ENVIRONMENT.jobToken]!);
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-agentsmith-budget')).toBe('exhausted');
    const body = (await refused.json()) as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('budget_exhausted');
    expect(body.error.message).toContain('900,005 of its 1,000 LLM tokens');
    expect(body.error.message).toContain('agent.budget');
    expect(body.error.message).toContain('project tight');
    expect(llm.requests).toHaveLength(1);
    expect((await fixture.store.ledger(spec.jobId)).calls).toBe(1);
  });

  it("refuses an unknown, forged or revoked token and another provider than the project's", async () => {
    const { spec, env } = await fixture.mint();
    const token = env[BROKER_ENVIRONMENT.jobToken]!;
    expect((await messages('sk-ant-guessed')).status).toBe(401);
    expect((await messages(`${token.slice(0, -2)}xx`)).status).toBe(401);
    const otherProvider = await messages(
      token,
      {},
      '/llm/google/models/gemini-2.5-pro:generateContent',
    );
    expect(otherProvider.status).toBe(403);
    expect(await otherProvider.text()).toContain('only use its project');
    await fixture.issuer.revoke(spec.jobId);
    const revoked = await messages(token);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: { message: string } }).error.message).toContain(
      'revoked',
    );
    expect(llm.requests).toHaveLength(0);
  });

  it.each([
    ['POST', '/llm/anthropic/organizations/invites'],
    ['GET', '/llm/anthropic/models'],
    ['GET', '/llm/anthropic/messages'],
    ['POST', '/llm/anthropic/messages/batches'],
    ['DELETE', '/llm/anthropic/files/file_1'],
  ])(
    'refuses %s %s: only inference calls, never the account behind the key',
    async (method, path) => {
      const { env } = await fixture.mint();
      const refused = await fetch(`${fixture.broker.url}${path}`, {
        method,
        headers: { 'x-api-key': env[BROKER_ENVIRONMENT.jobToken]! },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        'not an inference call',
      );
      expect(llm.requests).toHaveLength(0);
    },
  );

  it('puts the OpenAI key in Authorization and reads the usage chunk of a streamed Chat Completion', async () => {
    const { spec, env } = await fixture.mint({ intent: { ticketId: '58', project: 'openai' } });
    llm.script({ text: 'openai says hi', usage: { inputTokens: 40, outputTokens: 6 } });
    const response = await fetch(`${fixture.broker.url}/llm/openai/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env[BROKER_ENVIRONMENT.jobToken]}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-5-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(await response.text()).toContain('openai says hi');
    expect(llm.requests[0]?.http.headers['authorization']).toBe('Bearer sk-openai-real');
    expect(await fixture.store.ledger(spec.jobId)).toMatchObject({
      calls: 1,
      inputTokens: 40,
      outputTokens: 6,
    });
  });

  it('forwards an OpenAI-compatible (Ollama) call to its base_url with the dispatcher key, never the job token', async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '58', project: 'ollama' } });
    llm.script({ text: 'local model', usage: { inputTokens: 3, outputTokens: 2 } });
    const token = env[BROKER_ENVIRONMENT.jobToken]!;
    const response = await fetch(`${fixture.broker.url}/llm/openai-compatible/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen2.5-coder', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(llm.requests[0]?.http)).not.toContain(token);
  });

  it('puts a Gemini key in x-goog-api-key, taking the job token from ?key=', async () => {
    const { spec, env } = await fixture.mint({ intent: { ticketId: '58', project: 'gemini' } });
    llm.script({ text: 'gemini says hi', usage: { inputTokens: 10, outputTokens: 3 } });
    const token = env[BROKER_ENVIRONMENT.jobToken]!;
    const response = await fetch(
      `${fixture.broker.url}/llm/google/models/gemini-2.5-pro:generateContent?key=${token}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      },
    );
    expect(response.status).toBe(200);
    const recorded = llm.requests[0]?.http;
    expect(recorded?.headers['x-goog-api-key']).toBe('AIza-real');
    expect(JSON.stringify(recorded)).not.toContain(token);
    expect(await fixture.store.ledger(spec.jobId)).toMatchObject({
      inputTokens: 10,
      outputTokens: 3,
    });
  });

  it('passes each streamed event on before the upstream sends the next (no buffering)', async () => {
    // An upstream that sends `message_start`, then holds the rest of the stream until the test has
    // received that first event through the broker: a buffering broker would never deliver it.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const upstream = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":7,"output_tokens":1}}}\n\n',
      );
      void released.then(() => {
        response.end(
          'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":3}}\n\n',
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const streaming = await startBrokerFixture({
      projects: { app: anthropicProject() },
      credentials: {
        anthropicApiKey: REAL_KEY,
        anthropicBaseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
      },
    });
    try {
      const { spec, env } = await streaming.mint();
      const response = await fetch(`${streaming.broker.url}/llm/anthropic/messages`, {
        method: 'POST',
        headers: {
          'x-api-key': env[BROKER_ENVIRONMENT.jobToken]!,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [] }),
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('message_start');
      release();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        rest += new TextDecoder().decode(chunk.value);
      }
      expect(rest).toContain('message_delta');
      await expect
        .poll(() => streaming.store.ledger(spec.jobId))
        .toMatchObject({
          inputTokens: 7,
          outputTokens: 3,
        });
    } finally {
      release();
      await streaming.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
