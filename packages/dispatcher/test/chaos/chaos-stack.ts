import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import {
  isFinalCard,
  jobFigures,
  signSlackRequest,
  textOf,
  type ComposeFakeWorldState,
  type JobFigures,
  type StreamEntry,
} from '@agentsmith/testkit';
import { dockerCompose } from '../support/docker-compose.js';

/**
 * The Compose stack of the chaos suite: docker-compose.yml + deploy/compose.test.yml (the fake
 * SaaS world) + deploy/compose.chaos.yml, under its own project name (`CHAOS_PROJECT`, default
 * as-chaos) so it never touches another stack on the same engine.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
export const project = process.env['CHAOS_PROJECT'] ?? 'as-chaos';
const files = ['docker-compose.yml', 'deploy/compose.test.yml', 'deploy/compose.chaos.yml'];
const signingSecret = 'compose-e2e-signing-secret';
const environment: NodeJS.ProcessEnv = {
  ...process.env,
  REDIS_PASSWORD: 'chaos-redis-password',
};
/** Where the suite leaves its figures for scripts/run-chaos.mjs. */
export const FIGURES_FILE = join(root, 'test-results/chaos-figures.jsonl');

export function compose(...args: string[]): Promise<string> {
  const paths = files.map((file) => join(root, file));
  return dockerCompose({ project, files: paths, cwd: root, env: environment }, ...args);
}

export async function docker(...args: string[]): Promise<string> {
  return (await exec('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

const urls = new Map<string, string>();
export async function publishedUrl(service: string, port: number): Promise<string> {
  const key = `${service}:${port}`;
  const known = urls.get(key);
  if (known) return known;
  const url = `http://${(await compose('port', service, String(port))).trim()}`;
  urls.set(key, url);
  return url;
}

/**
 * Recreates the dispatcher with `CHAOS_*` settings of deploy/compose.chaos.yml (e.g.
 * `CHAOS_AGENT_MEMORY`); `undefined` brings a setting back to its default.
 */
export async function recreateDispatcher(
  settings: Record<string, string | undefined>,
): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete environment[name];
    else environment[name] = value;
  }
  await compose('up', '-d', '--wait', '--no-build', 'dispatcher');
  forgetUrls();
}

/**
 * When the engine saw container `name` die (ms since the epoch), from its event log since
 * `sinceMs`: the container itself is gone (AutoRemove), its events stay.
 */
export async function diedAt(name: string, sinceMs: number): Promise<number> {
  const lines = await docker(
    'events',
    '--since',
    String(Math.floor(sinceMs / 1000)),
    '--until',
    String(Math.ceil(Date.now() / 1000) + 1),
    '--filter',
    `container=${name}`,
    '--filter',
    'event=die',
    '--format',
    '{{.TimeNano}}',
  );
  const first = lines.split('\n').find(Boolean);
  if (!first) throw new Error(`the engine recorded no death of ${name} since ${sinceMs}`);
  return Math.round(Number(first) / 1e6);
}

/** A restarted dispatcher may publish a new host port. */
export function forgetUrls(): void {
  urls.clear();
}

export async function fakes(path: string, method = 'POST'): Promise<Response> {
  return fetch(`${await publishedUrl('fakes', 9000)}${path}`, { method });
}

export async function fakeState(): Promise<ComposeFakeWorldState> {
  return (await (await fakes('/state', 'GET')).json()) as ComposeFakeWorldState;
}

export function newChannel(): string {
  return `C${randomBytes(4).toString('hex').toUpperCase()}`;
}

let seq = 0;
/** Says `text` in `channel` as a person, through the dispatcher's signed Events API endpoint. */
export async function say(channel: string, text: string): Promise<number> {
  seq += 1;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: `Ev${randomBytes(5).toString('hex')}`,
    event: {
      type: 'message',
      channel,
      user: 'UHUMAN',
      text,
      ts: `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`,
    },
  });
  const signed = signSlackRequest(signingSecret, body);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(`${await publishedUrl('dispatcher', 8080)}/slack/events`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      return response.status;
    } catch (error) {
      // The dispatcher may be restarting (that is the point of some scenarios): Slack retries too.
      if (attempt >= 20) throw error;
      forgetUrls();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export function callsIn(state: ComposeFakeWorldState, channel: string) {
  return state.slack.filter((call) => call.args['channel'] === channel);
}

/** The job started in `channel` (from the labels of its container). */
export async function jobIdIn(channel: string): Promise<string> {
  let jobId = '';
  await expect
    .poll(
      async () => {
        const state = await fakeState();
        const starting = callsIn(state, channel)
          .map(textOf)
          .find((text) => text.startsWith('Starting job'));
        jobId = /^Starting job (\w+)/.exec(starting ?? '')?.[1] ?? '';
        return jobId;
      },
      { timeout: 60_000, message: `a job to start in ${channel}` },
    )
    .not.toBe('');
  return jobId;
}

export async function redisCli(...args: string[]): Promise<string> {
  return compose('exec', '-T', 'redis', 'redis-cli', '--no-auth-warning', ...args);
}

/** `job:<id>:out` as written (read with redis-cli's raw output: id, then field/value lines). */
export async function streamOf(jobId: string): Promise<StreamEntry[]> {
  const json = await redisCli('--json', 'XRANGE', `job:${jobId}:out`, '-', '+').catch(() => '');
  if (json.trim()) {
    const parsed = JSON.parse(json) as Array<[string, string[]]>;
    return parsed.map(([id, flat]) => ({ id, fields: pairs(flat) }));
  }
  return [];
}

function pairs(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2)
    record[flat[index] ?? ''] = flat[index + 1] ?? '';
  return record;
}

