import { SecretSanitizer, silentLogger } from '@agentsmith/kit';
import { blockKitProblems, FakeGithubApi, type SlackCall } from '@agentsmith/testkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  fakeCatalog,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';
import { createProjectCatalog } from '../projects/load-project-catalog.js';

/** A token of GitHub's format, built at run time so no scanner mistakes this file for a leak. */
const LEAKED_TOKEN = `ghp_${'Zx9'.repeat(12)}`;
const KNOWN_SECRET = 'redis-password-4f9a1c';

/** Everything a call puts in front of people: its fallback text and every text of its blocks. */
function shown(call: SlackCall): string {
  return JSON.stringify({ text: call.args['text'], blocks: call.args['blocks'] });
}

interface ActionsBlock {
  type: string;
  elements?: Array<{ action_id: string; value: string }>;
}

describe('slack output hygiene (dispatcher → fake Slack)', () => {
  let harness: DispatcherHarness | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('lists a GitHub issue titled `<!channel> <https://evil|login>` as text: no ping, no link', async () => {
    const token = 'ghp_fake_token_for_tests';
    const github = await new FakeGithubApi({ token }).addRepository('org/app').start();
    cleanups.push(() => github.stop());
    github.seedIssue('org/app', { title: '<!channel> <https://evil|login>' });
    github.seedIssue('org/app', { title: 'Ping @here & <@U0BOSS> in <#C0GENERAL>' });
    const dir = mkdtempSync(join(tmpdir(), 'dispatcher-hygiene-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'agentsmith.yml'),
      'projects:\n  app:\n    source: { type: github, url: https://github.com/org/app }\n    tickets: { type: github, url: https://github.com/org/app }\n',
    );
    const projects = createProjectCatalog(
      join(dir, 'agentsmith.yml'),
      { GITHUB_API_URL: github.url, GITHUB_TOKEN: token },
      silentLogger(),
    );
    harness = await DispatcherHarness.start({ dependencies: { projects } });
    const channel = uniqueChannel();

    await harness.message(channel, 'list tickets in app');
    await expect.poll(() => harness!.textsIn(channel, 'chat.postMessage').length).toBe(1);

    const list = harness.slack.callsTo('chat.postMessage').at(-1)!;
    const section = (
      list.args['blocks'] as Array<{ text: { text: string; verbatim: boolean } }>
    )[0]!.text;
    expect(section.text).toContain('&lt;!channel&gt; &lt;https://evil|login&gt;');
    expect(section.text).toContain('@\u2060here &amp; &lt;@U0BOSS&gt; in &lt;#C0GENERAL&gt;');
    expect(section.verbatim).toBe(true);
    for (const text of [section.text, String(list.args['text'])]) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      expect(text).not.toMatch(/@here/);
    }
    expect(list.args).toMatchObject({
      parse: 'none',
      link_names: false,
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(await projects.repositoryUrl?.('app')).toBe('https://github.com/org/app');
  });

  it('shows a phishing pull-request URL on the final card as text, and links a real one', async () => {
    const projects = {
      ...fakeCatalog(),
      repositoryUrl: () => Promise.resolve('https://github.com/org/agent-smith-test'),
    };
    harness = await DispatcherHarness.start({ dependencies: { projects } });
    const phishing = 'https://evil.example/phish|View pull request> <!channel> <https://x';
    const cases = [
      { prUrl: phishing, linked: false },
      { prUrl: 'http://github.com/org/agent-smith-test/pull/7', linked: false },
      { prUrl: 'https://github.com/org/other-repo/pull/7', linked: false },
      { prUrl: 'https://github.com.evil.example/org/agent-smith-test/pull/7', linked: false },
      { prUrl: 'https://github.com/org/agent-smith-test/pull/7', linked: true },
    ];
    for (const { prUrl, linked } of cases) {
      const channel = uniqueChannel();
      const jobId = await harness.startJob(channel);
      await harness.agentWrites({
        type: 'done',
        jobId,
        at: Date.now(),
        summary: 'Fixed it',
        prUrl,
        durationMs: 1000,
        changedFiles: ['a.ts'],
      });
      await expect
        .poll(() => harness!.textsIn(channel, 'chat.postMessage').some((t) => t.startsWith('Done')))
        .toBe(true);
      const card = harness.slack
        .callsTo('chat.postMessage')
        .find((call) => call.args['channel'] === channel && textOf(call).startsWith('Done'))!;
      const first = (card.args['blocks'] as Array<{ text: { text: string } }>)[0]!.text.text;
      if (linked) expect(first).toContain(`<${prUrl}|View pull request>`);
      else {
        expect(first).toContain('_(not a link: not an https address in the project');
        expect(first).not.toMatch(/<https?:|<!/);
      }
    }
    expect(harness.slack.invalid).toEqual([]);
  });

  it('turns a failing-test tail over 3000 characters into a valid error card with its Retry button', async () => {
    harness = await DispatcherHarness.start();
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const tail = Array.from(
      { length: 400 },
      (_, index) => `FAILED tests/test_calc.py::test_${index} - assert <${index}> == 0 & more`,
    ).join('\n');
    expect(tail.length).toBeGreaterThan(3000 * 5);

    await harness.agentWrites({
      type: 'error',
      jobId,
      at: Date.now(),
      step: 8,
      total: 9,
      stepName: 'TestCommand',
      code: 'tests_failed',
      reason: `The tests still fail after 2 repair rounds:\n${tail}`,
    });
    await expect
      .poll(() =>
        harness!.textsIn(channel, 'chat.postMessage').some((t) => t.includes('failed at')),
      )
      .toBe(true);

    const card = harness.slack
      .callsTo('chat.postMessage')
      .find((call) => textOf(call).startsWith(`Job ${jobId} failed at TestCommand`))!;
    expect(blockKitProblems(card.args)).toEqual([]);
    const blocks = card.args['blocks'] as ActionsBlock[];
    const retry = blocks.find((block) => block.type === 'actions')!.elements![0]!;
    expect(retry).toMatchObject({ action_id: 'retry' });
    expect(JSON.parse(retry.value)).toEqual({ project: 'agent-smith-test', ticketId: '58' });
    expect(shown(card)).toMatch(/truncated: \d+ more characters/);
    expect(harness.slack.invalid).toEqual([]);
    expect(await harness.dispatcher.context.conversations.get('slack', channel)).toBeNull();
  });

  it('posts a plan far over 3000 characters whole, with its answer buttons', async () => {
    harness = await DispatcherHarness.start();
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const plan = Array.from({ length: 300 }, (_, i) => `${i + 1}. Change module_${i}.ts`).join(
      '\n',
    );
    expect(plan.length).toBeGreaterThan(6000);

    await harness.agentWrites({
      type: 'question',
      jobId,
      at: Date.now(),
      questionId: 'plan-1',
      text: `Approve this plan?\n${plan}`,
      choices: ['approve', 'reject'],
    });
    await expect
      .poll(() =>
        harness!.textsIn(channel, 'chat.postMessage').some((t) => t.startsWith('Question')),
      )
      .toBe(true);

    const question = harness.slack
      .callsTo('chat.postMessage')
      .find((call) => textOf(call).startsWith('Question'))!;
    const blocks = question.args['blocks'] as Array<ActionsBlock & { text?: { text: string } }>;
    const sectionsText = blocks.flatMap((block) => (block.text ? [block.text.text] : [])).join('');
    expect(sectionsText).toContain('300. Change module_299.ts');
    expect(blocks.at(-1)?.elements?.map((button) => button.value)).toEqual(['approve', 'reject']);
    expect(harness.slack.invalid).toEqual([]);
  });

  it('redacts token formats and the known secret values from what an agent reports', async () => {
    harness = await DispatcherHarness.start({
      dependencies: { sanitizer: new SecretSanitizer([KNOWN_SECRET]) },
    });
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);

    await harness.agentWrites(
      {
        type: 'detail',
        jobId,
        at: Date.now(),
        text: `$ pytest\nE   AssertionError: header was Bearer ${LEAKED_TOKEN}`,
      },
      {
        type: 'error',
        jobId,
        at: Date.now(),
        step: 8,
        total: 9,
        stepName: 'TestCommand',
        code: 'tests_failed',
        reason: `test_connect failed: could not log in with ${KNOWN_SECRET}`,
      },
    );
    await expect
      .poll(() =>
        harness!.textsIn(channel, 'chat.postMessage').some((t) => t.includes('failed at')),
      )
      .toBe(true);

    const calls = harness.slack.calls.filter((call) => call.args['channel'] === channel);
    const everything = calls.map(shown).join('\n');
    expect(everything).not.toContain(LEAKED_TOKEN);
    expect(everything).not.toContain(KNOWN_SECRET);
    expect(everything).toContain('Bearer [redacted]');
    expect(everything).toContain('could not log in with [redacted]');
  });
});

function textOf(call: SlackCall): string {
  const text = call.args['text'];
  return typeof text === 'string' ? text : '';
}
