import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TICKET_COMMENTS, type Tracker } from './tracker.js';

/** A tracker under test plus direct access to the store behind it. */
export interface TrackerFixture {
  tracker: Tracker;
  /** Adds an open ticket straight to the backing store; returns its id as the tracker names it. */
  seedTicket(ticket: { title: string; body: string }): Promise<string>;
  /** Adds a person's comment straight to the backing store (the newest). */
  seedComment(ticketId: string, comment: { author: string; body: string }): Promise<void>;
  /** Every comment of the ticket as the backing store holds it, in order. */
  comments(ticketId: string): Promise<string[]>;
  /** A reference no ticket has, in the tracker's own form (`9999`, `PROJ-9999`). */
  missingId: string;
  /** A named state the tracker can move a ticket to (a label on trackers without workflows). */
  namedState: string;
  /** Whether the ticket shows `namedState` (its status or a label). */
  isInState(ticketId: string, state: string): Promise<boolean>;
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
      const number = id.replace(/^[A-Z][A-Z0-9_]*-/, '');

      const ticket = await fixture.tracker.getTicket(id);
      const hashed = await fixture.tracker.getTicket(`#${number}`);

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

      expect(await fixture.tracker.getTicket(fixture.missingId)).toBeNull();
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

    it('creates a ticket once: ensuring it again returns the same ticket', async () => {
      const first = await fixture.tracker.ensureTicket({
        title: 'New bug',
        description: 'It breaks',
      });
      const again = await fixture.tracker.ensureTicket({
        title: 'New bug',
        description: 'It breaks',
      });

      const read = await fixture.tracker.getTicket(first.ticket.id);
      const page = await fixture.tracker.listOpenTickets(10);

      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, ticket: { id: first.ticket.id } });
      expect(read).toMatchObject({
        id: first.ticket.id,
        title: 'New bug',
        body: 'It breaks',
        state: 'open',
      });
      expect(page.tickets.filter((ticket) => ticket.title === 'New bug')).toHaveLength(1);
    });

    it('adds a keyed comment once, however often it is ensured', async () => {
      const id = await fixture.seedTicket({ title: 'commented', body: 'text' });

      const first = await fixture.tracker.ensureComment(id, {
        key: `agentsmith:${id}:started`,
        body: 'Agent Smith is working on this issue...',
      });
      const repeated = await fixture.tracker.ensureComment(id, {
        key: `agentsmith:${id}:started`,
        body: 'Agent Smith is working on this issue...',
      });
      await fixture.tracker.ensureComment(id, {
        key: `agentsmith:${id}:completed`,
        body: '## Agent Smith - Completed\n\n**Cost:** $0.01\n\n- `src/a.ts`',
      });

      const comments = await fixture.comments(id);
      expect(first.created).toBe(true);
      expect(repeated.created).toBe(false);
      expect(comments).toHaveLength(2);
      expect(comments[0]).toContain('Agent Smith is working on this issue...');
      expect(comments[1]).toContain('Agent Smith - Completed');
      expect(comments[1]).toContain('src/a.ts');
      expect((await fixture.tracker.getTicket(id))?.body).toEqual('text');
    });

    it('moves a ticket to done, which leaves the open list, and again changes nothing', async () => {
      const id = await fixture.seedTicket({ title: 'to close', body: '' });
      await fixture.seedTicket({ title: 'stays', body: '' });

      await fixture.tracker.transitionTicket(id, 'done');
      await fixture.tracker.transitionTicket(id, 'done');

      expect((await fixture.tracker.getTicket(id))?.state).toEqual('closed');
      expect(
        (await fixture.tracker.listOpenTickets(10)).tickets.map((ticket) => ticket.title),
      ).toEqual(['stays']);
    });

    it('moves a ticket to a named state, keeping it open', async () => {
      const id = await fixture.seedTicket({ title: 'in review', body: '' });

      await fixture.tracker.transitionTicket(id, fixture.namedState);
      await fixture.tracker.transitionTicket(id, fixture.namedState);

      expect(await fixture.isInState(id, fixture.namedState)).toBe(true);
      expect((await fixture.tracker.getTicket(id))?.state).toEqual('open');
    });

    it("gives the ticket people's comments, oldest first, without the agent's keyed ones", async () => {
      const id = await fixture.seedTicket({ title: 'discussed', body: 'text' });
      await fixture.seedComment(id, { author: 'alice', body: 'It also fails on Safari.' });
      await fixture.tracker.ensureComment(id, {
        key: `agentsmith:${id}:started`,
        body: 'Agent Smith is working on this issue...',
      });
      await fixture.seedComment(id, { author: 'bob', body: 'Steps: open a file, save.' });

      const ticket = await fixture.tracker.getTicket(id);

      expect(ticket?.comments?.map((comment) => [comment.author, comment.body])).toEqual([
        ['alice', 'It also fails on Safari.'],
        ['bob', 'Steps: open a file, save.'],
      ]);
      for (const comment of ticket?.comments ?? []) {
        expect(Number.isNaN(Date.parse(comment.createdAt ?? ''))).toBe(false);
      }
    });

    it('keeps only the newest comments of a long discussion', async () => {
      const id = await fixture.seedTicket({ title: 'long thread', body: '' });
      for (let n = 1; n <= MAX_TICKET_COMMENTS + 2; n += 1) {
        await fixture.seedComment(id, { author: 'carol', body: `comment ${n}` });
      }

      const comments = (await fixture.tracker.getTicket(id))?.comments ?? [];

      expect(comments).toHaveLength(MAX_TICKET_COMMENTS);
      expect(comments[0]?.body).toEqual('comment 3');
      expect(comments.at(-1)?.body).toEqual(`comment ${MAX_TICKET_COMMENTS + 2}`);
    });

    it('refuses to comment on a ticket that does not exist', async () => {
      await expect(
        fixture.tracker.ensureComment(fixture.missingId, { key: 'k', body: 'hello' }),
      ).rejects.toMatchObject({ code: 'tracker_ticket_not_found' });
    });
  });
}
