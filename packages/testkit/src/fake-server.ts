import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text. */
  body: string;
  /** Parsed JSON body (or form fields for urlencoded bodies); undefined otherwise. */
  json: unknown;
  /** Path parameters captured by `:name` segments of the matched route. */
  params: Record<string, string>;
}

/** What a route handler returns; `body` objects are sent as JSON. */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send this raw string (or chunks, streamed in order) instead of JSON. */
  raw?: string | string[];
  /** Delay before answering (ms), e.g. to simulate a slow server. */
  delayMs?: number;
  /**
   * Takes the response over instead (a long-lived stream such as a Kubernetes watch): the handler
   * writes and ends it when it likes.
   */
  stream?: (response: ServerResponse) => void;
}

export type RouteHandler = (
  request: RecordedRequest,
  server: FakeServer,
) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  label: string;
  handler: RouteHandler;
  /** Times this route may still answer; Infinity for a standing route. */
  remaining: number;
  /** A route registered with `expect` must be called before `assertDone`. */
  expected: boolean;
  calls: number;
}

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

/**
 * A local HTTP server standing in for a SaaS API. It binds port 0 on 127.0.0.1 (or a given host),
 * answers only from a strict route table and records every request. It is strict by default: a
 * request no route matched is answered 501 and makes {@link stop} throw, so the test that caused
 * it fails even if it never asks; {@link assertDone} also checks that every expectation was met.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  readonly #routes: Route[] = [];
  #server: Server | undefined;
  #url = '';

  constructor(readonly name: string) {}

  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    if (!this.#url) throw new Error(`${this.name} fake server is not started`);
    return this.#url;
  }

  /** A standing route: answers every matching request. */
  on(method: string, path: string, handler: RouteHandler | FakeResponse): this {
    return this.#add(method, path, handler, Infinity, false);
  }

  /** An expectation: answers `times` matching requests and must be used before `assertDone`. */
  expect(method: string, path: string, handler: RouteHandler | FakeResponse, times = 1): this {
    return this.#add(method, path, handler, times, true);
  }

  #add(
    method: string,
    path: string,
    handler: RouteHandler | FakeResponse,
    times: number,
    expected: boolean,
  ): this {
    const { pattern, names } = compile(path);
    this.#routes.push({
      method: method.toUpperCase(),
      pattern,
      names,
      label: `${method.toUpperCase()} ${path}`,
      handler: typeof handler === 'function' ? handler : () => handler,
      remaining: times,
      expected,
      calls: 0,
    });
    return this;
  }

  /** Requests matching method and path prefix, in arrival order. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (request) =>
        request.method === method.toUpperCase() &&
        (typeof path === 'string' ? request.path === path : path.test(request.path)),
    );
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, host, resolve));
    const address = this.#server.address() as AddressInfo;
    this.#url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    return this;
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo).port;
  }

  /** Closes the server, then throws when it received a request no route matched. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#throwIfAny(this.#unexpectedProblems());
  }

  /** Throws when a request matched no route or an expectation was never met. */
  assertDone(): void {
    this.#throwIfAny([
      ...this.#unexpectedProblems(),
      ...this.#routes
        .filter((route) => route.expected && route.remaining > 0 && route.remaining !== Infinity)
        .map((route) => `expected request never arrived: ${route.label}`),
    ]);
  }

  /**
   * For a test whose point is an unexpected request: returns the ones recorded so far and forgets
   * them, so {@link stop} does not fail the test for them.
   */
  takeUnexpected(): string[] {
    return this.unexpected.splice(0);
  }

  #unexpectedProblems(): string[] {
    return this.unexpected.map((line) => `unexpected request: ${line}`);
  }

  #throwIfAny(problems: string[]): void {
    if (problems.length > 0)
      throw new Error(`${this.name} fake server:\n  ${problems.join('\n  ')}`);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      json: parseBody(body, request.headers['content-type']),
      params: {},
    };
    this.requests.push(recorded);
    const route = this.#match(recorded);
    if (!route) {
      this.unexpected.push(`${recorded.method} ${recorded.path}`);
      send(response, {
        status: 501,
        body: { error: `no route for ${recorded.method} ${recorded.path} in ${this.name} fake` },
      });
      return;
    }
    try {
      const answer = await route.handler(recorded, this);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (answer.stream) answer.stream(response);
      else send(response, answer);
    } catch (error) {
      this.unexpected.push(`${recorded.method} ${recorded.path} (handler threw: ${String(error)})`);
      send(response, { status: 500, body: { error: String(error) } });
    }
  }

  #match(request: RecordedRequest): Route | undefined {
    for (const route of this.#routes) {
      if (route.method !== request.method || route.remaining <= 0) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      route.names.forEach((name, index) => {
        request.params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      route.remaining -= 1;
      route.calls += 1;
      return route;
    }
    return undefined;
  }
}

function parseBody(body: string, contentType: string | undefined): unknown {
  if (!body) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, answer: FakeResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.raw === undefined && answer.body !== undefined)
    headers['content-type'] ??= 'application/json';
  response.writeHead(answer.status ?? 200, headers);
  if (Array.isArray(answer.raw)) {
    for (const chunk of answer.raw) response.write(chunk);
    response.end();
  } else if (answer.raw !== undefined) {
    response.end(answer.raw);
  } else {
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }
}
