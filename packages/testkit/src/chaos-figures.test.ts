import { describe, expect, it } from 'vitest';
import { jobFigures, sumFigures, type StreamEntry } from './chaos-figures.js';
import type { SlackCall } from './fake-slack-api.js';

const post = (text: string): SlackCall => ({
  method: 'chat.postMessage',
  args: { channel: 'C1', text },
  at: 0,
});
const update = (text: string): SlackCall => ({
  method: 'chat.update',
  args: { channel: 'C1', text },
  at: 0,
});
const detail = (text: string): StreamEntry => ({ id: '1-0', fields: { type: 'detail', text } });
const progress = (step: number): StreamEntry => ({
  id: '1-0',
  fields: { type: 'progress', step: String(step), total: '9' },
});
const done: StreamEntry = { id: '9-0', fields: { type: 'done' } };

describe('testkit/chaos-figures', () => {
  it('counts nothing when every entry arrived once, in order, with one final card', () => {
    const figures = jobFigures(
      [progress(1), detail('a'), detail('b\nc'), progress(2), detail('d'), done],
      [
        post('Starting job 1 for #58 in p'),
        post('Job 1 for #58 in p: [1/9] Fetching'),
        post('a\nb\nc'),
        update('Job 1 for #58 in p: [2/9] Checking out'),
        post('d'),
        post('Done: fixed'),
      ],
    );
    expect(figures).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, finalCards: 1 });
  });

  it('counts a lost detail, a duplicated one, one out of order and a second final card', () => {
    const figures = jobFigures(
      [detail('a'), detail('b'), detail('c'), detail('d'), done],
      [post('b'), post('a'), post('d'), post('d'), post('Done: x'), post('Job 1 failed at y')],
    );
    expect(figures).toEqual({ lost: 1, duplicated: 2, outOfOrder: 1, finalCards: 2 });
  });

  it('tells two details with the same text from a duplicate', () => {
    const figures = jobFigures(
      [detail('Running npm test'), detail('x'), detail('Running npm test'), done],
      [post('Running npm test\nx'), post('Running npm test'), post('Done: ok')],
    );
    expect(figures).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, finalCards: 1 });
    expect(
      jobFigures(
        [detail('Running npm test'), done],
        [post('Running npm test'), post('Running npm test'), post('Done: ok')],
      ).duplicated,
    ).toBe(1);
  });

  it('counts steps shown backwards and a job without a final card', () => {
    const figures = jobFigures(
      [progress(1), progress(2), progress(3)],
      [update('Job 1 for #1 in p: [2/9] b'), update('Job 1 for #1 in p: [1/9] a')],
    );
    expect(figures).toEqual({ lost: 2, duplicated: 0, outOfOrder: 1, finalCards: 0 });
  });

  it('sums jobs', () => {
    expect(
      sumFigures([
        { lost: 1, duplicated: 0, outOfOrder: 2, finalCards: 1 },
        { lost: 0, duplicated: 3, outOfOrder: 0, finalCards: 1 },
      ]),
    ).toEqual({ lost: 1, duplicated: 3, outOfOrder: 2 });
  });
});
