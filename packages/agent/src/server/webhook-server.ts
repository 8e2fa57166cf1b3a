import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixTicketIntent } from '@agentsmith/contracts';
import { answerUnreadRequest, skippingRefusedConnections, type Logger } from '@agentsmith/kit';
import type { DeliveryLog } from './delivery-log.js';
import { labeledIssue, verifyGithubSignature } from './github-webhook.js';

/** GitHub caps payloads at 25 MB; an `issues` event is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a client may take over its headers, and over its whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** A labelled issue, to be matched against the configured projects. */
export interface LabeledIssue {
  repository: string;
  repositoryName: string;
  issueNumber: number;
  label: string;
}

export interface WebhookServerOptions {
  /** `GITHUB_WEBHOOK_SECRET`: every delivery must be signed with it. */
  secret: string;
  /** Delivery ids already handled: a replayed delivery is refused. */
  deliveries: DeliveryLog;
  /** The run a labelled issue asks for; null when no project listens for that repository and label. */
  resolve: (issue: LabeledIssue) => FixTicketIntent | null;
  /** Starts one run; resolves when it ends (with its exit code). */
  startRun: (intent: FixTicketIntent) => Promise<number>;
  logger: Logger;
}

/**
 * Webhook mode: `POST /webhook` takes GitHub `issues.labeled` deliveries (signature-checked, each
 * `X-GitHub-Delivery` id once), answers 202 and starts a run; one run per ticket at a time.
 * `GET /health` answers `ok`. A body over {@link MAX_BODY_BYTES} is refused and its connection
 * closed without reading the rest.
 */
export class WebhookServer {
  readonly #options: WebhookServerOptions;
  readonly #running = new Map<string, Promise<number>>();
  #server: Server | undefined;

  constructor(options: WebhookServerOptions) {
    this.#options = options;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer(
      skippingRefusedConnections((request, response) => {
        // A sender hanging up mid-body rejects; it must not take the server down.
        this.#handle(request, response).catch((error: unknown) => {
          this.#options.logger.warn({ error }, 'webhook delivery failed');
          if (!response.headersSent) send(response, 400, 'Bad request');
          else response.destroy();
        });
      }),
    );
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return (server.address() as AddressInfo).port;
  }

  /** Runs in progress, by `project#ticket`. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  /** Stops accepting deliveries and waits for the runs in progress. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await Promise.allSettled(this.#running.values());
    await this.#options.deliveries.close?.();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    if (request.method === 'GET' && path === '/health') return send(response, 200, 'ok');
    if (request.method !== 'POST' || path !== '/webhook') {
      return send(response, 404, 'Not found. Use POST /webhook or GET /health');
    }
    const body = await readBody(request);
    if (body === null) return refuseOversized(request, response);
    const signature = header(request, 'x-hub-signature-256');
    const delivery = header(request, 'x-github-delivery');
    if (!verifyGithubSignature(this.#options.secret, body, signature)) {
      this.#options.logger.warn({ delivery }, 'webhook signature invalid');
      return send(response, 401, 'Invalid signature');
    }
    if (!delivery) return send(response, 400, 'Missing X-GitHub-Delivery header');
    // Only after the signature: unsigned requests cannot fill the log.
    if (!(await this.#options.deliveries.firstSeen(delivery))) {
      this.#options.logger.warn({ delivery }, 'webhook delivery replayed; refused');
      return send(response, 409, `Delivery ${delivery} was already handled`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return send(response, 400, 'Body is not JSON');
    }
    const issue = labeledIssue(header(request, 'x-github-event'), payload);
    const intent = issue ? this.#options.resolve(issue) : null;
    if (!intent) return send(response, 200, 'Event ignored (not a matching labeled issue)');
    const key = `${intent.project}#${intent.ticketId}`;
    if (this.#running.has(key)) return send(response, 200, `Already working on ${key}`);
    send(response, 202, `Accepted: fix #${intent.ticketId} in ${intent.project}`);
    this.#start(key, intent);
  }

  #start(key: string, intent: FixTicketIntent): void {
    const logger = this.#options.logger.child({ project: intent.project, ticket: intent.ticketId });
    logger.info('webhook run starting');
    const run = this.#options
      .startRun(intent)
      .then((exitCode) => {
        logger.info({ exitCode }, 'webhook run finished');
        return exitCode;
      })
      .catch((error: unknown) => {
        logger.error({ error }, 'webhook run could not start');
        return -1;
      })
      .finally(() => this.#running.delete(key));
    this.#running.set(key, run);
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or null as soon as it passes {@link MAX_BODY_BYTES} (declared or sent). */
async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.off('end', onEnd);
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on('data', onData);
    request.on('end', onEnd);
    request.once('error', reject);
  });
}

/** 413, and the rest of the body is never read. */
function refuseOversized(request: IncomingMessage, response: ServerResponse): void {
  answerUnreadRequest(
    request,
    response,
    413,
    { 'content-type': 'text/plain; charset=utf-8' },
    'Payload too large',
  );
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
