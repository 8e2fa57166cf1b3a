import { jobInStreamKey, PROTOCOL_VERSION } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';
import type { Ticket, Tracker } from '@agentsmith/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  fakeCatalog,
  nextTs,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';

function memoryTracker(count: number): Tracker & { created: Ticket[] } {
  const tickets: Ticket[] = Array.from({ length: count }, (_, index) => ({
    id: String(index + 1),
    title: `Ticket ${index + 1}`,
    body: '',
    labels: [],
    state: 'open',
  }));
  const created: Ticket[] = [];
  return {
    type: 'memory',
    created,
    getTicket: (id) => Promise.resolve(tickets.find((ticket) => ticket.id === id) ?? null),
    listOpenTickets: (limit) =>
      Promise.resolve({ tickets: tickets.slice(0, limit), total: tickets.length }),
    ensureTicket: (ticket) => {
      const made: Ticket = {
        id: String(tickets.length + created.length + 1),
        title: ticket.title,
        body: ticket.description ?? '',
        labels: [],
        state: 'open',
      };
      created.push(made);
      return Promise.resolve({ ticket: made, created: true });
    },
    ensureComment: () => Promise.resolve({ created: true }),
    transitionTicket: () => Promise.resolve(),
  };
}

describe('jobs/dispatch-job', () => {
  let harness: DispatcherHarness;
  const tracker = memoryTracker(23);

  beforeEach(async () => {
    // api-v2 runs in its own image (environment.image); agent-smith-test in the spawner's default.
    const projects = {
      ...fakeCatalog(tracker),
      image: (project: string) =>
        Promise.resolve(project === 'api-v2' ? 'agentsmith:polyglot' : undefined),
    };
    harness = await DispatcherHarness.start({ dependencies: { projects } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('starts exactly one job for fifty simultaneous fix messages in one channel', async () => {
    const channel = uniqueChannel();

    const statuses = await Promise.all(
      Array.from({ length: 50 }, () => harness.message(channel, 'fix #58 in agent-smith-test')),
    );
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 50).toBe(true);

    const jobs = harness.spawner.spawned.filter((spec) => spec.channelId === channel);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.image).toBeUndefined();
    const jobId = jobs[0]!.jobId;
    expect(
      harness
        .textsIn(channel, 'chat.postMessage')
        .filter((text) => text === `Starting job ${jobId} for #58 in agent-smith-test`),
    ).toHaveLength(1);
    expect(
      harness
        .textsIn(channel, 'chat.postMessage')
        .filter((text) =>
          text.startsWith(`A job is already running in this channel: job ${jobId} for #58`),
        ),
    ).toHaveLength(49);
  });

  it("builds a job spec without secrets, with REDIS_URL as given and the project's image", async () => {
    const channel = uniqueChannel();

    await harness.message(channel, '<@UBOT> fix ticket PROJ-7 in API-V2');
    await expect
      .poll(() => harness.spawner.spawned.some((spec) => spec.channelId === channel), {
        message: 'the spawn',
      })
      .toBe(true);

    const spec = harness.spawner.spawned.find((candidate) => candidate.channelId === channel)!;
    expect(spec).toEqual({
      specificationVersion: PROTOCOL_VERSION,
      jobId: expect.stringMatching(/^[0-9a-f]{12}$/),
      intent: { ticketId: 'PROJ-7', project: 'api-v2' },
      platform: 'slack',
      channelId: channel,
      threadId: expect.any(String),
      requestedBy: 'UHUMAN',
      redisUrl: harness.redis.url,
      maxDurationSeconds: 600,
      createdAt: expect.any(Number),
      image: 'agentsmith:polyglot',
    });
  });

  it('answers an unknown project with the known ones and the closest match, spawning nothing', async () => {
    const channel = uniqueChannel();

    await harness.message(channel, 'fix #1 in agent-smith-tset');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 1).toBe(true);

    expect(harness.textsIn(channel, 'chat.postMessage')).toEqual([
      "I don't know the project *agent-smith-tset*. Did you mean *agent-smith-test*? Known projects: `agent-smith-test`, `api-v2`",
    ]);
    expect(harness.spawner.spawned.filter((spec) => spec.channelId === channel)).toEqual([]);
  });

  it('reports a failed spawn in plain language and frees the channel', async () => {
    const channel = uniqueChannel();
    harness.spawner.failNextSpawn(
      new AppError('agent_image_missing', 'the image agentsmith:latest does not exist'),
    );

    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() =>
        harness.slack.calls.some(
          (call) => call.method === 'chat.update' && call.args['channel'] === channel,
        ),
      )
      .toBe(true);

    const update = harness.slack
      .callsTo('chat.update')
      .find((call) => call.args['channel'] === channel)!;
    expect(String(update.args['text'])).toMatch(
      /^Job [0-9a-f]{12} could not be started: the image agentsmith:latest does not exist\. The channel is free again/,
    );
    expect(await harness.dispatcher.context.conversations.get('slack', channel)).toBeNull();
    expect(harness.dispatcher.metrics.jobsFailed).toBe(1);
  });

  it('prepares the agent while "Starting job" is being posted, and starts it only once posted and tracked', async () => {
    const channel = uniqueChannel();
    harness.slack.delayNext(3_000, 1, 'chat.postMessage');

    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.attempted.some((spec) => spec.channelId === channel), {
        message: 'the spawner to be asked',
      })
      .toBe(true);
    const whilePosting = {
      posted: harness.textsIn(channel, 'chat.postMessage').length,
      started: harness.spawner.spawned.filter((spec) => spec.channelId === channel).length,
    };
    const jobId = harness.spawner.attempted.find((spec) => spec.channelId === channel)!.jobId;
    await expect
      .poll(() => harness.spawner.spawned.some((spec) => spec.channelId === channel))
      .toBe(true);

    expect(whilePosting).toEqual({ posted: 0, started: 0 });
    expect(harness.textsIn(channel, 'chat.postMessage')).toEqual([
      `Starting job ${jobId} for #58 in agent-smith-test`,
    ]);
    expect((await harness.dispatcher.context.jobs.get(jobId))?.statusTs).toEqual(
      expect.any(String),
    );
  });

  it('starts no agent when "Starting job" cannot be posted, and frees the channel', async () => {
    const channel = uniqueChannel();
    harness.slack.failNext('channel_not_found', 1, 'chat.postMessage');

    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.dispatcher.metrics.jobsFailed, { message: 'the job to fail' })
      .toBe(1);
    const jobId = harness.spawner.attempted.find((spec) => spec.channelId === channel)?.jobId;

    expect(jobId).toMatch(/^[0-9a-f]{12}$/);
    expect(harness.spawner.spawned.filter((spec) => spec.channelId === channel)).toEqual([]);
    expect(await harness.dispatcher.context.jobs.get(jobId!)).toBeNull();
    expect(await harness.dispatcher.context.conversations.get('slack', channel)).toBeNull();
  });

  it('says why fix is refused when no spawner is usable, while status, help and list keep working', async () => {
    const channel = uniqueChannel();
    harness.spawner.setUnreachable('no Docker socket at /var/run/docker.sock');

    for (const [index, text] of [
      'fix #58 in agent-smith-test',
      'status',
      'help',
      'list tickets in agent-smith-test',
    ].entries()) {
      await harness.message(channel, text);
      await expect
        .poll(() => harness.textsIn(channel, 'chat.postMessage').length === index + 1)
        .toBe(true);
    }

    expect(harness.textsIn(channel, 'chat.postMessage')[0]).toBe(
      "I can't start jobs right now: no Docker socket at /var/run/docker.sock. `list`, `create`, `status` and `help` still work.",
    );
    expect(harness.textsIn(channel, 'chat.postMessage')[1]).toBe(
      'No job is running in this channel.',
    );
    expect(harness.textsIn(channel, 'chat.postMessage')[2]).toMatch(
      /^I fix tickets and open pull requests\. Try:\n• `fix #58/,
    );
    expect(harness.textsIn(channel, 'chat.postMessage')[3]).toMatch(
      /^:ticket: \*Open tickets in agent-smith-test\* \(23\):\n• \*#1\* — Ticket 1\n/,
    );
    expect(harness.textsIn(channel, 'chat.postMessage')[3]).toMatch(/…and 3 more$/);
    expect(
      harness
        .textsIn(channel, 'chat.postMessage')[3]!
        .split('\n')
        .filter((line) => line.startsWith('•')),
    ).toHaveLength(20);
    const ready = await fetch(`${harness.dispatcher.opsUrl}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: [
        { name: 'redis', ready: true },
        { name: 'spawner', ready: false, reason: 'no Docker socket at /var/run/docker.sock' },
      ],
    });
  });

  it('creates a ticket through the tracker', async () => {
    const channel = uniqueChannel();

    await harness.message(
      channel,
      'create ticket \u201CAdd logging\u201D in agent-smith-test \u201CEvery request\u201D',
    );
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 1).toBe(true);

    expect(tracker.created.at(-1)).toMatchObject({ title: 'Add logging', body: 'Every request' });
    expect(harness.textsIn(channel, 'chat.postMessage')[0]).toMatch(
      /^Ticket \*#\d+\* created in \*agent-smith-test\*: _Add logging_/,
    );
  });

  it('shows the status and cancels the channel\u2019s job', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.some((spec) => spec.channelId === channel), {
        message: 'the spawn',
      })
      .toBe(true);
    const { jobId } = harness.spawner.spawned.find((spec) => spec.channelId === channel)!;
    harness.trackJob(jobId, channel);
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 4,
      total: 9,
      label: 'Planning',
      costUsd: 0.0123,
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).endsWith('[4/9] Planning')),
      )
      .toBe(true);

    await harness.message(channel, 'status');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 2).toBe(true);
    await harness.message(channel, 'cancel');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length >= 3).toBe(true);
    await expect
      .poll(() => harness.spawner.stopped.some((stop) => stop.jobId === jobId), {
        message: 'the stop',
      })
      .toBe(true);
    await harness.agentWrites({
      type: 'error',
      jobId,
      at: Date.now(),
      step: 4,
      total: 9,
      stepName: 'Planning',
      code: 'run_cancelled',
      reason: 'Cancelled',
      outcome: 'cancelled',
    });
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 4).toBe(true);

    expect(harness.textsIn(channel, 'chat.postMessage').slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Job ${jobId} for #58 in agent-smith-test — step 4/9: Planning — running for \\d+s, cost so far: \\$0\\.0123\\.$`,
        ),
      ),
      `Job ${jobId} cancelled by <@UHUMAN>; stopping it (it is killed after 0 s). A new \`fix\` here waits until its container has exited, then starts by itself.`,
      `Job ${jobId} was cancelled`,
    ]);
    const inbound = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(inbound.map(([, fields]) => fields[fields.indexOf('type') + 1])).toEqual(['cancel']);
    expect(await harness.dispatcher.context.conversations.get('slack', channel)).toBeNull();
  });

  it('ignores bot messages, its own messages, edits and joins; one mention delivered twice starts one job', async () => {
    const channel = uniqueChannel();
    const ts = nextTs();
    const eventId = 'EvSAME1';

    await harness.message(channel, 'fix #1 in agent-smith-test', { bot_id: 'B2' });
    await harness.message(channel, 'fix #1 in agent-smith-test', { user: 'UBOT' });
    await harness.message(channel, 'fix #1 in agent-smith-test', { subtype: 'message_changed' });
    await harness.message(channel, '<@UBOT> has joined the channel', { subtype: 'channel_join' });
    await harness.message(channel, 'just chatting among humans');
    await harness.event(
      { type: 'message', channel, user: 'UHUMAN', text: '<@UBOT> fix #2 in agent-smith-test', ts },
      { eventId },
    );
    await harness.event({
      type: 'app_mention',
      channel,
      user: 'UHUMAN',
      text: '<@UBOT> fix #2 in agent-smith-test',
      ts,
    });
    await harness.event(
      { type: 'message', channel, user: 'UHUMAN', text: '<@UBOT> fix #2 in agent-smith-test', ts },
      { eventId, retryNum: 1 },
    );
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 1).toBe(true);
    await harness.message(channel, 'status');
    await expect.poll(() => harness.textsIn(channel, 'chat.postMessage').length === 2).toBe(true);

    expect(
      harness.spawner.spawned
        .filter((spec) => spec.channelId === channel)
        .map((spec) => spec.intent.ticketId),
    ).toEqual(['2']);
    expect(harness.textsIn(channel, 'chat.postMessage')).toEqual([
      expect.stringMatching(/^Starting job .* for #2/),
      expect.stringMatching(/^Job .* for #2 in agent-smith-test — waiting/),
    ]);
    // Slack's last retry comes about five minutes after the first delivery.
    const ttls = await Promise.all(
      [`event:${eventId}`, `message:${channel}:${ts}`].map((key) =>
        harness.redis.redis.ttl(`${harness.redis.prefix}dedup:${key}`),
      ),
    );
    expect(ttls.every((ttl) => ttl > 600)).toBe(true);
  });
});
