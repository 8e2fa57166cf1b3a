import { SecretSanitizer } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import type { Notice } from '../jobs/notices.js';
import { TERMINAL_TEAM, TerminalChat } from './terminal-chat.js';

const job = { jobId: 'abcdef123456', ticketId: '1', project: 'demo' };

function terminal(secrets: string[] = []) {
  const lines: string[] = [];
  const seen: Notice['kind'][] = [];
  const chat = new TerminalChat({
    print: (line) => lines.push(line),
    sanitizer: new SecretSanitizer(secrets),
    onNotice: (notice) => seen.push(notice.kind),
  });
  return { chat, lines, seen };
}

describe('TerminalChat', () => {
  it('prints a notice as the text Slack would show, without its markup', async () => {
    const { chat, lines, seen } = terminal();
    const ts = await chat.notifier.post('demo', { kind: 'starting', job }, '0.000000');
    expect(ts).toMatch(/^\d+\.000000$/);
    const printed = lines.join('\n');
    expect(printed).toContain('abcdef123456');
    expect(printed).toContain('demo');
    expect(printed).not.toMatch(/<[^>]*\|[^>]*>/);
    expect(seen).toEqual(['starting']);
  });

  it('prints an edit only when its text changed, and every post gets its own id', async () => {
    const { chat, lines } = terminal();
    const progress = (label: string): Notice => ({
      kind: 'progress',
      job,
      progress: { step: 2, total: 5, label },
    });
    const ts = await chat.notifier.post('demo', progress('Checking out'), '0.000000');
    const shown = lines.length;
    await chat.notifier.update('demo', ts, progress('Checking out'));
    expect(lines).toHaveLength(shown);
    await chat.notifier.update('demo', ts, progress('Running the tests'));
    expect(lines.length).toBeGreaterThan(shown);
    expect(lines.join('\n')).toContain('Running the tests');
    expect(await chat.notifier.post('demo', progress('x'), '0.000000')).not.toBe(ts);
  });

  it('keeps hostile text from driving the terminal or forging a link, and scrubs secrets', async () => {
    const { chat, lines } = terminal(['hunter2-secret-value']);
    await chat.notifier.post(
      'demo',
      {
        kind: 'details',
        lines: [
          '\u001b[2J\u001b]0;owned\u0007cleared <https://evil.example|click> hunter2-secret-value',
        ],
      },
      '0.000000',
    );
    const printed = lines.join('\n');
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(printed).toContain('cleared');
    // Escaped by the renderer, the ticket's angle brackets stay text: no link label hides the URL.
    expect(printed).toContain('<https://evil.example|click>');
    expect(printed).not.toContain('hunter2-secret-value');
  });

  it('knows every person as a member of its one workspace', async () => {
    const { chat } = terminal();
    expect(await chat.directory.homeTeamId()).toBe(TERMINAL_TEAM);
    expect(await chat.directory.person('demo-user')).toMatchObject({
      userId: 'demo-user',
      teamId: TERMINAL_TEAM,
      deleted: false,
      bot: false,
    });
    expect(await chat.directory.workspaceUrl()).toBeUndefined();
  });
});
