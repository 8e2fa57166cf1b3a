import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '@agentsmith/kit';
import { checkCreateContainer } from '../policy/create-policy.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  isRefusal,
  type GatePolicy,
} from '../policy/gate-policy.js';
import { routeRequest, type GateRoute } from '../policy/request-routes.js';
import { EngineSocket } from './engine-socket.js';

/** Create bodies and configuration archives are small; anything bigger is not the spawner's. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface DockerGateOptions {
  policy: GatePolicy;
  /** The engine's Unix socket, e.g. /var/run/docker.sock. */
  socketPath: string;
  /** TCP port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Address to listen on (default all interfaces: the gate's network is internal). */
  host?: string;
  logger?: Logger;
}

export interface RunningDockerGate {
  /** `tcp://host:port` for DOCKER_HOST. */
  url: string;
  port: number;
  close(): Promise<void>;
}

class GateRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new GateRefusal(403, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The Docker gate: an Engine API endpoint that serves only the calls the dispatcher's Docker
 * spawner makes, each validated (see docs/security.md, "Containment"), and refuses everything
 * else with 403 and `{"message": "docker-gate: <reason>"}` — the engine's error shape, which
 * dockerode shows as the error's message.
 */
export class DockerGate {
  readonly #engine: EngineSocket;
  readonly #logger: Logger;

  constructor(private readonly options: DockerGateOptions) {
    this.#engine = new EngineSocket(options.socketPath);
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'docker-gate' });
  }

  /** Handles one HTTP request; never throws. */
  handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.#serve(request, response).catch((error: unknown) => {
      if (error instanceof GateRefusal) {
        this.#logger.warn(
          { method: request.method, url: request.url, reason: error.message },
          'refused',
        );
        if (!response.headersSent)
          sendJson(response, error.status, { message: `docker-gate: ${error.message}` });
        return;
      }
      this.#logger.error(
        { err: error, method: request.method, url: request.url },
        'engine call failed',
      );
      if (!response.headersSent)
        sendJson(response, 502, {
          message: `docker-gate: the Docker engine at ${this.options.socketPath} did not answer: ${error instanceof Error ? error.message : String(error)}`,
        });
      else response.destroy();
    });
  };

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    if (request.headers.upgrade)
      throw new GateRefusal(403, 'connection upgrades (attach, exec) are not allowed');
    const route = routeRequest(method, request.url ?? '/', this.options.policy);
    if (isRefusal(route)) throw new GateRefusal(403, route.reason);
    const body = await readBody(request);
    await this.#serveRoute(route, body, response);
  }

  async #serveRoute(route: GateRoute, body: Buffer, response: ServerResponse): Promise<void> {
    switch (route.kind) {
      case 'forward':
        return this.#engine.relay({ method: route.method, path: route.path }, response);
      case 'filtered':
        return this.#engine.relay({ method: 'GET', path: route.path }, response);
      case 'create':
        return this.#create(route.name, route.prefix, body, response);
      case 'container':
        return this.#container(route, body, response);
    }
  }

  async #create(
    name: string | undefined,
    prefix: string,
    body: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new GateRefusal(403, 'the create body is not JSON');
    }
    const decision = checkCreateContainer(name, parsed, this.options.policy);
    if (isRefusal(decision)) throw new GateRefusal(403, decision.reason);
    this.#logger.info(
      { name: decision.name, image: decision.body.Image },
      'creating agent container',
    );
    const { name: _repeated, ...create } = decision.body;
    await this.#engine.relay(
      {
        method: 'POST',
        path: `${prefix}/containers/create?name=${encodeURIComponent(decision.name)}`,
        body: Buffer.from(JSON.stringify(create)),
      },
      response,
    );
  }

  async #container(
    route: Extract<GateRoute, { kind: 'container' }>,
    body: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const inspected = await this.#engine.read({
      method: 'GET',
      path: `${route.prefix}/containers/${encodeURIComponent(route.id)}/json`,
    });
    if (inspected.status !== 200) {
      // 404 and the like are the engine's own answer: a container that is gone is gone for everyone.
      response.writeHead(inspected.status, { 'content-type': 'application/json' });
      response.end(inspected.text);
      return;
    }
    const info = JSON.parse(inspected.text) as {
      Id: string;
      Config?: { Labels?: Record<string, string> | null };
    };
    if (info.Config?.Labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
      throw new GateRefusal(
        403,
        `container ${route.id} is not an agent container (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label)`,
      );
    if (route.action === 'inspect') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(inspected.text);
      return;
    }
    // By the full id from the inspection: the name cannot be swapped for another container in between.
    const base = `${route.prefix}/containers/${info.Id}`;
    const paths: Record<Exclude<typeof route.action, 'inspect'>, [string, string]> = {
      start: ['POST', `${base}/start`],
      stop: ['POST', `${base}/stop`],
      wait: ['POST', `${base}/wait`],
      logs: ['GET', `${base}/logs`],
      remove: ['DELETE', base],
      archive: ['PUT', `${base}/archive`],
    };
    const [method, path] = paths[route.action];
    await this.#engine.relay(
      {
        method,
        path: `${path}${route.query}`,
        ...(route.action === 'archive' ? { body, contentType: 'application/x-tar' } : {}),
      },
      response,
    );
  }
}

/** Starts a gate listening on `options.port`. */
export async function startDockerGate(options: DockerGateOptions): Promise<RunningDockerGate> {
  const gate = new DockerGate(options);
  const server: Server = createServer(gate.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `tcp://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
