import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError, createLogger, SecretSanitizer } from '@agentsmith/kit';
import { DEMO_RUN, demoProjectConfig, loadConfig } from '@agentsmith/providers';
import { loadDispatcherConfig } from './config/dispatcher-config.js';
import { startDispatcher } from './dispatcher.js';
import { handleChatMessage } from './jobs/chat-commands.js';
import type { ChatOrigin } from './jobs/job-context.js';
import type { Notice } from './jobs/notices.js';
import { createProjectCatalog } from './projects/load-project-catalog.js';
import { createSpawner } from './spawners/create-spawner.js';
import { TERMINAL_TEAM, TerminalChat } from './terminal/terminal-chat.js';

const exec = promisify(execFile);

/** The installation root (the repository, or /app in the image): dist/../../.. */
const INSTALL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The agent package's sample repository; the dispatcher image carries a copy at the same place. */
const SAMPLE_REPOSITORY = join(INSTALL_ROOT, 'packages/agent/demo/repository');
/** Where the agent image keeps the demo's markdown tickets: the agent reads them, not the dispatcher. */
const AGENT_IMAGE_TICKETS = '/app/config/tickets';

/** The notices after which the demo's one request has its answer. */
const ENDINGS = new Set<Notice['kind']>([
  'done',
  'failed',
  'spawn-failed',
  'cancelled',
  'unknown-project',
  'projects-unreadable',
  'spawner-unavailable',
  'access-refused',
  'command-failed',
  'busy',
  'job-in-the-way',
]);

/** Settings the demo has no use for but the dispatcher's configuration insists on: it runs no Slack. */
const NO_SLACK = {
  SLACK_BOT_TOKEN: 'xoxb-the-demo-has-no-slack',
  SLACK_SIGNING_SECRET: 'the-demo-has-no-slack',
};

export interface DemoOutput {
  print: (line: string) => void;
}

/**
 * `dispatcher demo`: the dispatcher with the terminal as its chat, one local project on a
 * fresh copy of the sample repository, and every job replaying the bundled recording. It asks
 * `fix #1 in demo` itself; the job runs as any other (admission, the credential broker, an agent
 * container through the spawner, the relay, the jobs page) and its thread is printed here. Then
 * it keeps serving the jobs page until SIGINT or SIGTERM; the exit code is 0 when the job
 * succeeded, 1 when not (or when stopped before it ended), 2 when the environment is not usable.
 */
export async function runDispatcherDemo(
  env: NodeJS.ProcessEnv,
  output: DemoOutput,
): Promise<number> {
  const stopped = new Promise<undefined>((resolve) => {
    process.once('SIGINT', () => resolve(undefined));
    process.once('SIGTERM', () => resolve(undefined));
  });
  const root = await mkdtemp(join(tmpdir(), 'agentsmith-demo-'));
  const repository = join(root, 'repository');
  await createSampleRepository(repository, env);
  const configPath = join(root, 'agentsmith.yml');
  await writeFile(
    configPath,
    demoProjectConfig({ repository, tickets: env['DEMO_TICKETS'] ?? AGENT_IMAGE_TICKETS }),
  );
  const demoEnv: NodeJS.ProcessEnv = {
    ...NO_SLACK,
    ...env,
    AGENTSMITH_CONFIG: configPath,
    // Read-only and only for this run: printed below, since the demo has no other way in.
    JOBS_PAGE_TOKEN: env['JOBS_PAGE_TOKEN'] || randomBytes(24).toString('hex'),
  };
  let config;
  try {
    config = loadDispatcherConfig(demoEnv, hostname());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.print(error.message);
    return 2;
  }
  const sanitizer = new SecretSanitizer([
    env['REDIS_PASSWORD'] ?? '',
    demoEnv['JOBS_PAGE_TOKEN'] ?? '',
  ]);
  const logger = createLogger({ name: 'dispatcher', level: config.logLevel, sanitizer });
  let answered: (notice: Notice) => void = () => undefined;
  const answer = new Promise<Notice>((resolve) => (answered = resolve));
  const chat = new TerminalChat({
    print: output.print,
    sanitizer,
    onNotice: (notice) => {
      if (ENDINGS.has(notice.kind)) answered(notice);
    },
  });
  const dispatcher = await startDispatcher(config, {
    logger,
    spawner: await createSpawner(config, logger.child({ component: 'spawner' })),
    projects: createProjectCatalog(configPath, demoEnv, logger.child({ component: 'projects' })),
    broker: {
      config: config.broker,
      loadProject: async (name: string) => (await loadConfig(configPath, demoEnv)).projects[name],
    },
    sanitizer,
    chat,
    jobReplay: 'demo',
  });
  const pageUrl = `${config.jobsPage?.publicUrl ?? `http://localhost:${config.port}`}/jobs?token=${demoEnv['JOBS_PAGE_TOKEN']}`;
  output.print('Agent Smith demo: a replay of a recorded model session, no account and no model.');
  output.print(`The jobs page shows the job live: ${pageUrl}`);
  output.print(`Asking: fix #${DEMO_RUN.ticketId} in ${DEMO_RUN.project}\n`);

  const origin: ChatOrigin = {
    // A thread of the terminal: Slack's shape (a channel, a thread ts), printed, never posted.
    platform: 'cli',
    channelId: 'demo',
    userId: 'demo-user',
    teamId: TERMINAL_TEAM,
    threadTs: '0.000000',
    receivedAt: Date.now(),
  };
  await handleChatMessage(dispatcher.context, origin, `fix #${DEMO_RUN.ticketId} in demo`);
  const ending = await Promise.race([answer, stopped]);
  const succeeded = ending?.kind === 'done';
  if (ending) {
    output.print('');
    if (succeeded) {
      output.print(`Done: ticket #${DEMO_RUN.ticketId} is fixed and tested on branch fix/1 of`);
      output.print(`${repository} (in this container). Look at it:`);
      output.print(`  git -C ${repository} log -p fix/1`);
    } else {
      output.print(`The demo job did not succeed (${ending.kind}); the lines above say why.`);
    }
    output.print(`The jobs page stays up at ${pageUrl} until you stop the demo (Ctrl-C).`);
    await stopped;
  }
  await dispatcher.close();
  return succeeded ? 0 : 1;
}

/** The sample repository committed on `main`, as the agent's own demo creates it. */
async function createSampleRepository(target: string, env: NodeJS.ProcessEnv): Promise<void> {
  await cp(SAMPLE_REPOSITORY, target, { recursive: true });
  const author = {
    GIT_AUTHOR_NAME: 'Agent Smith demo',
    GIT_AUTHOR_EMAIL: 'demo@agentsmith.local',
    GIT_COMMITTER_NAME: 'Agent Smith demo',
    GIT_COMMITTER_EMAIL: 'demo@agentsmith.local',
  };
  for (const args of [
    ['init', '--quiet', '--initial-branch=main'],
    ['add', '--all'],
    ['commit', '--quiet', '--no-gpg-sign', '-m', 'The sample project: add() subtracts'],
  ]) {
    await exec('git', args, { cwd: target, env: { ...env, ...author } });
  }
}
