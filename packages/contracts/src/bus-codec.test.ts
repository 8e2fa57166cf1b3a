import { describe, expect, it } from 'vitest';
import type { BusEntry } from './bus-entry.js';
import {
  BusDecodeError,
  decodeBusEntry,
  encodeBusEntry,
  encodeBusEntryArgs,
  fieldsFromArray,
} from './bus-codec.js';
import { PROTOCOL_VERSION } from './protocol-version.js';

const jobId = '0123456789ab';
const at = 1_700_000_000_000;

const samples: BusEntry[] = [
  {
    type: 'progress',
    jobId,
    at,
    step: 3,
    total: 9,
    label: 'Checking out the source',
    stepName: 'CheckoutSourceCommand',
  },
  { type: 'detail', jobId, at, text: 'read_file src/app.ts' },
  {
    type: 'question',
    jobId,
    at,
    questionId: 'q1',
    text: 'Apply the plan?',
    choices: ['Yes', 'No'],
    defaultChoice: 'No',
    timeoutSeconds: 600,
  },
  { type: 'answer', jobId, at, questionId: 'q1', content: 'Yes', answeredBy: 'U123' },
  { type: 'heartbeat', jobId, at },
  {
    type: 'done',
    jobId,
    at,
    summary: 'Fixed the off-by-one',
    prUrl: 'https://github.com/o/r/pull/7',
    costUsd: 0.0123,
    durationMs: 93_000,
    changedFiles: ['src/a.ts', 'src/b.ts'],
    phases: { started: at - 9000, firstLlmToken: at - 5000, prOpened: at - 10, ended: at },
  },
  { type: 'done', jobId, at, summary: 'Fixed', durationMs: 1, changedFiles: [] },
  {
    type: 'error',
    jobId,
    at,
    step: 8,
    total: 9,
    stepName: 'TestCommand',
    code: 'tests_failed',
    reason: 'The tests still fail after 2 repair rounds.',
    outcome: 'failed',
  },
  { type: 'cancel', jobId, at, requestedBy: 'U123' },
  {
    type: 'progress',
    jobId,
    at,
    step: 4,
    total: 9,
    label: 'Fixing the ticket',
    phases: { started: at - 900, firstProgress: at - 800, checkoutDone: at },
  },
];

describe('contracts/bus-codec', () => {
  it.each(samples.map((entry) => [entry.type, entry] as const))(
    'round-trips a %s entry',
    (_type, entry) => {
      const fields = encodeBusEntry(entry);

      const decoded = decodeBusEntry(fields);

      expect(decoded).toEqual(entry);
      expect(Object.values(fields).every((value) => typeof value === 'string')).toBe(true);
      expect(fields['v']).toBe(String(PROTOCOL_VERSION));
    },
  );

  it('keeps strings readable and encodes the rest as JSON', () => {
    const fields = encodeBusEntry(samples[5]!);

    expect(fields).toMatchObject({
      type: 'done',
      summary: 'Fixed the off-by-one',
      costUsd: '0.0123',
      changedFiles: '["src/a.ts","src/b.ts"]',
    });
  });

  it('decodes the alternating list XADD and XRANGE use', () => {
    const args = encodeBusEntryArgs(samples[0]!);

    expect(decodeBusEntry(args)).toEqual(samples[0]);
    expect(fieldsFromArray(args)).toEqual(encodeBusEntry(samples[0]!));
  });

  it('keeps a string field that looks like a number as a string', () => {
    const entry: BusEntry = { type: 'detail', jobId, at, text: '42' };

    expect(decodeBusEntry(encodeBusEntry(entry))).toEqual(entry);
  });

  it('rejects an entry of a newer protocol version, saying what to do', () => {
    const fields = { ...encodeBusEntry(samples[1]!), v: String(PROTOCOL_VERSION + 1) };

    const attempt = () => decodeBusEntry(fields);

    expect(attempt).toThrow(BusDecodeError);
    expect(attempt).toThrow(
      `protocol version ${PROTOCOL_VERSION + 1}, but this build understands up to ${PROTOCOL_VERSION}: upgrade`,
    );
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'protocol_version_unsupported', retryable: false });
    }
  });

  it.each([
    ['no version', { type: 'heartbeat', jobId, at: String(at) }, /no valid protocol version/],
    [
      'an unknown type',
      { v: '1', type: 'explode', jobId, at: String(at) },
      /unknown type "explode"/,
    ],
    [
      'a missing field',
      { v: '1', type: 'progress', jobId, at: String(at), total: '9', label: 'x' },
      /step: /,
    ],
    [
      'bad JSON',
      {
        v: '1',
        type: 'done',
        jobId,
        at: String(at),
        summary: 's',
        durationMs: '1',
        changedFiles: '[oops',
      },
      /changedFiles" is not valid JSON/,
    ],
    [
      'a wrong type',
      { v: '1', type: 'progress', jobId, at: String(at), step: '"three"', total: '9', label: 'x' },
      /step: /,
    ],
  ])('rejects a malformed entry with %s', (_case, fields, message) => {
    const attempt = () => decodeBusEntry(fields);

    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'protocol_entry_malformed', retryable: false });
    }
  });

  it('refuses to encode an entry that breaks the contract', () => {
    const invalid = { type: 'progress', jobId, at, step: 0, total: 9, label: 'x' } as BusEntry;

    expect(() => encodeBusEntry(invalid)).toThrow();
  });
});
