import type { Logger } from '@agentsmith/kit';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_CONTENT_TYPE, renderMetrics, type Metrics } from './metrics.js';

/** A dependency `/ready` checks. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<{ ready: boolean; reason?: string | undefined }>;
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  metrics: Metrics;
  checks: ReadinessCheck[];
  /** Slack's endpoints (`/slack/events`, `/slack/interact`); absent in Socket Mode. */
  slack?: RequestListener | undefined;
  logger: Logger;
}

export interface DispatcherHttpServer {
  server: Server;
  url: string;
  /** `/ready` answers 503 from now on (first step of a graceful shutdown). */
  markNotReady(): void;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

function raceTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function json(response: Parameters<RequestListener>[1], status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** `/health`, `/ready`, `/metrics` and the Slack endpoints on one HTTP server. */
export async function startHttpServer(options: HttpServerOptions): Promise<DispatcherHttpServer> {
  let ready = true;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
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
      void Promise.all(
        options.checks.map(async ({ name, check }) => {
          try {
            return {
              name,
              ...(await raceTimeout(
                check(),
                `${name} did not answer within ${CHECK_TIMEOUT_MS} ms`,
              )),
            };
          } catch (error) {
            return {
              name,
              ready: false,
              reason: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      ).then((results) => {
        const ok = ready && results.every((result) => result.ready);
        json(response, ok ? 200 : 503, {
          status: ok ? 'ready' : ready ? 'not ready' : 'shutting down',
          checks: results,
        });
      });
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
    json(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port, options.host ?? '0.0.0.0', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    markNotReady: () => {
      ready = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
