import {
  agentArguments,
  agentJobEnvironment,
  jobInStreamKey,
  jobOutStreamKey,
  PROTOCOL_VERSION,
  type JobSpec,
} from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import {
  FakeGithubApi,
  FakeLlmApi,
  redisTestContext,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { sandbox, type Sandbox } from './agent-cli.js';

export const TOKEN = 'ghp_e2e_test_token_0123456789';
export const REPO = 'acme/demo';
export const ALL_STEPS = [
  'FetchTicketCommand',
  'CheckoutSourceCommand',
  'LoadCodingPrinciplesCommand',
  'BaselineTestCommand',
  'AgenticExecuteCommand',
  'TestCommand',
  'CommitAndPRCommand',
];
const CLAUDE = '{ type: claude, model: claude-test, retry: { max_retries: 0 } }';

/**
 * One e2e world: a bare git origin with the buggy project, a fake GitHub with ticket #58 of
 * `acme/demo`, a scripted LLM, real Redis and a job id.
 */
export interface GithubFixture {
  box: Sandbox;
  github: FakeGithubApi;
  llm: FakeLlmApi;
  redis: RedisTestContext;
  jobId: string;
  /** Writes agentsmith.yml for project `demo` with `extra` project lines. */
  configure(extra?: string[], agent?: string): Promise<void>;
  /** Credentials, the clone mirror, and the environment half of the job spec the spawners set. */
  env(overrides?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The arguments the spawners pass (another input line if given), plus `--config`. */
  jobArgs(input?: string): string[];
  stop(): Promise<void>;
}

export async function githubFixture(): Promise<GithubFixture> {
  const box = await sandbox();
  const github = await new FakeGithubApi({ token: TOKEN }).start();
  github.addRepository(REPO, { defaultBranch: 'main' });
  github.seedIssue(REPO, { number: 58, title: 'Sum is wrong', body: 'sum(2, 2) returns 5.' });
  const llm = await FakeLlmApi.start();
  const redis = await redisTestContext();
  const jobId = newJobId();
  redis.track(jobOutStreamKey(jobId), jobInStreamKey(jobId));
  const spec: JobSpec = {
    specificationVersion: PROTOCOL_VERSION,
    jobId,
    intent: { ticketId: '58', project: 'demo' },
    platform: 'slack',
    channelId: 'C1',
    threadId: '1700000000.000100',
    redisUrl: redis.url.replace('redis://', ''),
    maxDurationSeconds: 3600,
    createdAt: Date.now(),
  };
  return {
    box,
    github,
    llm,
    redis,
    jobId,
    configure: (extra = [], agent = CLAUDE) =>
      box.writeConfig(
        [
          'projects:',
          '  demo:',
          `    source: { type: github, url: https://github.com/${REPO}.git, api_url: ${github.url} }`,
          `    tickets: { type: github, url: https://github.com/${REPO}, api_url: ${github.url} }`,
          `    agent: ${agent}`,
          ...extra.map((line) => `    ${line}`),
        ].join('\n'),
      ),
    env: (overrides = {}) => ({
      GITHUB_TOKEN: TOKEN,
      ANTHROPIC_API_KEY: 'sk-ant-e2e-key-0123456789',
      ANTHROPIC_BASE_URL: llm.baseUrl,
      OPENAI_API_KEY: 'sk-openai-e2e-key-0123456789',
      OPENAI_BASE_URL: llm.baseUrl,
      AGENTSMITH_CLONE_URL: `file://${box.repo.origin}`,
      AGENTSMITH_WORKDIR: box.workdir,
      ...agentJobEnvironment(spec),
      ...overrides,
    }),
    jobArgs: (input) => {
      const args = agentArguments(spec);
      if (input !== undefined) args[args.length - 1] = input;
      return [...args, '--config', box.configPath];
    },
    async stop() {
      await Promise.all([llm.stop(), github.stop()]);
      await redis.cleanup();
      await box.cleanup();
    },
  };
}
