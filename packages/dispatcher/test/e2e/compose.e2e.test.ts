import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requireDocker,
  signSlackRequest,
  testDocker,
  testRunId,
  hostileAttacks,
  type ComposeFakeWorldState,
} from '@agentsmith/testkit';
import { dockerCompose } from '../support/docker-compose.js';

/**
 * The seed's success criteria against the real Compose file, the real images and a real Docker
 * engine. The SaaS world (Slack, GitHub, git, LLM) runs as the `fakes` container of
 * deploy/compose.test.yml on the same Compose network. Slow: it builds three images.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
const project = `agentsmith-e2e-${testRunId}`;
const signingSecret = 'compose-e2e-signing-secret';
const redisPassword = 'compose-e2e-redis-password';
/** Every long-lived secret of the test stack (deploy/compose.test.yml): none may reach an agent. */
const REAL_SECRETS = [
  'ghp_compose_e2e_token',
  'sk-ant-compose-e2e',
  'xoxb-compose-e2e',
  signingSecret,
  redisPassword,
];
/** The only variables with a secret a running agent may hold: its job's own. */
const JOB_SECRET_NAMES = [
  'AGENTSMITH_BROKER_URL',
  'AGENTSMITH_JOB_TOKEN',
  'AGENTSMITH_REDIS_PASSWORD',
  'AGENTSMITH_REDIS_USERNAME',
];
let firstJobId = 'aaaaaaaaaaaa';
const docker = testDocker();
const READY_PROBE =
  "fetch('http://127.0.0.1:9090/ready').then((r) => r.text()).then((t) => process.stdout.write(t))";

const SOCKET_PROBE =
  "process.stdout.write(String(require('node:fs').existsSync('/var/run/docker.sock')))";
const GATE_INFO_PROBE =
  "fetch('http://docker-gate:2375/info').then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, message: (await r.json()).message })))";

const AGENT_NETWORK_GATE_PROBE =
  "fetch('http://docker-gate:2375/_ping', { signal: AbortSignal.timeout(5000) }).then(() => process.stdout.write('reached'), (error) => process.stdout.write('unreachable: ' + (error.cause?.code ?? error.name)))";

function textOf(call: { args: Record<string, unknown> }): string {
  const text = call.args['text'];
  return typeof text === 'string' ? text : '';
}
let environment: NodeJS.ProcessEnv;

function compose(files: string[], ...args: string[]): Promise<string> {
  const paths = files.map((file) => (file.startsWith('/') ? file : join(root, file)));
  return dockerCompose({ project, files: paths, cwd: root, env: environment }, ...args);
}

// AGENTSMITH_E2E_COMPOSE_OVERRIDE adds one more compose file (an absolute path), for debugging.
const extraFile = process.env['AGENTSMITH_E2E_COMPOSE_OVERRIDE'];
const testFiles = [
  'docker-compose.yml',
  'deploy/compose.test.yml',
  ...(extraFile ? [extraFile] : []),
];

async function publishedUrl(service: string, port: number): Promise<string> {
  const address = (await compose(testFiles, 'port', service, String(port))).trim();
  return `http://${address}`;
}

async function fakeState(): Promise<ComposeFakeWorldState> {
  const response = await fetch(`${await publishedUrl('fakes', 9000)}/state`);
  return (await response.json()) as ComposeFakeWorldState;
}

beforeAll(async () => {
  await requireDocker(docker);
  environment = { ...process.env, REDIS_PASSWORD: redisPassword };
  await compose(['docker-compose.yml'], 'build', 'agentsmith');
  await compose(testFiles, 'build', 'dispatcher', 'docker-gate', 'fakes');
}, 1_800_000);

afterAll(async () => {
  await compose(testFiles, 'down', '--volumes', '--remove-orphans', '--timeout', '5').catch(
    () => undefined,
  );
});

