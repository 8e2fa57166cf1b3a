import { blockKitProblems } from '@agentsmith/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Notice } from '../jobs/notices.js';
import { renderNotice } from './message-blocks.js';

/** The repository the fixtures' pull requests belong to: the only place a link may point. */
const REPOSITORY = 'https://github.com/org/repo';

/** Pieces an attacker or an accident puts into text that reaches Slack. */
const HOSTILE_PIECES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0123|@oncall>',
  '<@U0123ABCD>',
  '<#C0123ABCD>',
  '<#C0123|general>',
  '<https://evil.example|login>',
  '<https://evil.example/phish|View pull request> <!channel> <https://x',
  'https://evil.example/phish',
  'http://github.com/org/repo/pull/1',
  'mailto:a@b.c',
  '<!date^1700000000^{date}|x>',
  '@channel',
  '@here',
  '@everyone',
  '@Channel!',
  '&',
  '&amp;',
  '&lt;!channel&gt;',
  '<',
  '>',
  '|',
  '```',
  '`',
  '*',
  '_',
  '~',
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\u2066',
  '\u2060',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  'ｈｔｔｐｓ://evil',
  ':x:',
  'ghp_',
  ' ',
  '',
];

const piece = fc.constantFrom(...HOSTILE_PIECES);
/** Strings mixing hostile pieces, any code point and ASCII control characters. */
const mixed = fc
  .array(
    fc.oneof(
      piece,
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'binary-ascii', maxLength: 12 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));
/** Texts far beyond every Slack limit (up to the 40,000-character message limit and past it). */
const huge = fc
  .tuple(mixed, piece, fc.integer({ min: 2_900, max: 45_000 }))
  .map(([head, filler, length]) => {
    const unit = `${head}${filler}x`;
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  });
const hostile = fc.oneof(
  { arbitrary: mixed, weight: 8 },
  { arbitrary: piece, weight: 3 },
  { arbitrary: huge, weight: 1 },
);

/** Values for one rendering: `s(i)` is the i-th generated string of the run. */
type Strings = (index: number) => string;

const STRINGS_PER_RUN = 8;
/** 1,250 runs × 8 strings = 10,000 generated strings, each through every renderer. */
const RUNS = 10_000 / STRINGS_PER_RUN;

function job(s: Strings) {
  return { jobId: s(0), ticketId: s(1), project: s(2) };
}

function conversation(s: Strings) {
  return {
    jobId: s(0),
    ticketId: s(1),
    project: s(2),
    platform: 'slack',
    channelId: 'C1',
    status: 'running',
    startedAt: 0,
  } as unknown as Extract<Notice, { kind: 'busy' }>['holder'];
}

/** A job in the way: hostile names, and a real thread half of the time (so the link is made). */
function holder(s: Strings, status: 'queued' | 'running' | 'stopping') {
  const real = s(7).length % 2 === 0;
  return {
    jobId: s(0),
    channelId: real ? 'C0THREAD' : s(5),
    threadTs: real ? '1700000000.000100' : s(6),
    project: s(2),
    ticketId: s(1),
    status,
  };
}

/**
 * One fixture per notice kind, every string field fed with generated text. Typed by the union's
 * kinds: a new kind without a fixture here does not compile.
 */
