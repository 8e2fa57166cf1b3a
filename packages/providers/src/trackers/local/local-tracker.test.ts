import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTrackerConformance } from '../tracker.conformance.js';
import { createLocalTracker } from './local-tracker.js';

async function tempFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'local-tickets-'));
}

async function fileOf(folder: string, id: string): Promise<string> {
  const name = (await readdir(folder)).find(
    (file) => file.startsWith(`${id}-`) || file === `${id}.md`,
  );
  return name ?? '';
}

describeTrackerConformance('local', async () => {
  const folder = await tempFolder();
  let next = 1;
  return {
    tracker: createLocalTracker({ path: folder }),
    seedTicket: async ({ title, body }) => {
      const id = String(next++);
      await writeFile(join(folder, `${id}.md`), `# ${title}\n\n${body}\n`);
      return id;
    },
    seedComment: async (id, { author, body }) => {
      const path = join(folder, await fileOf(folder, id));
      const text = await readFile(path, 'utf8');
      const block = `### ${new Date().toISOString()} ${author}\n\n${body}\n`;
      const heading = text.includes('## Comments') ? '' : '\n## Comments\n\n';
      await writeFile(path, `${text.trimEnd()}\n${heading}\n${block}`);
    },
    comments: async (id) => {
      const text = await readFile(join(folder, await fileOf(folder, id)), 'utf8');
      return text.split(/^### \d{4}-\S+$/m).slice(1);
    },
    missingId: '9999',
    namedState: 'in review',
    isInState: async (id, state) =>
      (await readFile(join(folder, await fileOf(folder, id)), 'utf8')).includes(`Labels: ${state}`),
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});

describe('trackers/local/local-tracker', () => {
  it('reads <id>-<slug>.md files, their labels and state lines, and ignores other files', async () => {
    const folder = await tempFolder();
    try {
      await writeFile(
        join(folder, '7-login-fails.md'),
        '# Login fails\n\nLabels: bug, auth\n\nThe form hangs.\n',
      );
      await writeFile(join(folder, '8-old.md'), '# Old\n\nState: closed\n');
      await writeFile(join(folder, 'README.md'), '# not a ticket\n');
      const tracker = createLocalTracker({ path: folder });

      const ticket = await tracker.getTicket('7');
      const page = await tracker.listOpenTickets(10);

      expect(ticket).toEqual({
        id: '7',
        title: 'Login fails',
        body: 'The form hangs.',
        labels: ['bug', 'auth'],
        comments: [],
        state: 'open',
        url: `file://${join(folder, '7-login-fails.md')}`,
      });
      expect(page).toEqual({ tickets: [ticket], total: 1 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('creates the next id with a slug, and appends timestamped comments under ## Comments', async () => {
    const folder = await tempFolder();
    try {
      await writeFile(join(folder, '41.md'), '# Existing\n');
      const tracker = createLocalTracker({
        path: folder,
        now: () => new Date('2026-01-02T03:04:05Z'),
      });

      const { ticket: created } = await tracker.ensureTicket({
        title: 'Add dark mode!',
        description: 'Please.',
      });
      await tracker.ensureComment(created.id, { key: 'k1', body: 'Started.' });

      expect(created.id).toEqual('42');
      expect(await readFile(join(folder, '42-add-dark-mode.md'), 'utf8')).toEqual(
        '# Add dark mode!\n\nPlease.\n\n## Comments\n\n### 2026-01-02T03:04:05.000Z\n\nStarted.\n\n<!-- agentsmith:key=k1 -->\n',
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('treats a missing folder as empty and fails clearly on commenting an unknown ticket', async () => {
    const tracker = createLocalTracker({ path: join(tmpdir(), 'does-not-exist-agentsmith') });

    expect(await tracker.listOpenTickets(5)).toEqual({ tickets: [], total: 0 });
    await expect(tracker.ensureComment('3', { key: 'k', body: 'x' })).rejects.toMatchObject({
      code: 'tracker_ticket_not_found',
    });
  });
});
