import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { OutboundEntry } from '@agentsmith/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';

const run = promisify(execFile);

/** curl through `proxy` with an empty environment (no NO_PROXY of the test machine interferes). */
async function curl(proxy: string, url: string, ...flags: string[]) {
  const { stdout } = await run(
    'curl',
    ['-sS', '-o', '-', '-w', '\n%{http_code} %{http_connect}', '-x', proxy, ...flags, url],
    { env: { PATH: process.env['PATH'] ?? '' } },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const lines = stdout.trimEnd().split('\n');
  const [status, connectStatus] = (lines.pop() ?? '').split(' ');
  return { body: lines.join('\n'), status: Number(status), connect: Number(connectStatus) };
}

/** One raw proxy request (CONNECT or absolute form) and the first response head and body. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const basic = (token: string) => `Basic ${Buffer.from(`job:${token}`).toString('base64')}`;

describe('broker egress proxy (real sockets, real Redis, curl as the client)', () => {
  let fixture: BrokerFixture;
  let registry: Server;
  let registryPort: number;
  let echoPort: number;
  let otherPort: number;
  let closedPort: number;
  let echo: ReturnType<typeof createTcpServer>;
  const reported: OutboundEntry[] = [];
  const seenProxyAuthorization: Array<string | undefined> = [];
  let proxyUrl: string;
  let token: string;

  beforeAll(async () => {
    registry = createHttpServer((request, response) => {
      seenProxyAuthorization.push(request.headers['proxy-authorization']);
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`package at ${request.url}`);
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryPort = (registry.address() as AddressInfo).port;
    echo = createTcpServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as AddressInfo).port;
    otherPort = echoPort === 65_000 ? 65_001 : 65_000;
    // A port that was free a moment ago and is allowed: nothing listens there.
    closedPort = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(free));
      });
    });
    fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/app' },
          egress: {
            allow: [
              `localhost:${registryPort}`,
              `localhost:${echoPort}`,
              `localhost:${closedPort}`,
            ],
          },
        },
      },
      credentials: {},
      reportToJob: (entry) => {
        reported.push(entry);
        return Promise.resolve();
      },
    });
    const { env } = await fixture.mint();
    // The job's own proxy URL points at `broker.invalid`; the test reaches the same broker locally.
    const given = new URL(env['HTTPS_PROXY']!);
    token = decodeURIComponent(given.password);
    proxyUrl = `http://job:${token}@${new URL(fixture.broker.url).host}`;
  });
  afterAll(async () => {
    await fixture.close();
    registry.close();
    echo.close();
  });

  const brokerPort = () => Number(new URL(fixture.broker.url).port);

  it('gives the job proxy variables (both spellings) and leaves the broker and Redis direct', async () => {
    const { env } = await fixture.mint();

    expect(env['HTTP_PROXY']).toMatch(/^http:\/\/job:asegress_[\w-]{43}@broker\.invalid:8081$/);
    for (const name of ['HTTPS_PROXY', 'http_proxy', 'https_proxy'])
      expect(env[name]).toBe(env['HTTP_PROXY']);
    expect(env['NO_PROXY']?.split(',')).toEqual(
      expect.arrayContaining(['broker.invalid', 'redis', 'localhost']),
    );
    expect(env['no_proxy']).toBe(env['NO_PROXY']);
  });

  it('forwards a plain-HTTP request in absolute form to an allowed host, without the proxy credential', async () => {
    const answer = await curl(proxyUrl, `http://localhost:${registryPort}/left-pad/-/1.3.0.tgz`);

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('package at /left-pad/-/1.3.0.tgz');
    expect(seenProxyAuthorization.at(-1)).toBeUndefined();
  });

  it('tunnels CONNECT to an allowed host and port, bytes both ways', async () => {
    const answer = await curl(
      proxyUrl,
      `http://localhost:${registryPort}/through-a-tunnel`,
      '--proxytunnel',
    );
    expect(answer.connect).toBe(200);
    expect(answer.body).toBe('package at /through-a-tunnel');

    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(brokerPort(), '127.0.0.1', () =>
        socket.write(
          `CONNECT localhost:${echoPort} HTTP/1.1\r\nhost: localhost:${echoPort}\r\nproxy-authorization: ${basic(token)}\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.endsWith('\r\n\r\n')) socket.write('ping through the tunnel');
        if (text.endsWith('ping through the tunnel')) socket.end();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toBe('HTTP/1.1 200 Connection Established\r\n\r\nping through the tunnel');
  });

  it('answers 502 with the reason when an allowed host does not accept the connection', async () => {
    const answer = await rawRequest(
      brokerPort(),
      `CONNECT localhost:${closedPort} HTTP/1.1\r\nhost: localhost\r\nproxy-authorization: ${basic(token)}\r\n\r\n`,
    );

    expect(answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(answer).toContain(
      `Agent Smith egress proxy: localhost:${closedPort}: connect ECONNREFUSED`,
    );
  });

  it('asks for the egress token (407) when it is missing, unknown or revoked', async () => {
    const missing = await rawRequest(
      brokerPort(),
      `CONNECT localhost:${echoPort} HTTP/1.1\r\nhost: localhost\r\n\r\n`,
    );
    expect(missing).toMatch(/^HTTP\/1\.1 407 /);
    expect(missing).toContain('proxy-authenticate: Basic');
    expect(missing).toContain('no egress token');

    const unknown = await curl(
      `http://job:asegress_${'x'.repeat(43)}@${new URL(fixture.broker.url).host}`,
      `http://localhost:${registryPort}/`,
    );
    expect(unknown.status).toBe(407);
    expect(unknown.body).toContain('egress token unknown, revoked or expired');

    const { spec, env } = await fixture.mint();
    const revokedToken = decodeURIComponent(new URL(env['HTTP_PROXY']!).password);
    await fixture.issuer.revoke(spec.jobId);
    const revoked = await rawRequest(
      brokerPort(),
      `GET http://localhost:${registryPort}/ HTTP/1.1\r\nhost: localhost\r\nproxy-authorization: ${basic(revokedToken)}\r\nconnection: close\r\n\r\n`,
    );
    expect(revoked).toMatch(/^HTTP\/1\.1 407 /);

    const jobToken = env['AGENTSMITH_JOB_TOKEN']!;
    const withJobToken = await curl(
      `http://job:${jobToken}@${new URL(fixture.broker.url).host}`,
      `http://localhost:${registryPort}/`,
    );
    expect(withJobToken.status).toBe(407);
  });

  it('refuses a host or port outside egress.allow with a 403 that names the line to add', async () => {
    const host = await curl(proxyUrl, 'http://pypi.org/simple/requests/');
    expect(host.status).toBe(403);
    expect(host.body).toBe(
      'Agent Smith egress proxy: pypi.org:80 is not in egress.allow of project app; to allow it, add "- pypi.org" under projects.app.egress.allow in agentsmith.yml\n',
    );

    const port = await curl(proxyUrl, `http://localhost:${otherPort}/`, '--proxytunnel');
    expect(port.connect).toBe(403);

    const address = await curl(proxyUrl, `http://127.0.0.1:${registryPort}/`);
    expect(address.status).toBe(403);
    expect(address.body).toContain('never addresses');

    const https = await rawRequest(
      brokerPort(),
      `GET https://localhost:${registryPort}/ HTTP/1.1\r\nhost: localhost\r\nproxy-authorization: ${basic(token)}\r\n\r\n`,
    );
    expect(https).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('reports each refused host once per job, whatever the request form or port', async () => {
    reported.length = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      await curl(proxyUrl, 'http://files.example.org/a.whl');
      await curl(proxyUrl, 'https://files.example.org/b.whl');
    }
    await curl(proxyUrl, 'http://nexus.example.org:8443/');
    await curl(proxyUrl, 'http://nexus.example.org:8443/again');

    const refusals = reported.map((entry) => (entry.type === 'detail' ? entry.egressRefused : {}));
    expect(refusals).toEqual([
      { host: 'files.example.org', port: 80, rule: 'files.example.org' },
      { host: 'nexus.example.org', port: 8443, rule: 'nexus.example.org:8443' },
    ]);
    expect(reported[0]).toMatchObject({
      type: 'detail',
      text: 'Egress refused: files.example.org:80 is not in egress.allow (add "- files.example.org" under projects.app.egress.allow)',
    });

    // Another job of the same project hears of the same host again.
    const other = await fixture.mint();
    const otherProxy = `http://job:${decodeURIComponent(new URL(other.env['HTTP_PROXY']!).password)}@${new URL(fixture.broker.url).host}`;
    await curl(otherProxy, 'http://files.example.org/a.whl');
    expect(reported.at(-1)).toMatchObject({
      jobId: other.spec.jobId,
      egressRefused: { host: 'files.example.org' },
    });
  });
});
