import {
  decodeBusEntry,
  encodeBusEntryArgs,
  PROTOCOL_VERSION,
  type BusEntry,
} from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisTestContext, type RedisTestContext } from './redis-test-context.js';

let context: RedisTestContext;
beforeEach(async () => {
  context = await redisTestContext();
});
afterEach(async () => {
  await context.cleanup();
});

describe('contracts bus entries through a real Redis stream', () => {
  it('writes entries with XADD and reads them back, in order, unchanged', async () => {
    const stream = `${context.prefix}job:0123456789ab:out`;
    const entries: BusEntry[] = [
      {
        type: 'progress',
        jobId: '0123456789ab',
        at: 1,
        step: 1,
        total: 9,
        label: 'Fetching the ticket',
      },
      {
        type: 'question',
        jobId: '0123456789ab',
        at: 2,
        questionId: 'q1',
        text: 'Go?',
        choices: ['Yes', 'No'],
      },
      {
        type: 'done',
        jobId: '0123456789ab',
        at: 3,
        summary: 'ok',
        prUrl: 'http://x/pull/1',
        durationMs: 5,
        changedFiles: ['a.ts'],
      },
    ];

    for (const entry of entries)
      await context.redis.xadd(stream, 'MAXLEN', '~', '1000', '*', ...encodeBusEntryArgs(entry));
    const read = await context.redis.xrange(stream, '-', '+');

    expect(read.map(([, fields]) => decodeBusEntry(fields))).toEqual(entries);
  });

  it('delivers an entry to a blocked consumer group reader', async () => {
    const stream = `${context.prefix}job:feedfacecafe:out`;
    await context.redis.xgroup('CREATE', stream, 'relay', '$', 'MKSTREAM');
    const reader = context.connect();

    const pending = reader.xreadgroup(
      'GROUP',
      'relay',
      'r1',
      'COUNT',
      10,
      'BLOCK',
      5000,
      'STREAMS',
      stream,
      '>',
    );
    await context.redis.xadd(
      stream,
      '*',
      ...encodeBusEntryArgs({ type: 'heartbeat', jobId: 'feedfacecafe', at: 9 }),
    );
    const result = (await pending) as [string, [string, string[]][]][];

    const [[, [[id, fields]]]] = result as [[string, [[string, string[]]]]];
    expect(decodeBusEntry(fields)).toEqual({ type: 'heartbeat', jobId: 'feedfacecafe', at: 9 });
    expect(await context.redis.xack(stream, 'relay', id)).toBe(1);
  });

  it('rejects a malformed entry and one of a newer protocol version read from Redis', async () => {
    const stream = `${context.prefix}job:badbadbadbad:out`;
    await context.redis.xadd(
      stream,
      '*',
      'v',
      String(PROTOCOL_VERSION),
      'type',
      'progress',
      'jobId',
      'badbadbadbad',
    );
    await context.redis.xadd(
      stream,
      '*',
      'v',
      String(PROTOCOL_VERSION + 1),
      'type',
      'heartbeat',
      'jobId',
      'badbadbadbad',
      'at',
      '1',
    );

    const [malformed, newer] = await context.redis.xrange(stream, '-', '+');

    expect(() => decodeBusEntry(malformed![1])).toThrow(
      /bus entry "progress" is malformed: at: .*step: /s,
    );
    expect(() => decodeBusEntry(newer![1])).toThrow(
      `protocol version ${PROTOCOL_VERSION + 1}, but this build understands up to ${PROTOCOL_VERSION}`,
    );
  });
});
