import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';

/** A request the git server received, for assertions on authentication. */
export interface GitHttpRequest {
  method: string;
  url: string;
  /** The decoded `user:password` of a Basic `Authorization` header, if any. */
  basicAuth: string | undefined;
  authorized: boolean;
}

export interface GitHttpServer {
  /** Base URL; a bare repository `<root>/app.git` is at `${url}/app.git`. */
  url: string;
  requests: GitHttpRequest[];
  stop(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Folder holding bare repositories, served by their relative path. */
  root?: string;
  /**
   * URL paths served from given bare repositories, e.g. `{ 'org/app.git': repo.origin }` so
   * that `${url}/org/app.git` looks like a GitHub clone URL (owner `org`, name `app`).
   */
  repositories?: Record<string, string>;
  /** When set, every request needs Basic auth with this password (any username). */
  password?: string;
}

/**
 * A real git smart-HTTP server (`git http-backend` behind node:http) that demands Basic auth,
 * so tests can prove how credentials reach git: the token must arrive only as the
 * `Authorization` header git builds from its credential helper.
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const header = request.headers.authorization;
    const basicAuth = header?.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : undefined;
    const password = basicAuth?.slice(basicAuth.indexOf(':') + 1);
    const authorized = options.password === undefined || password === options.password;
    requests.push({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      basicAuth,
      authorized,
    });
    if (!authorized) {
      response
        .writeHead(401, { 'www-authenticate': 'Basic realm="git"' })
        .end('authentication required');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://git');
    const target = locate(decodeURIComponent(url.pathname), options);
    if (!target) {
      response.writeHead(404).end('repository not found');
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env['PATH'],
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: target.root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: target.pathInfo,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        REMOTE_USER: basicAuth?.split(':')[0] || 'anonymous',
        REMOTE_ADDR: '127.0.0.1',
        ...(request.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] }
          : {}),
        ...(request.headers['git-protocol']
          ? { GIT_PROTOCOL: String(request.headers['git-protocol']) }
          : {}),
      },
    });
    // http-backend may exit without reading the body (GET requests): ignore the broken pipe.
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
    const output: Buffer[] = [];
    for await (const chunk of child.stdout) output.push(chunk as Buffer);
    const raw = Buffer.concat(output);
    const split = raw.indexOf('\r\n\r\n');
    const headerText = raw.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else if (name) headers[name] = value;
    }
    response.writeHead(status, headers).end(raw.subarray(split + 4));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The project root and path git http-backend needs for a request path. */
function locate(
  path: string,
  options: GitHttpServerOptions,
): { root: string; pathInfo: string } | undefined {
  for (const [prefix, repository] of Object.entries(options.repositories ?? {})) {
    const mounted = `/${prefix.replace(/^\/+/, '')}`;
    if (path === mounted || path.startsWith(`${mounted}/`)) {
      return {
        root: dirname(repository),
        pathInfo: `/${basename(repository)}${path.slice(mounted.length)}`,
      };
    }
  }
  return options.root === undefined ? undefined : { root: options.root, pathInfo: path };
}