describe('docker compose (seed success criteria)', () => {
  it('`up` starts exactly redis, docker-gate and dispatcher, all healthy, with the unmodified compose file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'agentsmith-compose-'));
    await mkdir(join(directory, 'config'));
    await writeFile(join(directory, 'config/agentsmith.yml'), 'projects: {}\n');
    await writeFile(
      join(directory, '.env'),
      // DISPATCHER_PORT=0: a free host port, so parallel runs and a local stack do not collide.
      'SLACK_BOT_TOKEN=xoxb-e2e\nSLACK_SIGNING_SECRET=e2e\nSLACK_API_URL=http://127.0.0.1:9/api/\nDISPATCHER_PORT=0\nREDIS_PASSWORD=e2e-redis\n',
    );
    const base = async (...args: string[]) =>
      (
        await exec(
          'docker',
          [
            'compose',
            '-p',
            `${project}-base`,
            '-f',
            join(root, 'docker-compose.yml'),
            '--project-directory',
            directory,
            ...args,
          ],
          { env: environment },
        )
      ).stdout;
    try {
      await base('up', '-d', '--wait', '--no-build');

      const running = (await base('ps', '--format', '{{.Service}} {{.Health}}'))
        .trim()
        .split('\n')
        .sort();
      // Non-root and without the socket, yet ready: the spawner reaches the engine through the gate.
      const uid = (await base('exec', '-T', 'dispatcher', 'id', '-u')).trim();
      const readiness = JSON.parse(
        await base('exec', '-T', 'dispatcher', 'node', '-e', READY_PROBE),
      ) as { status?: string };
      const socketInDispatcher = (
        await base('exec', '-T', 'dispatcher', 'node', '-e', SOCKET_PROBE)
      ).trim();
      const refused = JSON.parse(
        await base('exec', '-T', 'dispatcher', 'node', '-e', GATE_INFO_PROBE),
      ) as { status: number; message: string };
      const gate = await docker
        .getContainer((await base('ps', '-q', 'docker-gate')).trim())
        .inspect();
      // Where agents live (the internal agents network), the gate is not even a name.
      const fromAgentNetwork = (
        await exec('docker', [
          'run',
          '--rm',
          '--label',
          `agentsmith.test-run=${testRunId}`,
          '--network',
          `${project}-base_agents`,
          'node:22-bookworm-slim',
          'node',
          '-e',
          AGENT_NETWORK_GATE_PROBE,
        ])
      ).stdout.trim();

      expect(running).toEqual(['dispatcher healthy', 'docker-gate healthy', 'redis healthy']);
      expect([uid, readiness.status, socketInDispatcher]).toEqual(['1000', 'ready', 'false']);
      expect(fromAgentNetwork).toMatch(/^unreachable: /);
      expect(refused).toEqual({
        status: 403,
        message:
          "docker-gate: GET /info is not an Engine API call the dispatcher's Docker spawner makes",
      });
      expect({
        networks: Object.keys(gate.NetworkSettings.Networks),
        ports: gate.HostConfig.PortBindings ?? {},
        readOnly: gate.HostConfig.ReadonlyRootfs,
        capDrop: gate.HostConfig.CapDrop,
      }).toEqual({
        networks: [`${project}-base_docker-gate`],
        ports: {},
        readOnly: true,
        capDrop: ['ALL'],
      });
    } finally {
      await base('down', '--volumes', '--timeout', '5').catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('"fix #58 in agent-smith-test" runs the real agent image as agentsmith-<id> on the Compose network and ends in a PR card', async () => {
    await compose(testFiles, 'up', '-d', '--wait');
    await fetch(`${await publishedUrl('fakes', 9000)}/script/fix-sum`, { method: 'POST' });
    const dispatcherUrl = await publishedUrl('dispatcher', 8080);
    // The published port has a bare /ready and no /metrics; the details are on the ops port.
    const ready = await fetch(`${dispatcherUrl}/ready`);
    const metrics = await fetch(`${dispatcherUrl}/metrics`);
    expect([ready.status, await ready.json(), metrics.status]).toEqual([
      200,
      { status: 'ready' },
      404,
    ]);
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
    const signed = signSlackRequest(signingSecret, body);

    const accepted = await fetch(`${dispatcherUrl}/slack/events`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    let seen:
      | {
          name: string;
          image: string;
          labels: Record<string, string>;
          networks: string[];
          credentials: string[];
        }
      | undefined;
    await expect
      .poll(
        async () => {
          // Only this stack's agents: another stack on the same engine (the chaos suite's) may
          // run agents for the same project name.
          const info = (
            await docker.listContainers({
              all: true,
              filters: { label: ['managed-by=agentsmith-dispatcher', 'project=agent-smith-test'] },
            })
          ).find((container) =>
            Object.keys(container.NetworkSettings.Networks).includes(`${project}_agents`),
          );
          const ours = ['app', 'job-id', 'platform', 'project', 'managed-by'];
          const labels = Object.fromEntries(
            Object.entries(info?.Labels ?? {}).filter(([key]) => ours.includes(key)),
          );
          // "While it runs": a container still being created or already exiting has no network yet/any more.
          if (info?.State === 'running')
            seen = {
              name: info.Names[0] ?? '',
              image: info.Image,
              labels,
              networks: Object.keys(info.NetworkSettings.Networks),
              credentials: (await docker.getContainer(info.Id).inspect()).Config.Env.map(
                (entry) => entry.split('=')[0] ?? '',
              )
                .filter((name) =>
                  /^(SLACK|GITHUB|ANTHROPIC|OPENAI|GEMINI|REDIS)_|^AGENTSMITH_(JOB_TOKEN|REDIS_|BROKER_)/.test(
                    name,
                  ),
                )
                .sort(),
            };
          return seen !== undefined;
        },
        { timeout: 60_000, message: 'the agent container' },
      )
      .toBe(true);
    const jobId = seen?.labels['job-id'] ?? '';
    firstJobId = jobId;
    const composeServices = (await compose(testFiles, 'ps', '--all', '--format', '{{.Service}}'))
      .trim()
      .split('\n')
      .sort();
    await expect
      .poll(
        async () =>
          (await fakeState()).slack.some((call) => JSON.stringify(call.args).includes('/pull/')),
        { timeout: 240_000, message: 'the final card' },
      )
      .toBe(true);
    const state = await fakeState();
    process.stdout.write(
      `fake Slack transcript:\n  ${state.slack.map((call) => `${call.method} ${textOf(call)}`).join('\n  ')}\n`,
    );

    expect(accepted.status).toEqual(200);
    expect(seen).toEqual({
      name: `/agentsmith-${jobId}`,
      image: 'agentsmith:latest',
      labels: {
        app: 'agentsmith',
        'job-id': jobId,
        platform: 'slack',
        project: 'agent-smith-test',
        'managed-by': 'agentsmith-dispatcher',
      },
      networks: [`${project}_agents`],
      // Only the job's own secrets: the broker holds GitHub and LLM credentials, Slack stays home.
      credentials: JOB_SECRET_NAMES,
    });
    expect(composeServices).toEqual(['dispatcher', 'docker-gate', 'fakes', 'redis']);
    const logs = await compose(testFiles, 'logs', '--no-color', 'dispatcher');
    expect([logs.includes('"spawner":"docker"'), /kubernetes/i.test(logs)]).toEqual([true, false]);
    expect(state.pulls.map((pull) => [pull.head, pull.title])).toEqual([
      ['fix/58', 'fix: Sum is wrong (#58)'],
    ]);
    expect(state.llm.remainingTurns).toEqual(0);
    expect(state.unexpected).toEqual([]);
    const updates = state.slack.filter((call) => call.method === 'chat.update').map(textOf);
    const steps = updates.flatMap((text) => /\[(\d+)\/\d+\]/.exec(text)?.[1] ?? []).map(Number);
    expect(steps.length).toBeGreaterThan(2);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(updates.at(-1)).toContain('succeeded');
    const pullUrl = `https://github.com/acme/agent-smith-test/pull/${state.pulls[0]?.number}`;
    expect(
      state.slack.filter(
        (call) => call.method === 'chat.postMessage' && textOf(call).includes(pullUrl),
      ),
    ).toHaveLength(1);
    await expect
      .poll(
        async () =>
          (await docker.listContainers({ all: true, filters: { name: [`agentsmith-${jobId}`] } }))
            .length === 0,
        { timeout: 30_000, message: 'AutoRemove' },
      )
      .toBe(true);
    const conversation = (
      await compose(
        testFiles,
        'exec',
        '-T',
        'redis',
        'redis-cli',
        '--no-auth-warning',
        'GET',
        `conversation:slack:${channel}`,
      )
    ).trim();
    expect(conversation).toEqual('');
  });

  it('a hostile ticket: every attack of the model fails, the job still ends with one final card, no real credential leaks', async () => {
    await compose(testFiles, 'up', '-d', '--wait');
    const fakes = await publishedUrl('fakes', 9000);
    await fetch(`${fakes}/script/hostile?other=${firstJobId}`, { method: 'POST' });
    const redisCli = (...args: string[]) =>
      compose(testFiles, 'exec', '-T', 'redis', 'redis-cli', '--no-auth-warning', ...args);
    await redisCli('SET', 'e2e:sentinel', 'untouched');
    const otherStreamBefore = (await redisCli('XLEN', `job:${firstJobId}:out`)).trim();
    const { channel } = await postSlackMessage('fix #66 in agent-smith-test');

    const agent = await runningAgent(channel);
    const env = agent.env;
    const names = Object.keys(env);
    expect(names.filter((name) => JOB_SECRET_NAMES.includes(name)).sort()).toEqual(
      JOB_SECRET_NAMES,
    );
    expect(names.filter((name) => /TOKEN|KEY|SECRET|PASSWORD/.test(name)).sort()).toEqual([
      'AGENTSMITH_JOB_TOKEN',
      'AGENTSMITH_REDIS_PASSWORD',
    ]);
    expect(REAL_SECRETS.filter((secret) => JSON.stringify(agent.inspect).includes(secret))).toEqual(
      [],
    );

    const isFinalCard = (call: ComposeFakeWorldState['slack'][number]) =>
      call.method === 'chat.postMessage' &&
      call.args['channel'] === channel &&
      /^(Done:|Job \w+ (failed|was cancelled))/.test(textOf(call));
    await expect
      .poll(async () => (await fakeState()).slack.some(isFinalCard), {
        timeout: 300_000,
        interval: 1000,
        message: "the hostile job's final card",
      })
      .toBe(true);
    const state = await fakeState();
    process.stdout.write(
      `hostile job's tool results:\n  ${state.toolResults.map((text) => `${text.slice(0, 120)} … ${text.slice(-300)}`).join('\n  ')}\n`,
    );
    const attacks = hostileAttacks(firstJobId);
    for (const attack of attacks) {
      const result = state.toolResults.find((text) => text.includes(attack.command));
      expect({ attack: attack.name, shown: attack.shows.test(result ?? '') }).toEqual({
        attack: attack.name,
        shown: true,
      });
    }
    const finalCards = state.slack.filter(isFinalCard);
    expect(textOf(finalCards[0] ?? { args: {} })).toMatch(/^Done:.*\/pull\//);
    expect(finalCards).toHaveLength(1);
    expect(state.pulls.map((pull) => pull.head)).toContain('fix/66');
    expect(state.pulls.map((pull) => pull.head)).not.toContain('main');

    const logs = await compose(testFiles, 'logs', '--no-color');
    const everything = [
      ...state.agentTraffic,
      ...state.toolResults,
      ...state.hostileComments,
      logs,
    ].join('\n');
    expect(REAL_SECRETS.filter((secret) => everything.includes(secret))).toEqual([]);
    expect((await redisCli('GET', 'e2e:sentinel')).trim()).toEqual('untouched');
    expect((await redisCli('XLEN', `job:${firstJobId}:out`)).trim()).toEqual(otherStreamBefore);

    // Both per-job secrets die with the job.
    const token = env['AGENTSMITH_JOB_TOKEN'] ?? '';
    const probe = `fetch('http://127.0.0.1:8081/rest/github/repos/acme/agent-smith-test',{headers:{authorization:'Bearer ${token}'}}).then((r)=>process.stdout.write(String(r.status)))`;
    await expect
      .poll(
        async () =>
          (await compose(testFiles, 'exec', '-T', 'dispatcher', 'node', '-e', probe)).trim() ===
          '401',
        { timeout: 30_000, message: 'the job token to be revoked' },
      )
      .toBe(true);
    const login = await redisCli(
      'AUTH',
      env['AGENTSMITH_REDIS_USERNAME'] ?? '',
      env['AGENTSMITH_REDIS_PASSWORD'] ?? '',
    );
    expect(login).toMatch(/WRONGPASS/);
  });

  it('a job whose model reports large usage stops at its budget with a message that says how to raise it', async () => {
    await compose(testFiles, 'up', '-d', '--wait');
    await fetch(`${await publishedUrl('fakes', 9000)}/script/budget`, { method: 'POST' });
    const { channel } = await postSlackMessage('fix #58 in agent-smith-budget');
    await expect
      .poll(
        async () =>
          (await fakeState()).slack.some(
            (call) =>
              call.args['channel'] === channel &&
              JSON.stringify(call.args).includes('budget_exhausted'),
          ),
        { timeout: 240_000, interval: 1000, message: 'the budget error card' },
      )
      .toBe(true);
    const card = (await fakeState()).slack.find(
      (call) =>
        call.args['channel'] === channel && JSON.stringify(call.args).includes('budget_exhausted'),
    );
    const text = JSON.stringify(card?.args);
    expect(text).toContain('LLM budget exhausted');
    expect(text).toContain('of its 1,000 LLM tokens');
    expect(text).toContain('agent.budget');
    expect((await fakeState()).llm.remainingTurns).toEqual(0);
  });

  it('`docker compose run --rm dispatcher doctor` checks the stack from inside: one line each, exit 0', async () => {
    await compose(testFiles, 'up', '-d', '--wait');
    // compose() throws on a non-zero exit: a FAIL line fails this test with the output.
    const lines = (await compose(testFiles, 'run', '--rm', '-T', 'dispatcher', 'doctor'))
      .trim()
      .split('\n');
    const line = (what: string) =>
      lines.find((candidate) => candidate.slice(6).startsWith(`${what}:`));
    expect(
      lines.every(
        (candidate, index) =>
          index === lines.length - 1 || /^(ok {2}|warn|FAIL) {2}\S/.test(candidate),
      ),
    ).toBe(true);
    expect(line('Docker engine')).toBe('ok    Docker engine: tcp://docker-gate:2375 answers');
    expect(line('Agent image')).toBe(
      'ok    Agent image: agentsmith:latest is on tcp://docker-gate:2375',
    );
    expect(line('Redis ACL rights')).toMatch(/^ok /);
    expect(line('project agent-smith-test: git')).toMatch(
      /^ok .*ls-remote through fakes:9004 works; default branch main$/,
    );
    expect(line('project agent-smith-test: tickets')).toMatch(/^ok /);
    expect(
      line('LLM anthropic (agent-smith-test, agent-smith-budget, agent-smith-egress)'),
    ).toMatch(/^ok /);
    expect(lines.at(-1)).toMatch(/^\d+ ok, \d+ warn, 0 FAIL$/);
    for (const secret of REAL_SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });
});

/** Posts a signed Slack message event in a fresh channel. */
async function postSlackMessage(text: string): Promise<{ channel: string }> {
  const channel = `C${randomBytes(4).toString('hex').toUpperCase()}`;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: `Ev${randomBytes(4).toString('hex')}`,
    event: { type: 'message', channel, user: 'UHUMAN', text, ts: '1.000001' },
  });
  const signed = signSlackRequest(signingSecret, body);
  const accepted = await fetch(`${await publishedUrl('dispatcher', 8080)}/slack/events`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  expect(accepted.status).toEqual(200);
  return { channel };
}

/** The running agent container of the job started in `channel`, as `docker inspect` shows it. */
async function runningAgent(
  channel: string,
): Promise<{ jobId: string; env: Record<string, string>; inspect: unknown }> {
  let found: { jobId: string; env: Record<string, string>; inspect: unknown } | undefined;
  await expect
    .poll(
      async () => {
        const containers = await docker.listContainers({
          filters: { label: ['managed-by=agentsmith-dispatcher'], status: ['running'] },
        });
        for (const info of containers) {
          const inspect = await docker.getContainer(info.Id).inspect();
          if (!inspect.Config.Cmd.includes(channel)) continue;
          const env = Object.fromEntries(
            inspect.Config.Env.map((entry) => [
              entry.slice(0, entry.indexOf('=')),
              entry.slice(entry.indexOf('=') + 1),
            ]),
          );
          found = { jobId: info.Labels['job-id'] ?? '', env, inspect };
        }
        return found !== undefined;
      },
      { timeout: 60_000, message: 'the agent container' },
    )
    .toBe(true);
  return found as { jobId: string; env: Record<string, string>; inspect: unknown };
}
