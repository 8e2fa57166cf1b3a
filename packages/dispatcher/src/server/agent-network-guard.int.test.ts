import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@agentsmith/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFacingAddresses, refuseAgentConnections } from './agent-network-guard.js';

function status(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    get({ host, port, path: '/health' }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('server/agent-network-guard', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    // 127.0.0.2 stands for the dispatcher's address on the agents' network.
    refuseAgentConnections(server, new Set(['127.0.0.2']), silentLogger());
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it("closes connections that arrive on the agents' address without an answer, serves the others", async () => {
    expect(await status('127.0.0.1', port)).toBe(200);
    expect(await status('127.0.0.2', port)).toBe('ECONNRESET');
  });

  it("finds the local address the broker's host name resolves to, never loopback or a remote one", async () => {
    const locals = () => ['127.0.0.1', '172.30.0.3', '10.1.0.5'];

    expect(
      await agentFacingAddresses(
        'http://dispatcher:8081',
        () => Promise.resolve(['172.30.0.3']),
        locals,
      ),
    ).toEqual(new Set(['172.30.0.3']));
    expect(
      await agentFacingAddresses(
        'http://broker.example:8081',
        () => Promise.resolve(['203.0.113.9']),
        locals,
      ),
    ).toEqual(new Set());
    expect(
      await agentFacingAddresses(
        'http://localhost:8081',
        () => Promise.resolve(['127.0.0.1']),
        locals,
      ),
    ).toEqual(new Set());
    expect(
      await agentFacingAddresses(
        'http://nowhere.invalid:8081',
        () => Promise.reject(new Error('ENOTFOUND')),
        locals,
      ),
    ).toEqual(new Set());
  });
});
