import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerGate, type RunningDockerGate } from './gate-server.js';

/** The gate over real HTTP, without an engine behind it: what a caller sees when dockerd is gone. */
let gate: RunningDockerGate;
let base: string;

beforeAll(async () => {
  gate = await startDockerGate({
    policy: { images: ['agentsmith:latest'], network: 'agents', archiveDirectories: [] },
    socketPath: '/nonexistent/docker.sock',
    port: 0,
    host: '127.0.0.1',
  });
  base = `http://127.0.0.1:${gate.port}`;
});

/** An attach-style request (`Connection: Upgrade`), which fetch cannot send. */
function upgradeRequest(path: string): Promise<[number, unknown]> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${base}${path}`,
      { method: 'POST', headers: { connection: 'Upgrade', upgrade: 'tcp' } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve([response.statusCode ?? 0, JSON.parse(text)]));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

afterAll(async () => {
  await gate?.close();
});

describe('docker-gate without an engine', () => {
  it('answers 502 naming the socket it cannot reach, and still refuses what is not allowed with 403', async () => {
    const ping = await fetch(`${base}/_ping`);
    const info = await fetch(`${base}/info`);
    const upgrade = await upgradeRequest('/containers/agentsmith-1/attach?stream=1');

    expect([ping.status, ((await ping.json()) as { message: string }).message]).toEqual([
      502,
      'docker-gate: the Docker engine at /nonexistent/docker.sock did not answer: connect ENOENT /nonexistent/docker.sock',
    ]);
    expect([info.status, await info.json()]).toEqual([
      403,
      {
        message:
          "docker-gate: GET /info is not an Engine API call the dispatcher's Docker spawner makes",
      },
    ]);
    expect(upgrade).toEqual([
      403,
      { message: 'docker-gate: connection upgrades (attach, exec) are not allowed' },
    ]);
  });

  it('refuses a create body that is not JSON, or too large, before it reaches anything', async () => {
    const create = (body: string) =>
      fetch(`${base}/containers/create?name=agentsmith-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });

    const notJson = await create('{');
    const huge = await create(JSON.stringify({ Env: ['X='.padEnd(2 * 1024 * 1024, 'x')] }));

    expect([
      [notJson.status, await notJson.json()],
      [huge.status, await huge.json()],
    ]).toEqual([
      [403, { message: 'docker-gate: the create body is not JSON' }],
      [403, { message: 'docker-gate: the request body is larger than 1048576 bytes' }],
    ]);
  });
});
