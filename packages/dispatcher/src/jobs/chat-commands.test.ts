import { silentLogger } from '@agentsmith/kit';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChannelOnlyAdmission } from '../../test/support/channel-only-admission.js';
import { MemoryConversationStateManager } from '../../test/support/memory-conversation-state-manager.js';
import { createMetrics } from '../server/metrics.js';
import { renderNotice } from '../slack/message-blocks.js';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import { answerQuestion } from './answer-question.js';
import { handleChatMessage } from './chat-commands.js';
import { reportJobLost } from './finish-job.js';
import type { ChatOrigin, JobContext } from './job-context.js';
import { MemoryJobStore } from '../../test/support/memory-job-store.js';
import type { Notice } from './notices.js';
import type { Notifier } from './notifier.js';

class RecordingNotifier implements Notifier {
  readonly posts: Array<{ channelId: string; text: string; threadTs: string | undefined }> = [];
  readonly updates: Array<{ ts: string; text: string }> = [];

  post(channelId: string, notice: Notice, threadTs?: string): Promise<string> {
    this.posts.push({ channelId, text: renderNotice(notice).text, threadTs });
    return Promise.resolve(`ts-${this.posts.length}`);
  }

  update(_channelId: string, ts: string, notice: Notice): Promise<void> {
    this.updates.push({ ts, text: renderNotice(notice).text });
    return Promise.resolve();
  }
}

const origin: ChatOrigin = { platform: 'slack', channelId: 'C1', userId: 'U1', threadTs: '100.1' };

describe('jobs/chat-commands', () => {
  let context: JobContext;
  let notifier: RecordingNotifier;
  let jobs: MemoryJobStore;
  let spawner: FakeJobSpawner;
  let ids: number;

  beforeEach(() => {
    notifier = new RecordingNotifier();
    jobs = new MemoryJobStore();
    spawner = new FakeJobSpawner();
    ids = 0;
    const conversations = new MemoryConversationStateManager();
    context = {
      conversations,
      admission: new ChannelOnlyAdmission(conversations, 600_000),
      jobs,
      notifier,
      spawner,
      projects: {
        projects: () => Promise.resolve({ names: ['shop-2'] }),
        tracker: () => Promise.reject(new Error('none')),
      },
      metrics: createMetrics(),
      logger: silentLogger(),
      agentRedisUrl: 'redis:6379',
      jobMaxDurationMs: 600_000,
      cancelGraceSeconds: 3600,
      now: () => 1_000,
      newJobId: () => `00000000000${(ids += 1)}`,
    };
  });

  it('starts a job: thread reply, tracked job, spec for the spawner', async () => {
    await handleChatMessage(context, origin, '<@UBOT> fix #7 in SHOP-2');

    expect(notifier.posts).toEqual([
      { channelId: 'C1', text: 'Starting job 000000000001 for #7 in shop-2', threadTs: '100.1' },
    ]);
    expect(jobs.jobs.get('000000000001')).toMatchObject({
      statusTs: 'ts-1',
      threadTs: '100.1',
      deadlineAt: 601_000,
    });
    expect(
      spawner.spawned.map((spec) => [spec.intent, spec.redisUrl, spec.maxDurationSeconds]),
    ).toEqual([[{ ticketId: '7', project: 'shop-2' }, 'redis:6379', 600]]);
    expect(context.metrics.jobsStarted).toBe(1);
  });

  it('cancels only for the requester: Cancel on the inbound stream, the channel stopping until the exit', async () => {
    await handleChatMessage(context, origin, 'fix #7 in shop-2');

    await handleChatMessage(context, { ...origin, userId: 'U2' }, 'cancel');
    const refused = notifier.posts.at(-1)?.text;
    await handleChatMessage(context, origin, 'cancel');
    await handleChatMessage(context, origin, 'cancel');

    expect(refused).toBe(
      'Only <@U1> or an admin can cancel job 000000000001. Ask whoever runs Agent Smith (SLACK_ADMIN_USERS) if you need it.',
    );
    expect(context.metrics.accessRefusals).toBe(1);
    expect(jobs.toAgent).toEqual([
      { type: 'cancel', jobId: '000000000001', at: 1_000, requestedBy: 'U1' },
    ]);
    expect((await context.conversations.get('slack', 'C1'))?.jobId).toBe('000000000001');
    expect(await context.admission.stopping()).toEqual([
      { jobId: '000000000001', deadlineAt: 1_000 + 3_600_000 },
    ]);
    expect(jobs.jobs.get('000000000001')?.cancelledBy).toBe('U1');
    expect(notifier.posts.slice(-2).map((post) => post.text)).toEqual([
      'Job 000000000001 cancelled by <@U1>; stopping it (it is killed after 3600 s). A new `fix` here waits until its container has exited, then starts by itself.',
      'Job 000000000001 is already stopping; the channel is free once its container has exited.',
    ]);
  });

  it('answers a pending question once, and not after the job ended', async () => {
    await handleChatMessage(context, origin, 'fix #7 in shop-2');
    await jobs.saveQuestion({
      jobId: '000000000001',
      questionId: 'q',
      text: 'Go?',
      channelId: 'C1',
      ts: 'q-ts',
      status: 'pending',
    });

    const results = [
      await answerQuestion(context, {
        jobId: '000000000001',
        questionId: 'q',
        answer: 'Yes',
        userId: 'U1',
      }),
      await answerQuestion(context, {
        jobId: '000000000001',
        questionId: 'q',
        answer: 'No',
        userId: 'U1',
      }),
    ];
    await jobs.untrack('000000000001');
    await jobs.saveQuestion({
      jobId: '000000000001',
      questionId: 'late',
      text: 'Late?',
      channelId: 'C1',
      ts: 'l-ts',
      status: 'pending',
    });
    results.push(
      await answerQuestion(context, {
        jobId: '000000000001',
        questionId: 'late',
        answer: 'Yes',
        userId: 'U1',
      }),
    );

    expect(results).toEqual(['answered', 'not-pending', 'not-pending']);
    expect(jobs.toAgent).toEqual([
      {
        type: 'answer',
        jobId: '000000000001',
        at: 1_000,
        questionId: 'q',
        content: 'Yes',
        answeredBy: 'U1',
      },
    ]);
    expect(notifier.updates).toEqual([{ ts: 'q-ts', text: 'Question: Go? (answered Yes by U1)' }]);
  });

  it('reports a lost job as an Error entry written for the relay, once', async () => {
    await handleChatMessage(context, origin, 'fix #7 in shop-2');
    await jobs.patch('000000000001', { step: 4, total: 9, label: 'Planning' });

    const first = await reportJobLost(context, '000000000001', 'exit 137', 'agent_out_of_memory');
    await jobs.untrack('000000000001');
    const second = await reportJobLost(context, '000000000001', 'exit 137');

    expect([first, second]).toEqual([true, false]);
    expect(jobs.asAgent).toEqual([
      {
        type: 'error',
        jobId: '000000000001',
        at: 1_000,
        step: 4,
        total: 9,
        stepName: 'Planning',
        code: 'agent_out_of_memory',
        reason: 'The agent stopped without finishing: exit 137.',
        outcome: 'failed',
      },
    ]);
  });

  it('turns an unexpected failure into a plain reply', async () => {
    context.conversations.get = () => Promise.reject(new Error('store unreachable'));

    await handleChatMessage(context, origin, 'status');

    expect(notifier.posts).toEqual([
      { channelId: 'C1', text: 'Something went wrong: store unreachable', threadTs: '100.1' },
    ]);
  });
});
