import { silentLogger } from '@agentsmith/kit';
import { FakeGithubApi } from '@agentsmith/testkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { createProjectCatalog } from '../projects/load-project-catalog.js';

describe('jobs/ticket-commands (through the GitHub provider)', () => {
  const TOKEN = 'ghp_fake_token_for_tests';
  let github: FakeGithubApi;
  let harness: DispatcherHarness;
  let dir: string;

  beforeEach(async () => {
    github = await new FakeGithubApi({ token: TOKEN }).addRepository('org/app').start();
    for (let index = 1; index <= 25; index += 1)
      github.seedIssue('org/app', { title: `Issue ${index}` });
    dir = mkdtempSync(join(tmpdir(), 'dispatcher-tickets-'));
    writeFileSync(
      join(dir, 'agentsmith.yml'),
      [
        'projects:',
        '  app:',
        '    source: { type: github, url: https://github.com/org/app }',
        '    tickets: { type: github, url: https://github.com/org/app }',
        '',
      ].join('\n'),
    );
    const projects = createProjectCatalog(
      join(dir, 'agentsmith.yml'),
      { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN },
      silentLogger(),
    );
    harness = await DispatcherHarness.start({ dependencies: { projects } });
  });

  afterEach(async () => {
    await harness.stop();
    await github.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists 20 open issues with a count of the rest, and creates one from typographic quotes', async () => {
    const channel = uniqueChannel();

    await harness.message(channel, 'list tickets in app');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 1).toBe(true);
    await harness.message(
      channel,
      'create ticket \u201CAdd logging\u201D in app \u201CEvery request\u201D',
    );
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 2).toBe(true);
    await harness.message(channel, 'list tickets in ap');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 3).toBe(true);

    const [list, created, unknown] = harness.textsIn(channel, 'chat.postMessage');
    const lines = list!.split('\n');
    expect(lines[0]).toBe(':ticket: *Open tickets in app* (25):');
    expect(lines.filter((line) => line.startsWith('•'))).toHaveLength(20);
    expect(lines.at(-1)).toBe('…and 5 more');
    expect(created).toBe(
      'Ticket *#26* created in *app*: _Add logging_\nTo work on it: `fix #26 in app`',
    );
    expect(github.issue('org/app', 26)).toMatchObject({
      title: 'Add logging',
      body: 'Every request',
    });
    expect(unknown).toBe(
      "I don't know the project *ap*. Did you mean *app*? Known projects: `app`",
    );
  });
});
