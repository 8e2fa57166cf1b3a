import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSessionRecording } from './session-format.js';
import { SessionRecorder } from './session-recorder.js';
import { SessionReplayer } from './session-replayer.js';
import type { ModelCallParams, ModelGenerateResult } from './session-request.js';

const SECRET = 'sk-test-4f9a2b7c1d';

const params = (toolOutput: string, tools = ['read_file']): ModelCallParams => ({
  prompt: [
    { role: 'system', content: 'system prompt' },
    { role: 'user', content: [{ type: 'text', text: 'Resolve ticket 1' }] },
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'read_file', input: {} }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'read_file',
          output: { type: 'text', value: toolOutput },
        },
      ],
    },
  ],
  tools: tools.map((name) => ({ type: 'function', name, inputSchema: {} })),
});

const answer: ModelGenerateResult = {
  content: [
    { type: 'text', text: `done with ${SECRET}` },
    { type: 'tool-call', toolCallId: 'c2', toolName: 'finish', input: '{"summary":"ok"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_use' },
  usage: {
    inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 3, text: 3, reasoning: undefined },
  },
  warnings: [],
  response: { headers: { authorization: `Bearer ${SECRET}` } },
};

describe('llm/session recording and replay', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'session-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function record(file: string): Promise<void> {
    const recorder = SessionRecorder.create({
      file,
      provider: 'anthropic',
      model: 'claude-x',
      secrets: [SECRET],
    });
    const middleware = recorder.middleware('primary', 'claude-x');
    const model = {} as Parameters<NonNullable<typeof middleware.wrapGenerate>>[0]['model'];
    await middleware.wrapGenerate?.({
      doGenerate: () => Promise.resolve(answer),
      doStream: () => Promise.reject(new Error('not streamed')),
      params: params(`token=${SECRET} in a file`),
      model,
    });
  }

  it('writes a header and each exchange, with secrets redacted and no headers', async () => {
    const file = join(dir, 'session.jsonl');
    await record(file);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('authorization');
    const recording = parseSessionRecording(text, file);
    expect(recording.header).toMatchObject({
      model: 'claude-x',
      provider: 'anthropic',
      version: 1,
    });
    expect(recording.exchanges).toHaveLength(1);
    expect(recording.exchanges[0]).toMatchObject({
      turn: 1,
      role: 'primary',
      request: {
        messages: 3,
        tools: ['read_file'],
        input: [{ type: 'tool-result', toolName: 'read_file', outputType: 'text' }],
      },
      response: { finishReason: 'tool-calls', usage: { inputTokens: 10, outputTokens: 3 } },
    });
    expect(JSON.stringify(recording.exchanges[0]?.request.input)).toContain('[redacted]');
  });

  it('answers from the recording and names the turn of a divergence', async () => {
    const file = join(dir, 'session.jsonl');
    await record(file);
    const replayer = SessionReplayer.load(file);
    const middleware = replayer.middleware('primary', 'claude-x');
    const call = (p: ModelCallParams) =>
      middleware.wrapGenerate?.({
        doGenerate: () => Promise.reject(new Error('the model must not be called')),
        doStream: () => Promise.reject(new Error('the model must not be called')),
        params: p,
        model: {} as never,
      });

    const replayed = await call(params('other text is fine: only the shape is compared'));
    expect(replayed?.content.map((part) => part.type)).toEqual(['text', 'tool-call']);
    expect(replayer.remaining).toBe(0);
    await expect(call(params('x'))).rejects.toThrow(
      /Replay diverged at turn 2 of .*: the recording ends after 1 turns/,
    );

    const other = SessionReplayer.load(file).middleware('primary', 'claude-x');
    await expect(
      other.wrapGenerate?.({
        doGenerate: () => Promise.reject(new Error('no')),
        doStream: () => Promise.reject(new Error('no')),
        params: params('x', ['read_file', 'submit_plan']),
        model: {} as never,
      }),
    ).rejects.toThrow(
      /turn 1 .*the run offered read_file, submit_plan; the recording offered read_file/,
    );
  });

  it('refuses another format version, naming it', async () => {
    const file = join(dir, 'future.jsonl');
    await writeFile(
      file,
      '{"type":"header","format":"agentsmith-session","version":2,"provider":"a","model":"m","recordedAt":"x"}\n',
    );
    expect(() => SessionReplayer.load(file)).toThrow(
      /is agentsmith-session version 2; this agent reads version 1/,
    );
  });
});
