import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tracker } from './tracker.js';

/** A tracker under test plus direct access to the store behind it. */
export interface TrackerFixture {
  tracker: Tracker;
  /** Adds an open ticket straight to the backing store; returns its id. */
  seedTicket(ticket: { title: string; body: string }): Promise<string>;
  /** Every comment of the ticket as the backing store holds it, joined. */
  commentText(ticketId: string): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every {@link Tracker} shares. Each adapter test calls this with a factory for its
 * fake backend, then adds its vendor-specific cases.
 */
export function describeTrackerConformance(
  name: string,
  makeFixture: () => Promise<TrackerFixture>,
): void {
  describe(`${name} tracker conformance`, () => {
    let fixture: TrackerFixture;

    beforeEach(async () => {
      fixture = await makeFixture();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('gets a ticket by id, with or without #', async () => {
      const id = await fixture.seedTicket({ title: 'Crash on save', body: 'Steps:\n1. save' });

      const ticket = await fixture.tracker.getTicket(id);
      const hashed = await fixture.tracker.getTicket(`#${id}`);

      expect(ticket).toMatchObject({
        id,
        title: 'Crash on save',
        body: 'Steps:\n1. save',
        state: 'open',
      });
      expect(hashed?.id).toEqual(id);
    });

    it('returns null for a ticket that does not exist', async () => {
      await fixture.seedTicket({ title: 'one', body: '' });

      expect(await fixture.tracker.getTicket('9999')).toBeNull();
      expect(await fixture.tracker.getTicket('not-a-number')).toBeNull();
    });

    it('lists open tickets newest first, at most limit, with the total', async () => {
      await fixture.seedTicket({ title: 'first', body: '' });
      await fixture.seedTicket({ title: 'second', body: '' });
      await fixture.seedTicket({ title: 'third', body: '' });

      const page = await fixture.tracker.listOpenTickets(2);

      expect(page.total).toEqual(3);
      expect(page.tickets.map((ticket) => ticket.title)).toEqual(['third', 'second']);
    });

    it('creates a ticket that can then be read and listed', async () => {
      const created = await fixture.tracker.createTicket({
        title: 'New bug',
        description: 'It breaks',
      });

      const read = await fixture.tracker.getTicket(created.id);
      const page = await fixture.tracker.listOpenTickets(10);

      expect(read).toMatchObject({
        id: created.id,
        title: 'New bug',
        body: 'It breaks',
        state: 'open',
      });
      expect(page.tickets.map((ticket) => ticket.id)).toContain(created.id);
    });

    it('adds comments', async () => {
      const id = await fixture.seedTicket({ title: 'commented', body: 'text' });

      await fixture.tracker.addComment(id, 'Agent Smith is working on this issue...');
      await fixture.tracker.addComment(id, '## Agent Smith - Completed');

      const text = await fixture.commentText(id);
      expect(text).toContain('Agent Smith is working on this issue...');
      expect(text).toContain('## Agent Smith - Completed');
      expect((await fixture.tracker.getTicket(id))?.body).toEqual('text');
    });

    it('closes a ticket, which leaves the open list', async () => {
      const id = await fixture.seedTicket({ title: 'to close', body: '' });
      await fixture.seedTicket({ title: 'stays', body: '' });

      await fixture.tracker.closeTicket?.(id);

      expect((await fixture.tracker.getTicket(id))?.state).toEqual('closed');
      expect(
        (await fixture.tracker.listOpenTickets(10)).tickets.map((ticket) => ticket.title),
      ).toEqual(['stays']);
    });
  });
}
