import { jobInStreamKey } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  uniqueChannel,
  type HarnessOptions,
} from '../../test/support/dispatcher-harness.js';
import type { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import { createProjectCatalog } from '../projects/load-project-catalog.js';

/** Access policy, job control and audit through Bolt, real Redis and the fake Slack over HTTP. */
describe('jobs/access-control', () => {
  let harness: DispatcherHarness;

  afterEach(async () => {
    await harness.stop();
  });

  async function start(
    env: Record<string, string> = {},
    options: HarnessOptions<FakeJobSpawner> = {},
  ) {
    harness = await DispatcherHarness.start({
      ...options,
      env: { SLACK_ADMIN_USERS: 'UADMIN', ...env },
    });
    return harness;
  }

  /** The bot's replies in `channel`, once there are `count` of them. */
  async function replies(channel: string, count = 1): Promise<string[]> {
    await expect
      .poll(() => harness.textsIn(channel, 'chat.postMessage').length, {
        message: `${count} replies in ${channel}`,
      })
      .toBeGreaterThanOrEqual(count);
    return harness.textsIn(channel, 'chat.postMessage');
  }

  const refusals = () => harness.dispatcher.metrics.accessRefusals;

  it("refuses a single-channel guest's fix, explains why and whom to ask, counts and records it", async () => {
    await start();
    harness.slack.users.set('UGUEST', {
      id: 'UGUEST',
      is_restricted: true,
      is_ultra_restricted: true,
    });
    const channel = uniqueChannel();

    await harness.message(channel, 'fix #58 in agent-smith-test', { user: 'UGUEST' });
    const [reply] = await replies(channel);
    const records = await harness.dispatcher.context.access?.audit.latest(5);

    expect(reply).toBe(
      "I can't do `fix` for you: you are a single-channel guest of this workspace, and guests may not use me here. Ask an admin (<@UADMIN>) if you need it.",
    );
    expect(harness.attempted).toEqual([]);
    expect(refusals()).toBe(1);
    expect(records?.[0]).toMatchObject({
      userId: 'UGUEST',
      channelId: channel,
      action: 'fix',
      project: 'agent-smith-test',
      allowed: false,
      reason: expect.stringContaining('single-channel guest') as unknown,
    });
    expect(
      harness.slack.server
        .requestsTo('POST', '/api/users.info')
        .map((request) => (request.json as Record<string, unknown>)['user']),
    ).toContain('UGUEST');
  });

  it('lets guests in when SLACK_ALLOW_GUESTS=true', async () => {
    await start({ SLACK_ALLOW_GUESTS: 'true' });
    harness.slack.users.set('UGUEST', { id: 'UGUEST', is_restricted: true });
    const channel = uniqueChannel();

    await harness.message(channel, 'fix #58 in agent-smith-test', { user: 'UGUEST' });
    await expect.poll(() => harness.jobIn(channel), { message: 'the spawn' }).not.toBe('');

    expect(refusals()).toBe(0);
  });

  it.each([
    [
      'a user of another workspace (Slack Connect)',
      { id: 'UEXT', team_id: 'T2' },
      { user_team: 'T2' },
    ],
    ['a user Slack marks as a stranger', { id: 'UEXT', is_stranger: true }, {}],
  ])('refuses %s', async (_case, profile, event) => {
    await start();
    harness.slack.users.set('UEXT', profile);
    const channel = uniqueChannel();

    await harness.message(channel, 'status', { user: 'UEXT', ...event });
    const [reply] = await replies(channel);

    expect(reply).toMatch(
      /^I can't do `status` for you: you (belong to another Slack workspace \(T2\)|are an external \(Slack Connect\) user)/,
    );
    expect(refusals()).toBe(1);
  });

  it('lets in a member of an allowed user group (usergroups.users.list, cached) and refuses everyone else', async () => {
    await start({ SLACK_ALLOWED_USERGROUPS: 'SDEVS' });
    harness.slack.usergroups.set('SDEVS', ['UMEMBER']);
    const [allowed, refused] = [uniqueChannel(), uniqueChannel()];

    await harness.message(allowed, 'fix #58 in agent-smith-test', { user: 'UMEMBER' });
    await expect.poll(() => harness.jobIn(allowed), { message: 'the spawn' }).not.toBe('');
    await harness.message(refused, 'fix #58 in agent-smith-test', { user: 'UHUMAN' });
    const [reply] = await replies(refused);

    expect(reply).toContain('you are not among the people or user groups allowed to use me here');
    expect(harness.slack.server.requestsTo('POST', '/api/usergroups.users.list')).toHaveLength(1);
    expect(harness.attempted.map((spec) => spec.requestedBy)).toEqual(['UMEMBER']);
  });

  it('takes requests only in the allowed channels', async () => {
    const allowed = uniqueChannel();
    await start({ SLACK_ALLOWED_CHANNELS: allowed });
    const other = uniqueChannel();

    await harness.message(other, 'status');
    const [reply] = await replies(other);

    expect(reply).toContain('this channel is not one where I take requests here');
  });

  it("applies a project's own access block from agentsmith.yml, whatever the project's spelling", async () => {
    const directory = await mkdtemp(join(tmpdir(), 'access-'));
    const [payments, elsewhere] = [uniqueChannel(), uniqueChannel()];
    const local = `source: { type: local, path: ${directory} }\n    tickets: { type: local, path: ${directory} }`;
    await writeFile(
      join(directory, 'agentsmith.yml'),
      `projects:\n  payments:\n    ${local}\n    access: { channels: [${payments}], usergroups: [SPAY] }\n  open:\n    ${local}\n`,
    );
    try {
      await start(
        {},
        {
          dependencies: {
            projects: createProjectCatalog(join(directory, 'agentsmith.yml'), {}, silentLogger()),
          },
        },
      );
      harness.slack.usergroups.set('SPAY', ['UHUMAN']);

      await harness.message(elsewhere, 'fix #1 in PAYMENTS');
      const [wrongChannel] = await replies(elsewhere);
      await harness.message(payments, 'fix #1 in payments', { user: 'UOUTSIDER' });
      const [notInGroup] = await replies(payments);
      await harness.message(elsewhere, 'fix #2 in open', { user: 'UOUTSIDER' });
      await expect.poll(() => harness.jobIn(elsewhere), { message: 'the open spawn' }).not.toBe('');
      await harness.startJob(payments, 'fix #1 in payments');

      expect(wrongChannel).toContain(
        'this channel is not one where I take requests for the project payments',
      );
      expect(notInGroup).toContain(
        'you are not among the people or user groups allowed to use me for the project payments',
      );
      expect(harness.attempted.map((spec) => [spec.intent.project, spec.requestedBy])).toEqual([
        ['open', 'UOUTSIDER'],
        ['payments', 'UHUMAN'],
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("refuses someone else's cancel; the requester's and an admin's work", async () => {
    await start();
    const [first, second] = [uniqueChannel(), uniqueChannel()];
    const firstJob = await harness.startJob(first);
    const secondJob = await harness.startJob(second, 'fix #59 in agent-smith-test');

    await harness.message(first, 'cancel', { user: 'UOTHER' });
    const refused = (await replies(first, 2))[1];
    const stillHeld = await harness.dispatcher.context.conversations.get('slack', first);
    await harness.message(first, 'cancel', { user: 'UADMIN' });
    await harness.message(second, 'cancel', { user: 'UHUMAN' });
    const [, , byAdmin] = await replies(first, 3);
    const [, byRequester] = await replies(second, 2);

    expect(refused).toBe(
      `Only <@UHUMAN> or an admin can cancel job ${firstJob}. Ask an admin (<@UADMIN>) if you need it.`,
    );
    expect(stillHeld?.jobId).toBe(firstJob);
    expect(byAdmin).toMatch(new RegExp(`^Job ${firstJob} cancelled by <@UADMIN>; stopping it`));
    expect(byRequester).toMatch(
      new RegExp(`^Job ${secondJob} cancelled by <@UHUMAN>; stopping it`),
    );
    expect(refusals()).toBe(1);
    const records = (await harness.dispatcher.context.access?.audit.latest(10)) ?? [];
    expect(
      records
        .filter((record) => record.action === 'cancel')
        .map((record) => [record.userId, record.allowed, record.jobId]),
    ).toEqual([
      ['UHUMAN', true, secondJob],
      ['UADMIN', true, firstJob],
      ['UOTHER', false, firstJob],
    ]);
  });

  it("refuses someone else's answer button, leaving the question open for the requester", async () => {
    await start();
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    await harness.agentWrites({
      type: 'question',
      jobId,
      at: Date.now(),
      questionId: 'q1',
      text: 'Go?',
      choices: ['Yes', 'No'],
    });
    await expect
      .poll(() => harness.slack.calls.find((call) => call.args['text'] === 'Question: Go?')?.ts)
      .toBeDefined();
    const messageTs = harness.slack.calls.find(
      (call) => call.args['text'] === 'Question: Go?',
    )!.ts!;
    const click = (value: string, user: string) =>
      harness.click(
        channel,
        { actionId: 'answer:0', blockId: `question:${jobId}:q1`, value, messageTs },
        user,
      );

    await click('No', 'UOTHER');
    await expect
      .poll(() => harness.textsIn(channel).some((text) => text.startsWith('Only <@UHUMAN>')))
      .toBe(true);
    await click('Yes', 'UHUMAN');
    await expect
      .poll(async () => (await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+')).length)
      .toBe(1);
    const answers = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');

    expect(answers.map(([, fields]) => fields[fields.indexOf('content') + 1])).toEqual(['Yes']);
    expect(harness.textsIn(channel).find((text) => text.startsWith('Only <@UHUMAN>'))).toBe(
      `Only <@UHUMAN> or an admin can answer the questions of job ${jobId}. Ask an admin (<@UADMIN>) if you need it.`,
    );
    expect(refusals()).toBe(1);
  });

  it('shows the audit log to an admin and refuses everyone else', async () => {
    await start();
    harness.slack.users.set('UGUEST', { id: 'UGUEST', is_ultra_restricted: true });
    const [work, admin, member] = [uniqueChannel(), uniqueChannel(), uniqueChannel()];
    const jobId = await harness.startJob(work);
    await harness.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      durationMs: 1_000,
      changedFiles: [],
      costUsd: 0.42,
    });
    await expect
      .poll(() => harness.textsIn(work).some((text) => text.startsWith('Done:')))
      .toBe(true);
    await harness.message(work, 'list tickets in api-v2', { user: 'UGUEST' });
    await expect
      .poll(() => harness.textsIn(work).some((text) => text.includes('single-channel guest')))
      .toBe(true);

    await harness.message(member, 'audit', { user: 'UHUMAN' });
    const [refused] = await replies(member);
    await harness.message(admin, 'audit', { user: 'UADMIN' });
    const [log] = await replies(admin);

    expect(refused).toContain("I can't do `audit` for you: only admins may read the audit log.");
    expect(log).toContain(':scroll: *Audit log* (newest first, 4):');
    expect(log).toContain(
      `UHUMAN in ${member}: audit refused (only admins may read the audit log)`,
    );
    expect(log).toContain(
      `UHUMAN in ${work}: fix allowed (policy) — project agent-smith-test, ticket 58, job ${jobId}`,
    );
    expect(log).toContain(`UGUEST in ${work}: list refused`);
    expect(log).toContain(
      `UHUMAN in ${work}: job-ended allowed (succeeded) — project agent-smith-test, ticket 58, job ${jobId}, cost $0.42`,
    );
    // Ids are shown as text: reading the log pings nobody.
    expect(log).not.toMatch(/<@U/);
  });
});
