import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  agentArguments,
  conversationKey,
  jobIndexKey,
  jobInStreamKey,
  jobOutStreamKey,
  PROTOCOL_VERSION,
} from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import {
  FakeKubernetesApi,
  FakeSlackApi,
  redisTestContext,
  signSlackRequest,
  waitFor,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { validateKubernetesManifest } from '../../test/support/kubernetes-schema.js';
import { loadDispatcherConfig } from '../config/dispatcher-config.js';
import { startDispatcher, type RunningDispatcher } from '../dispatcher.js';
import { createSpawner } from './create-spawner.js';
import { registerBuiltInSpawners } from './register-spawners.js';

const SIGNING_SECRET = 'k8s-dispatch-secret';
let api: FakeKubernetesApi;
let slack: FakeSlackApi;
let redis: RedisTestContext;
let dispatcher: RunningDispatcher | undefined;

beforeEach(async () => {
  api = await new FakeKubernetesApi('agentsmith-test', validateKubernetesManifest).start();
  slack = await new FakeSlackApi().start();
  redis = await redisTestContext();
});

afterEach(async () => {
  await dispatcher?.close(100);
  await Promise.all([api.stop(), slack.stop()]);
  await redis.cleanup();
});

describe('spawners (SPAWNER_TYPE=kubernetes through the dispatcher)', () => {
  it('turns a signed "fix #58 in agent-smith-test" event into exactly one valid Job with the agent arguments', async () => {
    const env = {
      SPAWNER_TYPE: 'kubernetes',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      PORT: '0',
      JOB_MAX_DURATION: '45m',
      K8S_NAMESPACE: 'agentsmith-test',
      KUBECONFIG: await api.writeKubeconfig(),
    };
    registerBuiltInSpawners();
    const spawner = await createSpawner('kubernetes', {
      env,
      logger: silentLogger(),
      image: 'agentsmith:latest',
      jobMaxDurationMs: 45 * 60_000,
    });
    dispatcher = await startDispatcher(loadDispatcherConfig(env), {
      logger: silentLogger(),
      spawner,
      projects: {
        projects: () => Promise.resolve({ names: ['agent-smith-test'] }),
        tracker: () => Promise.reject(new Error('no tracker')),
      },
      keyPrefix: redis.prefix,
      host: '127.0.0.1',
      supervise: false,
    });
    const channel = `C${randomBytes(4).toString('hex').toUpperCase()}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev${randomBytes(4).toString('hex')}`,
      event: {
        type: 'message',
        channel,
        user: 'UHUMAN',
        text: 'fix #58 in agent-smith-test',
        ts: '1.000001',
      },
    });
    const signed = signSlackRequest(SIGNING_SECRET, body);

    const response = await fetch(`${dispatcher.url}/slack/events`, {
      method: 'POST',
      headers: signed.headers,
      body,
    });
    await waitFor('the Job', () => api.jobs.size > 0);
    const [job] = [...api.jobs.values()] as Array<{
      metadata: { labels: Record<string, string> };
      spec: {
        activeDeadlineSeconds: number;
        template: { spec: { containers: Array<{ args: string[] }> } };
      };
    }>;
    const jobId = job?.metadata.labels['job-id'] ?? '';
    redis.track(
      conversationKey('slack', channel),
      jobIndexKey(jobId),
      jobOutStreamKey(jobId),
      jobInStreamKey(jobId),
    );

    expect(response.status).toEqual(200);
    expect(api.requests('POST', /\/jobs$/)).toHaveLength(1);
    expect(api.server.unexpected).toEqual([]);
    expect(job?.spec.template.spec.containers[0]?.args).toEqual(
      agentArguments({
        specificationVersion: PROTOCOL_VERSION,
        jobId,
        intent: { ticketId: '58', project: 'agent-smith-test' },
        platform: 'slack',
        channelId: channel,
        redisUrl: redis.url,
        maxDurationSeconds: 2700,
        createdAt: 0,
      }),
    );
    expect(job?.spec.activeDeadlineSeconds).toEqual(2700);
    expect(job?.metadata.labels).toEqual({
      app: 'agentsmith',
      'job-id': jobId,
      platform: 'slack',
      project: 'agent-smith-test',
      'managed-by': 'agentsmith-dispatcher',
    });
  });
});
