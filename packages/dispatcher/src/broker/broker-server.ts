import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { gitToken, llmToken, restToken } from './authenticate.js';
import type { BrokerContext } from './broker-context.js';
import { handleAbsoluteForm, handleConnect, isAbsoluteForm } from './egress-proxy.js';
import { proxyGit } from './git-proxy.js';
import { BrokerRefusal, sendRefusal } from './http-relay.js';
import { providerError } from './llm-errors.js';
import { proxyLlm } from './llm-proxy.js';
import { proxyRest } from './rest-proxy.js';

/** A started broker. */
export interface RunningBroker {
  /** e.g. `http://127.0.0.1:8081`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

type Route =
  | { kind: 'llm'; provider: string; path: string }
  | { kind: 'git'; project: string; path: string }
  | { kind: 'rest'; provider: string; path: string }
  | { kind: 'health' };

/** `/llm/<provider>/…`, `/git/<project>.git/…`, `/rest/<provider>/…`, `/health`. */
export function parseRoute(pathname: string): Route | undefined {
  if (pathname === '/health') return { kind: 'health' };
  const llm = pathname.match(/^\/llm\/([a-z-]+)(\/.*)$/);
  if (llm) return { kind: 'llm', provider: llm[1]!, path: llm[2]! };
  const git = pathname.match(/^\/git\/([^/]+)\.git(\/.*)$/);
  if (git) {
    try {
      return { kind: 'git', project: decodeURIComponent(git[1]!), path: git[2]! };
    } catch {
      return undefined;
    }
  }
  const rest = pathname.match(/^\/rest\/([a-z-]+)(\/.*)$/);
  if (rest) return { kind: 'rest', provider: rest[1]!, path: rest[2]! };
  return undefined;
}

/**
 * The raw path as the dot-segment check sees it. GitLab names a project by its URL-encoded path
 * (`/projects/acme%2Fapp`), so on its route an encoded slash is judged as the slash it stands for:
 * `acme%2F..%2Fsecret` is still refused, and the allow-list matches the encoded name exactly.
 */
function judgedPath(rawPath: string): string {
  return rawPath.startsWith('/rest/gitlab/') ? rawPath.replace(/%2f/gi, '/') : rawPath;
}

async function handle(
  context: BrokerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const rawPath = judgedPath((request.url ?? '/').split('?')[0] ?? '/');
  // `..` and encoded slashes could walk a path out of its allow-listed shape (URL parsing would
  // resolve them silently, so the raw path is judged).
  if (/%2e|%2f|%5c|\\|\/\.\.?(\/|$)|\/\//i.test(rawPath)) {
    throw new BrokerRefusal(400, 'path not accepted (dot segments, encoded or doubled slashes)');
  }
  const url = new URL(request.url ?? '/', 'http://broker');
  const route = parseRoute(url.pathname);
  if (!route) throw new BrokerRefusal(404, `no broker route for ${url.pathname}`);
  if (route.kind === 'health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  const token =
    route.kind === 'llm'
      ? llmToken(request, url)
      : route.kind === 'git'
        ? gitToken(request)
        : restToken(request);
  if (token === undefined) {
    if (route.kind === 'git') {
      // git asks its credential helper only after a 401 naming Basic authentication.
      throw new BrokerRefusal(401, 'job token required', {
        'www-authenticate': 'Basic realm="agentsmith-broker"',
      });
    }
    throw unauthorized(route, 'no job token in the request');
  }
  const scope = await context.store.resolve(token);
  if (!scope) throw unauthorized(route, 'job token unknown, revoked or expired');
  const search = url.searchParams;
  switch (route.kind) {
    case 'llm':
      return proxyLlm(context, scope, request, response, { ...route, search });
    case 'git':
      return proxyGit(context, scope, request, response, { ...route, search });
    case 'rest':
      return proxyRest(context, scope, request, response, { ...route, search });
  }
}

function unauthorized(route: Exclude<Route, { kind: 'health' }>, why: string): BrokerRefusal {
  if (route.kind === 'llm')
    return providerError(
      route.provider,
      401,
      'authentication_error',
      `Agent Smith broker: ${why}.`,
    );
  return new BrokerRefusal(401, `Agent Smith broker: ${why}.`);
}

/**
 * The credential broker's HTTP server (its own port, for agents only): every LLM, git and REST
 * call of a job passes here, authenticated by the job token and held to the job's scope. The same
 * port is the job's forward proxy (CONNECT and absolute-form requests, egress-proxy.ts), the only
 * way out of the agents' network.
 */
export async function startBrokerServer(
  context: BrokerContext,
  options: { port: number; host?: string },
): Promise<RunningBroker> {
  const server = createServer((request, response) => {
    if (isAbsoluteForm(request)) {
      handleAbsoluteForm(context, request, response);
      return;
    }
    handle(context, request, response).catch((error: unknown) => {
      const refusal =
        error instanceof BrokerRefusal
          ? error
          : new BrokerRefusal(500, 'broker error; see the dispatcher log');
      if (!(error instanceof BrokerRefusal))
        context.logger.error({ err: error }, 'Broker request failed');
      else
        context.logger.info(
          { status: refusal.status, path: request.url?.split('?')[0], reason: refusal.message },
          'Broker refused a request',
        );
      sendRefusal(response, refusal);
    });
  });
  server.on('connect', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    handleConnect(context, request, socket, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
