import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DetailThrottle } from './detail-throttle.js';

describe('progress/detail-throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first line at once and gathers the next ones until the interval ends', () => {
    const sent: string[] = [];
    const throttle = new DetailThrottle(
      1000,
      (text) => sent.push(text),
      () => Date.now(),
    );

    throttle.push('one');
    throttle.push('two');
    throttle.push('three');
    expect(sent).toEqual(['one']);
    vi.advanceTimersByTime(1000);

    expect(sent).toEqual(['one', 'two\nthree']);
  });

  it('keeps the newest lines of a burst and says how many it skipped', () => {
    const sent: string[] = [];
    const throttle = new DetailThrottle(
      1000,
      (text) => sent.push(text),
      () => Date.now(),
    );

    throttle.push('first');
    for (let index = 1; index <= 10; index += 1) throttle.push(`line ${index}`);
    throttle.flush();

    expect(sent[1]?.split('\n')).toEqual([
      '(2 earlier lines skipped)',
      ...Array.from({ length: 8 }, (_, i) => `line ${i + 3}`),
    ]);
  });
});