const FIXTURES: Record<Notice['kind'], (s: Strings) => Notice> = {
  help: () => ({ kind: 'help', reason: 'unknown' }),
  'no-job': () => ({ kind: 'no-job' }),
  'command-failed': (s) => ({ kind: 'command-failed', reason: s(3) }),
  'projects-unreadable': (s) => ({ kind: 'projects-unreadable', problem: s(3) }),
  'unknown-project': (s) => ({
    kind: 'unknown-project',
    requested: s(0),
    known: [s(1), s(2), s(3), s(4)],
    closest: s(5),
  }),
  'spawner-unavailable': (s) => ({ kind: 'spawner-unavailable', reason: s(4) }),
  busy: (s) => ({ kind: 'busy', holder: conversation(s) }),
  starting: (s) => ({ kind: 'starting', job: job(s) }),
  'spawn-failed': (s) => ({ kind: 'spawn-failed', jobId: s(0), reason: s(5) }),
  cancelled: (s) => ({ kind: 'cancelled', jobId: s(0), userId: s(6) }),
  status: (s) => ({
    kind: 'status',
    state: conversation(s),
    progress: { step: 3, total: 9, label: s(3) },
    costUsd: 0.5,
    elapsedMs: 61_000,
  }),
  tickets: (s) => ({
    kind: 'tickets',
    project: s(2),
    tickets: Array.from({ length: 20 }, (_, index) => ({
      id: s(index % 8),
      title: s(7 - (index % 8)),
    })),
    total: 57,
  }),
  'tickets-failed': (s) => ({ kind: 'tickets-failed', project: s(2), reason: s(3) }),
  'ticket-created': (s) => ({
    kind: 'ticket-created',
    project: s(2),
    ticket: { id: s(1), title: s(3) },
    created: true,
  }),
  'ticket-create-failed': (s) => ({ kind: 'ticket-create-failed', project: s(2), reason: s(4) }),
  'question-answered': (s) => ({
    kind: 'question-answered',
    text: s(3),
    answer: s(4),
    userId: s(5),
  }),
  progress: (s) => ({
    kind: 'progress',
    job: job(s),
    progress: { step: 2, total: 9, label: s(3) },
  }),
  finished: (s) => ({ kind: 'finished', job: job(s), outcome: 'failed' }),
  details: (s) => ({ kind: 'details', lines: [s(3), s(4), s(5), s(6), s(7)] }),
  question: (s) => ({
    kind: 'question',
    jobId: s(0),
    question: {
      type: 'question',
      jobId: s(0),
      at: 0,
      questionId: s(1),
      text: s(3),
      choices: [s(4), s(5), 'approve', s(6), s(7), s(2)],
    },
  }),
  done: (s) => ({
    kind: 'done',
    job: job(s),
    repositoryUrl: REPOSITORY,
    done: {
      type: 'done',
      jobId: s(0),
      at: 0,
      summary: s(3),
      prUrl: s(4),
      unfinished: s(5),
      durationMs: 1_000,
      changedFiles: Array.from({ length: 25 }, (_, index) => s(index % 8)),
    },
  }),
  failed: (s) => ({
    kind: 'failed',
    job: job(s),
    error: {
      type: 'error',
      jobId: s(0),
      at: 0,
      step: 5,
      total: 9,
      stepName: s(3),
      code: s(4),
      reason: `${s(5)}\n${s(6)}\n${s(7)}`,
    },
  }),
  'access-refused': (s) => ({
    kind: 'access-refused',
    action: s(0),
    reason: s(1),
    admins: ['U0ADMIN', s(2)],
  }),
  'not-job-owner': (s) => ({
    kind: 'not-job-owner',
    jobId: s(0),
    action: 'cancel',
    requestedBy: s(1),
    admins: [s(2), 'U0ADMIN'],
  }),
  'budget-raised': (s) => ({ kind: 'budget-raised', jobId: s(0), capUsd: 12.5, userId: s(1) }),
  'daily-cap-reached': (s) => ({
    kind: 'daily-cap-reached',
    project: s(0),
    capUsd: 50,
    spentUsd: 51.25,
    resetsAt: 0,
  }),
  queued: (s) => ({
    kind: 'queued',
    job: job(s),
    position: 2,
    length: 3,
    behindStopping: holder(s, 'stopping'),
  }),
  'job-in-the-way': (s) => ({
    kind: 'job-in-the-way',
    holder: holder(s, 'running'),
    reason: 'ticket',
  }),
  stopping: (s) => ({ kind: 'stopping', jobId: s(0), userId: s(1), graceSeconds: 30 }),
  'already-stopping': (s) => ({ kind: 'already-stopping', jobId: s(0) }),
  'queue-left': (s) => ({ kind: 'queue-left', jobId: s(0), userId: s(1) }),
  'agent-unresponsive': (s) => ({
    kind: 'agent-unresponsive',
    job: job(s),
    silentMs: 95_000,
    timeoutMs: 90_000,
  }),
  'agent-unresponsive-withdrawn': (s) => ({
    kind: 'agent-unresponsive-withdrawn',
    job: job(s),
    keptWaitingBy: s(4),
  }),
  'egress-refused': (s) => ({
    kind: 'egress-refused',
    job: job(s),
    host: s(3),
    port: 443,
    rule: s(4),
  }),
  audit: (s) => ({
    kind: 'audit',
    records: Array.from({ length: 15 }, (_, index) => ({
      at: index,
      userId: s(index % 8),
      channelId: s((index + 1) % 8),
      action: s((index + 2) % 8),
      project: s((index + 3) % 8),
      ticketId: s((index + 4) % 8),
      allowed: index % 2 === 0,
      reason: s((index + 5) % 8),
      jobId: s((index + 6) % 8),
      costUsd: index / 7,
    })),
  }),
};

