import { describe, expect, it } from 'vitest';
import { PhaseClock } from './phase-clock.js';

describe('progress/phase-clock', () => {
  it('keeps the first time of each phase and marks the phases completed steps stand for', () => {
    let now = 1000;
    const clock = new PhaseClock(500.4, () => now);

    clock.mark('firstProgress');
    now = 2000;
    clock.stepCompleted('CheckoutSourceCommand');
    clock.stepCompleted('FetchTicketCommand');
    now = 3000;
    clock.mark('firstProgress');
    clock.stepCompleted('TestCommand');
    now = 4000;
    clock.stepCompleted('TestCommand');
    clock.stepCompleted('CommitAndPRCommand');

    expect(clock.marks()).toEqual({
      started: 500,
      firstProgress: 1000,
      checkoutDone: 2000,
      testsDone: 3000,
      prOpened: 4000,
    });
  });
});