/** Waits for the job's final card and returns its time (the fake's clock). */
export async function finalCardAt(channel: string, timeout = 240_000): Promise<number> {
  let at = 0;
  await expect
    .poll(
      async () => {
        const card = callsIn(await fakeState(), channel).find(isFinalCard);
        at = card?.at ?? 0;
        return at;
      },
      { timeout, message: `the final card in ${channel}` },
    )
    .toBeGreaterThan(0);
  return at;
}

/** The job's figures, once its stream is complete; appended to the suite's figures file. */
export async function recordFigures(
  scenario: string,
  channel: string,
  jobId: string,
  extra: { reportLatencyMs?: number } = {},
): Promise<JobFigures> {
  // A late duplicate would come within a relay round or two.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const figures = jobFigures(await streamOf(jobId), callsIn(await fakeState(), channel));
  await mkdir(join(root, 'test-results'), { recursive: true });
  await appendFile(FIGURES_FILE, `${JSON.stringify({ scenario, jobId, ...figures, ...extra })}\n`);
  return figures;
}

/** The agent container of a job, once it runs. */
export async function agentContainer(jobId: string): Promise<string> {
  const name = `agentsmith-${jobId}`;
  await expect
    .poll(
      async () =>
        (await docker('ps', '--filter', `name=^${name}$`, '--format', '{{.Names}}')).trim(),
      { timeout: 60_000, message: `${name} running` },
    )
    .toBe(name);
  return name;
}

/**
 * Waits until the agent wrote an entry of `type` (or any of several); false when the job's final
 * card came first (the job ended without getting there).
 */
export async function agentWrote(
  jobId: string,
  channel: string,
  ...types: string[]
): Promise<boolean> {
  let wrote = false;
  await expect
    .poll(
      async () => {
        wrote = (await streamOf(jobId)).some((entry) => types.includes(entry.fields['type'] ?? ''));
        return wrote || callsIn(await fakeState(), channel).some(isFinalCard);
      },
      { timeout: 180_000, message: `job ${jobId} to write ${types.join('/')} or end` },
    )
    .toBe(true);
  return wrote;
}

export { textOf };