interface TextObject {
  type: string;
  text: string;
  verbatim?: boolean;
}

/** Every text object of a payload, wherever it sits. */
function textObjects(value: unknown, found: TextObject[] = []): TextObject[] {
  if (Array.isArray(value)) for (const item of value) textObjects(item, found);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (
      (record['type'] === 'mrkdwn' || record['type'] === 'plain_text') &&
      typeof record['text'] === 'string'
    )
      found.push(record as unknown as TextObject);
    else for (const item of Object.values(record)) textObjects(item, found);
  }
  return found;
}

const OWN_MARKUP = [
  /^https:\/\/slack\.com\/archives\/[A-Z0-9]+\/p\d+\|[^<>]*$/, // a link to a job's thread (label escaped)
  /^@[UW][A-Z0-9]+$/, // a user mention of a Slack user id (from Slack's own payload)
  new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/[^|<>\\s]+\\|View (draft )?pull request$`),
];

/**
 * What Slack would make active in mrkdwn `text`: every `<…>` that is not one of the renderers'
 * own forms, and bare broadcast words.
 */
function activeMarkup(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/<([^>]*)(>|$)/g)) {
    const inner = match[1] ?? '';
    if (match[2] !== '>' || !OWN_MARKUP.some((own) => own.test(inner))) found.push(match[0]);
  }
  for (const match of text.matchAll(/@(channel|here|everyone)\b/gi)) found.push(match[0]);
  return found;
}

function check(kind: Notice['kind'], notice: Notice): void {
  const message = renderNotice(notice);
  // As the Web API client sends it: JSON.
  const payload = JSON.parse(JSON.stringify({ text: message.text, blocks: message.blocks })) as {
    text: string;
    blocks: unknown[];
  };
  const problems = blockKitProblems(payload);
  if (problems.length > 0)
    throw new Error(`${kind}: invalid Block Kit: ${problems.slice(0, 5).join('; ')}`);
  const mrkdwn = textObjects(payload.blocks).filter((object) => object.type === 'mrkdwn');
  for (const object of mrkdwn)
    if (object.verbatim !== true)
      throw new Error(`${kind}: mrkdwn without verbatim would auto-link`);
  for (const text of [payload.text, ...mrkdwn.map((object) => object.text)]) {
    const active = activeMarkup(text);
    if (active.length > 0)
      throw new Error(`${kind}: active markup ${JSON.stringify(active.slice(0, 3))}`);
  }
}

describe('slack/message-blocks (property)', () => {
  it(`renders ${RUNS * STRINGS_PER_RUN} generated strings through every notice kind as valid, inert Block Kit`, () => {
    const kinds = Object.keys(FIXTURES) as Array<Notice['kind']>;
    let rendered = 0;
    fc.assert(
      fc.property(
        fc.array(hostile, { minLength: STRINGS_PER_RUN, maxLength: STRINGS_PER_RUN }),
        (strings) => {
          const s: Strings = (index) => strings[index % STRINGS_PER_RUN] ?? '';
          for (const kind of kinds) {
            check(kind, FIXTURES[kind](s));
            rendered += 1;
          }
        },
      ),
      { numRuns: RUNS },
    );

    expect(rendered).toBe(RUNS * kinds.length);
    // Thousands of renders of texts up to 45,000 characters: generous for a loaded machine.
  }, 180_000);

  it('has a checker that catches what it must (a raw mention, a link, an over-long section)', () => {
    expect(activeMarkup('hi <!channel> and <https://evil|login> and @here')).toEqual([
      '<!channel>',
      '<https://evil|login>',
      '@here',
    ]);
    expect(activeMarkup(`<@U0123> <${REPOSITORY}/pull/1|View pull request>`)).toEqual([]);
    expect(
      blockKitProblems({
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
      }),
    ).toEqual(['blocks[0].text.text: 3001 characters, over 3000']);
  });
});
