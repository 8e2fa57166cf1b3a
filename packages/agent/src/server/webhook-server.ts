import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixTicketIntent } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import { labeledIssue, verifyGithubSignature } from './github-webhook.js';

const MAX_BODY_BYTES = 1024 * 1024;

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
  /** The run a labelled issue asks for; null when no project listens for that repository and label. */
  resolve: (issue: LabeledIssue) => FixTicketIntent | null;
  /** Starts one run; resolves when it ends (with its exit code). */
  startRun: (intent: FixTicketIntent) => Promise<number>;
  logger: Logger;
}

/**
 * Webhook mode: `POST /webhook` takes GitHub `issues.labeled` deliveries (signature-checked),
 * answers 202 and starts a run; one run per ticket at a time. `GET /health` answers `ok`.
 */
export class WebhookServer {
  readonly #options: WebhookServerOptions;
  readonly #running = new Map<string, Promise<number>>();
  #server: Server | undefined;

  constructor(options: WebhookServerOptions) {
    this.#options = options;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((request, response) => {
      // A sender hanging up mid-body rejects; it must not take the server down.
      this.#handle(request, response).catch((error: unknown) => {
        this.#options.logger.warn({ error }, 'webhook delivery failed');
        if (!response.headersSent) send(response, 400, 'Bad request');
        else response.destroy();
      });
    });
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
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    if (request.method === 'GET' && path === '/health') return send(response, 200, 'ok');
    if (request.method !== 'POST' || path !== '/webhook') {
      return send(response, 404, 'Not found. Use POST /webhook or GET /health');
    }
    const body = await readBody(request);
    if (body === null) return send(response, 413, 'Payload too large');
    const signature = header(request, 'x-hub-signature-256');
    if (!verifyGithubSignature(this.#options.secret, body, signature)) {
      this.#options.logger.warn(
        { delivery: header(request, 'x-github-delivery') },
        'webhook signature invalid',
      );
      return send(response, 401, 'Invalid signature');
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

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
