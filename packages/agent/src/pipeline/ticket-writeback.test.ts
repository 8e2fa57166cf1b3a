import { silentLogger } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { MemoryTracker, TICKET } from '../../test/fakes/fake-run-context.js';
import { TicketWriteback } from './ticket-writeback.js';

const facts = {
  prUrl: 'https://example.test/o/r/pull/1',
  changedFiles: ['src/a.ts'],
  costUsd: 0.01,
  summary: 'Fixed it',
};
const signal = new AbortController().signal;

describe('pipeline/ticket-writeback', () => {
  it('keys every comment, so a re-run of the same ticket and pull request adds nothing', async () => {
    const tracker = new MemoryTracker([TICKET]);
    const first = new TicketWriteback(tracker, silentLogger());
    const rerun = new TicketWriteback(tracker, silentLogger());

    await first.started(TICKET, signal);
    await first.completed(TICKET, facts, signal);
    await rerun.started(TICKET, signal);
    await rerun.completed(TICKET, facts, signal);
    await rerun.completed(TICKET, { ...facts, prUrl: 'https://example.test/o/r/pull/2' }, signal);

    expect(tracker.comments.map((comment) => comment.key)).toEqual([
      'agentsmith:58:started',
      'agentsmith:58:completed:https://example.test/o/r/pull/1',
      'agentsmith:58:completed:https://example.test/o/r/pull/2',
    ]);
  });

  it('moves the ticket to the configured state after the completion comment, and only then', async () => {
    const tracker = new MemoryTracker([TICKET]);
    const writeback = new TicketWriteback(tracker, silentLogger(), 'In Review');

    await writeback.started(TICKET, signal);
    await writeback.failed(
      TICKET,
      { step: 8, total: 9, stepName: 'TestCommand', reason: 'red' },
      signal,
    );
    expect(tracker.transitions).toEqual([]);

    await writeback.completed(TICKET, facts, signal);
    expect(tracker.transitions).toEqual([{ ticketId: '58', state: 'In Review' }]);
  });

  it('logs a refused transition instead of failing the run', async () => {
    const tracker = new MemoryTracker([TICKET]);
    tracker.transitionTicket = () => Promise.reject(new Error('no transition "In Review"'));
    const warnings: unknown[] = [];
    const logger = { ...silentLogger(), warn: (...args: unknown[]) => warnings.push(args) };

    await new TicketWriteback(tracker, logger, 'In Review').completed(TICKET, facts, signal);

    expect(tracker.comments).toHaveLength(1);
    expect(JSON.stringify(warnings)).toContain('moving the ticket failed');
  });
});
