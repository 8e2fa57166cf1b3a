import {
  announcesBody,
  answerUnreadRequest,
  skippingRefusedConnections,
  type Logger,
} from '@agentsmith/kit';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_CONTENT_TYPE, renderMetrics, type Metrics } from './metrics.js';

/** A dependency `/ready` checks. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<{ ready: boolean; reason?: string | undefined }>;
}

/** How long a client may take to send its headers, and its whole request. */
export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000 };

export interface HttpServerOptions {
  /** The public port: Slack's endpoints, `/health` and a `/ready` without reasons. */
  port: number;
  /** The operators' port: `/metrics` and `/ready` with every check's reason. */
  opsPort: number;
  host?: string;
  metrics: Metrics;
  checks: ReadinessCheck[];
  /** Slack's endpoints (`/slack/events`, `/slack/interact`); absent in Socket Mode. */
  slack?: RequestListener | undefined;
  /** The jobs page (`/jobs` and below, docs/jobs-page.md); absent while it is off. */
  jobsPage?: RequestListener | undefined;
  logger: Logger;
  timeouts?: ServerTimeouts;
}

export interface DispatcherHttpServer {
  server: Server;
  url: string;
  opsServer: Server;
  opsUrl: string;
  /** `/ready` answers 503 from now on (first step of a graceful shutdown). */
  markNotReady(): void;
  /** Closes both servers' idle connections; every connection left is closed by `closeAllConnections`. */
  close(): Promise<void>;
  closeAllConnections(): void;
}

const CHECK_TIMEOUT_MS = 3_000;

function raceTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Response = Parameters<RequestListener>[1];

function json(response: Response, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Answers and closes the connection when the request still has an unread body: nothing on these
 * routes reads one, and draining it would let a client keep the server busy.
 */
function answerWithoutBody(
  request: Parameters<RequestListener>[0],
  response: Response,
  status: number,
  body: unknown,
): void {
  if (!announcesBody(request)) json(response, status, body);
  else
    answerUnreadRequest(
      request,
      response,
      status,
      { 'content-type': 'application/json' },
      JSON.stringify(body),
    );
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/** Runs every readiness check (each within {@link CHECK_TIMEOUT_MS}). */
async function readiness(checks: ReadinessCheck[], accepting: boolean) {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        return {
          name,
          ...(await raceTimeout(check(), `${name} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        };
      } catch (error) {
        return {
          name,
          ready: false,
          reason: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
  const ok = accepting && results.every((result) => result.ready);
  return { ok, status: ok ? 'ready' : accepting ? 'not ready' : 'shutting down', results };
}

async function listen(server: Server, port: number, host: string, timeouts: ServerTimeouts) {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * Two HTTP servers. The public one (`PORT`) serves only what Slack and a load balancer need:
 * the Slack endpoints, `/health` and a bare `/ready`. The operators' one (`OPS_PORT`, never
 * published) serves `/metrics` and `/ready` with every check's reason. Both limit how long a
 * client may take over its headers and its request.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<DispatcherHttpServer> {
  let accepting = true;
  const host = options.host ?? '0.0.0.0';
  const timeouts = options.timeouts ?? DEFAULT_SERVER_TIMEOUTS;

  // Node checks the timeouts every `connectionsCheckingInterval`; keep it below the timeouts.
  const serverOptions = {
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(timeouts.headersMs, timeouts.requestMs) / 2,
    ),
  };
  const server = createServer(
    serverOptions,
    skippingRefusedConnections((request, response) => {
      const path = pathOf(request.url);
      if (request.method === 'GET' && path === '/health') {
        json(response, 200, { status: 'ok' });
        return;
      }
      if (request.method === 'GET' && path === '/ready') {
        void readiness(options.checks, accepting).then(({ ok, status }) =>
          json(response, ok ? 200 : 503, { status }),
        );
        return;
      }
      if (
        options.slack &&
        request.method === 'POST' &&
        (path === '/slack/events' || path === '/slack/interact')
      ) {
        try {
          options.slack(request, response);
        } catch (error) {
          options.logger.error({ err: error }, 'Slack request handler threw');
          if (!response.headersSent) response.writeHead(200).end();
        }
        return;
      }
      if (options.jobsPage && (path === '/jobs' || path.startsWith('/jobs/'))) {
        options.jobsPage(request, response);
        return;
      }
      answerWithoutBody(request, response, 404, { error: 'not found' });
    }),
  );

  const opsServer = createServer(
    serverOptions,
    skippingRefusedConnections((request, response) => {
      const path = pathOf(request.url);
      if (request.method === 'GET' && path === '/health') {
        json(response, 200, { status: 'ok', timestamp: new Date().toISOString() });
        return;
      }
      if (request.method === 'GET' && path === '/metrics') {
        renderMetrics(options.metrics).then(
          (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
          () => response.writeHead(500).end(),
        );
        return;
      }
      if (request.method === 'GET' && path === '/ready') {
        void readiness(options.checks, accepting).then(({ ok, status, results }) =>
          json(response, ok ? 200 : 503, { status, checks: results }),
        );
        return;
      }
      answerWithoutBody(request, response, 404, { error: 'not found' });
    }),
  );

  const url = await listen(server, options.port, host, timeouts);
  const opsUrl = await listen(opsServer, options.opsPort, host, timeouts);
  return {
    server,
    url,
    opsServer,
    opsUrl,
    markNotReady: () => {
      accepting = false;
    },
    close: async () => {
      await Promise.all([closeServer(server), closeServer(opsServer)]);
    },
    closeAllConnections: () => {
      server.closeAllConnections();
      opsServer.closeAllConnections();
    },
  };
}
