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
        gemini: {
          ...anthropicProject(),
          agent: { type: 'gemini', model: 'gemini-2.5-pro', base_url: llm.server.url },
        },
        openai: { ...anthropicProject(), agent: { type: 'openai', model: 'gpt-5-mini' } },
        ollama: {
          ...anthropicProject(),
          agent: {
            type: 'ollama',
            model: 'qwen2.5-coder',
            base_url: llm.baseUrl,
            pricing: {
              models: { 'qwen2.5-coder': { input_per_million: 0, output_per_million: 0 } },
            },
          },
        },
        unpriced: {
          ...anthropicProject(),
          agent: { type: 'ollama', model: 'local-llama', base_url: llm.baseUrl },
        },
        unpricedTokens: {
          ...anthropicProject(),
          agent: {
            type: 'ollama',
            model: 'local-llama',
            base_url: llm.baseUrl,
            budget: { tokens: 10_000 },
          },
        },
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

  const chat = (token: string, project: string, body: Record<string, unknown>) =>
    fetch(`${fixture.broker.url}/llm/${project}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
    });

  it('asks for the usage of a streamed Chat Completion the agent did not ask for, and bills it', async () => {
    const { spec, env } = await fixture.mint({ intent: { ticketId: '58', project: 'openai' } });
    llm.script({ text: 'usage hidden', usage: { inputTokens: 40, outputTokens: 6 } });
    const response = await chat(env[BROKER_ENVIRONMENT.jobToken]!, 'openai', {
      model: 'gpt-5-mini',
      stream: true,
    });
    expect(await response.text()).toContain('usage hidden');
    const sent = JSON.parse(llm.requests[0]!.http.body) as {
      stream_options?: { include_usage?: boolean };
    };
    expect(sent.stream_options?.include_usage).toBe(true);
    expect(await fixture.store.ledger(spec.jobId)).toMatchObject({
      calls: 1,
      inputTokens: 40,
      outputTokens: 6,
    });
  });

  it('counts an answer without usage as an unpriced call', async () => {
    const upstream = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"choices":[{"message":{"role":"assistant","content":"no usage"}}]}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const bare = await startBrokerFixture({
      projects: { app: { ...anthropicProject(), agent: { type: 'openai', model: 'gpt-5-mini' } } },
      credentials: {
        openaiApiKey: 'sk-openai-real',
        openaiBaseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
      },
    });
    try {
      const { spec, env } = await bare.mint();
      const response = await fetch(`${bare.broker.url}/llm/openai/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${env[BROKER_ENVIRONMENT.jobToken]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ model: 'gpt-5-mini', messages: [] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      expect(await bare.store.ledger(spec.jobId)).toMatchObject({ calls: 1, unpricedCalls: 1 });
    } finally {
      await bare.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it("refuses a model the project's agent does not use, naming both", async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '58', project: 'openai' } });
    const refused = await chat(env[BROKER_ENVIRONMENT.jobToken]!, 'openai', { model: 'gpt-4.1' });
    expect(refused.status).toBe(403);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('gpt-4.1');
    expect(message).toContain('gpt-5-mini');
    const gemini = await fixture.mint({ intent: { ticketId: '58', project: 'gemini' } });
    const onPath = await fetch(
      `${fixture.broker.url}/llm/google/models/gemini-1.5-ultra:generateContent?key=${gemini.env[BROKER_ENVIRONMENT.jobToken]}`,
      { method: 'POST', body: JSON.stringify({ contents: [] }) },
    );
    expect(onPath.status).toBe(403);
    expect(llm.requests).toHaveLength(0);
  });

  it("lets the agent's cheap-role default model through next to the configured one", async () => {
    const { env } = await fixture.mint();
    llm.script({ text: 'scout', usage: { inputTokens: 1, outputTokens: 1 } });
    const response = await messages(env[BROKER_ENVIRONMENT.jobToken]!, {
      model: 'claude-haiku-4-5',
    });
    expect(response.status).toBe(200);
  });

  it('refuses an unpriced model under a dollar budget, saying where to add its price', async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '58', project: 'unpriced' } });
    const refused = await chat(env[BROKER_ENVIRONMENT.jobToken]!, 'openai-compatible', {
      model: 'local-llama',
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'agent.pricing.models',
    );
    expect(llm.requests).toHaveLength(0);
  });

  it('lets an unpriced model through when a token budget bounds it', async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '58', project: 'unpricedTokens' } });
    llm.script({ text: 'local', usage: { inputTokens: 3, outputTokens: 2 } });
    const response = await chat(env[BROKER_ENVIRONMENT.jobToken]!, 'openai-compatible', {
      model: 'local-llama',
    });
    expect(response.status).toBe(200);
  });

  it('allows two calls of a job in flight and answers a third with a 429 and Retry-After', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    const upstream = createServer((_request, response) => {
      arrived += 1;
      void released.then(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          '{"type":"message","content":[],"usage":{"input_tokens":1,"output_tokens":1}}',
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const slow = await startBrokerFixture({
      projects: { app: anthropicProject() },
      credentials: {
        anthropicApiKey: REAL_KEY,
        anthropicBaseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
      },
    });
    try {
      const { spec, env } = await slow.mint();
      const call = () =>
        fetch(`${slow.broker.url}/llm/anthropic/messages`, {
          method: 'POST',
          headers: { 'x-api-key': env[BROKER_ENVIRONMENT.jobToken]! },
          body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }),
        });
      const first = call();
      const second = call();
      await expect.poll(() => arrived).toBe(2);
      const third = await call();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(((await third.json()) as { error: { type: string } }).error.type).toBe(
        'rate_limit_error',
      );
      release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      await expect.poll(async () => (await slow.store.ledger(spec.jobId)).calls).toBe(2);
      const after = await call();
      expect(after.status).toBe(200);
    } finally {
      release();
      await slow.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it.each([
    ['anthropic', { mcp_servers: [{ type: 'url', url: 'https://evil.example/mcp', name: 'x' }] }],
    ['anthropic', { tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] }],
    ['anthropic', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }],
    ['anthropic', { tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }],
    ['anthropic', { container: 'container_1' }],
    ['openai', { tools: [{ type: 'mcp', server_url: 'https://evil.example/mcp' }] }],
    ['openai', { tools: [{ type: 'web_search' }] }],
    ['openai', { tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }],
    ['openai', { background: true }],
  ])('refuses a %s body with %j: it acts outside the sandbox', async (provider, extra) => {
    const project = provider === 'openai' ? 'openai' : 'app';
    const { env } = await fixture.mint({ intent: { ticketId: '58', project } });
    const token = env[BROKER_ENVIRONMENT.jobToken]!;
    const refused =
      provider === 'openai'
        ? await fetch(`${fixture.broker.url}/llm/openai/responses`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: JSON.stringify({ model: 'gpt-5-mini', input: 'hi', ...extra }),
          })
        : await messages(token, extra);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'may not use',
    );
    expect(llm.requests).toHaveLength(0);
  });

  it('passes client tools (function, custom, untyped Anthropic tools) through', async () => {
    const { env } = await fixture.mint();
    llm.script({ text: 'tools ok', usage: { inputTokens: 1, outputTokens: 1 } });
    const response = await messages(env[BROKER_ENVIRONMENT.jobToken]!, {
      tools: [
        { name: 'read_file', input_schema: { type: 'object' } },
        { type: 'custom', name: 'edit', input_schema: { type: 'object' } },
      ],
    });
    expect(response.status).toBe(200);
  });

  it('drops anthropic-beta, OpenAI organization/project and method-override headers', async () => {
    const { env } = await fixture.mint();
    llm.script({ text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } });
    const response = await fetch(`${fixture.broker.url}/llm/anthropic/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': env[BROKER_ENVIRONMENT.jobToken]!,
        'anthropic-beta': 'mcp-client-2025-04-04',
        'openai-organization': 'org-other',
        'openai-project': 'proj-other',
        'x-http-method-override': 'DELETE',
        'x-http-method': 'DELETE',
        'x-method-override': 'DELETE',
      },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }),
    });
    expect(response.status).toBe(200);
    const headers = llm.requests[0]?.http.headers ?? {};
    for (const name of [
      'anthropic-beta',
      'openai-organization',
      'openai-project',
      'x-http-method-override',
      'x-http-method',
      'x-method-override',
    ]) {
      expect(headers[name]).toBeUndefined();
    }
  });

  it('answers an upstream fetch failure with a fixed message, never the error it carried', async () => {
    const broken = await startBrokerFixture({
      projects: { app: anthropicProject() },
      credentials: { anthropicApiKey: REAL_KEY, anthropicBaseUrl: 'http://127.0.0.1:1/v1' },
      fetch: () => Promise.reject(new Error(`connect refused (x-api-key: ${REAL_KEY})`)),
    });
    try {
      const { env } = await broken.mint();
      const response = await fetch(`${broken.broker.url}/llm/anthropic/messages`, {
        method: 'POST',
        headers: { 'x-api-key': env[BROKER_ENVIRONMENT.jobToken]! },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }),
      });
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(text).toContain('the LLM endpoint is unreachable');
      expect(text).not.toContain(REAL_KEY);
    } finally {
      await broken.close();
    }
  });
});
