import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { egressAllows, egressRuleFor } from '@agentsmith/providers';
import type { OutboundEntry } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { ProjectConfig } from '@agentsmith/providers';
import type { EgressGrant, RedisCredentialStore } from './redis-credential-store.js';

/** What the forward proxy needs from the broker. */
export interface EgressContext {
  store: RedisCredentialStore;
  loadProject: (name: string) => Promise<ProjectConfig | undefined>;
  logger: Logger;
  /** Writes onto the job's `job:<id>:out` stream, where the relay turns it into a thread notice. */
  reportToJob?: (entry: OutboundEntry) => Promise<void>;
}

/** Hop-by-hop headers and the proxy credential: never forwarded to the registry. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);

/** The egress token of a proxy request: the password of `Proxy-Authorization: Basic`. */
export function proxyToken(request: IncomingMessage): string | undefined {
  const value = request.headers['proxy-authorization'];
  if (typeof value !== 'string' || !/^Basic\s+/i.test(value)) return undefined;
  const decoded = Buffer.from(value.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** `host:port` of a CONNECT request (`[v6]:port` too); undefined when malformed. */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+)):([0-9]{1,5})$/i.exec(authority);
  const port = Number(match?.[3]);
  if (!match || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

/** An answer of the proxy itself: status and a plain-text reason. */
class ProxyRefusal extends Error {
  constructor(
    readonly status: 400 | 403 | 407 | 502,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT = {
  400: 'Bad Request',
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  502: 'Bad Gateway',
} as const;

function refusalHead(refusal: ProxyRefusal): string {
  const body = `Agent Smith egress proxy: ${refusal.message}\n`;
  return (
    `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\n` +
    'content-type: text/plain; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    (refusal.status === 407 ? 'proxy-authenticate: Basic realm="agentsmith-egress"\r\n' : '') +
    'connection: close\r\n\r\n' +
    body
  );
}

/** True for link-local addresses (the cloud metadata service 169.254.169.254, fe80::/10). */
function isLinkLocal(address: string): boolean {
  return /^169\.254\./.test(address) || /^fe[89ab][0-9a-f]:/i.test(address);
}

/**
 * Who asks and whether the project admits `host`:`port`. A refusal is reported to the job's
 * thread the first time its rule is refused.
 */
async function admit(
  context: EgressContext,
  request: IncomingMessage,
  host: string,
  port: number,
): Promise<{ grant: EgressGrant; address: string }> {
  const token = proxyToken(request);
  if (token === undefined)
    throw new ProxyRefusal(407, 'no egress token (use the HTTPS_PROXY URL the job was given)');
  const grant = await context.store.resolveEgress(token);
  if (!grant) throw new ProxyRefusal(407, 'egress token unknown, revoked or expired');
  if (isIP(host))
    throw new ProxyRefusal(
      403,
      `${host}:${port} refused: the proxy admits host names from egress.allow, never addresses`,
    );
  const project = await context.loadProject(grant.project);
  if (!egressAllows(project?.egress.allow ?? [], host, port)) {
    const rule = egressRuleFor(host, port);
    await reportRefusal(context, grant, host, port, rule);
    throw new ProxyRefusal(
      403,
      `${host}:${port} is not in egress.allow of project ${grant.project}; to allow it, add "- ${rule}" under projects.${grant.project}.egress.allow in agentsmith.yml`,
    );
  }
  const { address } = await lookup(host).catch(() => {
    throw new ProxyRefusal(502, `${host} does not resolve`);
  });
  if (isLinkLocal(address))
    throw new ProxyRefusal(403, `${host} resolves to the link-local address ${address}`);
  return { grant, address };
}

async function reportRefusal(
  context: EgressContext,
  grant: EgressGrant,
  host: string,
  port: number,
  rule: string,
): Promise<void> {
  context.logger.info(
    { jobId: grant.jobId, project: grant.project, host, port },
    'Egress proxy refused a host',
  );
  if (!context.reportToJob) return;
  try {
    if (!(await context.store.firstEgressRefusal(grant.jobId, rule, grant.expiresAt))) return;
    await context.reportToJob({
      type: 'detail',
      jobId: grant.jobId,
      at: Date.now(),
      text: `Egress refused: ${host}:${port} is not in egress.allow (add "- ${rule}" under projects.${grant.project}.egress.allow)`,
      egressRefused: { host, port, rule },
    });
  } catch (error) {
    // The refusal itself stands; only its note in the thread is lost.
    context.logger.warn({ err: error, jobId: grant.jobId }, 'Could not report an egress refusal');
  }
}

/** `CONNECT host:port`: authenticates, checks the allow-list and tunnels bytes both ways. */
export function handleConnect(
  context: EgressContext,
  request: IncomingMessage,
  client: Duplex,
  head: Buffer,
): void {
  client.on('error', () => undefined);
  const authority = parseAuthority(request.url ?? '');
  const refuse = (refusal: ProxyRefusal) => {
    client.end(refusalHead(refusal));
  };
  if (!authority) {
    refuse(new ProxyRefusal(400, `CONNECT target "${request.url ?? ''}" is not host:port`));
    return;
  }
  admit(context, request, authority.host, authority.port).then(
    ({ address }) => {
      const upstream: Socket = connect(authority.port, address);
      let tunnelled = false;
      upstream.once('connect', () => {
        tunnelled = true;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.once('error', (error) => {
        if (!tunnelled)
          refuse(new ProxyRefusal(502, `${authority.host}:${authority.port}: ${error.message}`));
      });
      client.once('close', () => upstream.destroy());
      // Before the tunnel stands, the refusal above answers the client and ends it.
      upstream.once('close', () => {
        if (tunnelled) client.destroy();
      });
    },
    (error: unknown) => {
      if (error instanceof ProxyRefusal) refuse(error);
      else {
        context.logger.error({ err: error }, 'Egress proxy failed');
        refuse(new ProxyRefusal(502, 'proxy error; see the dispatcher log'));
      }
    },
  );
}

/** True when a request to the broker's port is a proxy request in absolute form (`GET http://…`). */
export function isAbsoluteForm(request: IncomingMessage): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(request.url ?? '');
}

/** A plain-HTTP proxy request (`GET http://host/path`): checked like CONNECT, then forwarded. */
export function handleAbsoluteForm(
  context: EgressContext,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const refuse = (refusal: ProxyRefusal) => {
    const socket = response.socket;
    request.resume();
    if (socket && !response.headersSent) {
      response.detachSocket(socket);
      socket.end(refusalHead(refusal));
    } else response.destroy();
  };
  let target: URL;
  try {
    target = new URL(request.url ?? '');
  } catch {
    refuse(new ProxyRefusal(400, 'malformed request target'));
    return;
  }
  if (target.protocol !== 'http:') {
    refuse(new ProxyRefusal(400, `${target.protocol} requests go through CONNECT`));
    return;
  }
  const port = target.port === '' ? 80 : Number(target.port);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  admit(context, request, host, port).then(
    ({ address }) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
      const upstream = httpRequest(
        {
          host: address,
          port,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers: { ...headers, host: target.host },
        },
        (answer) => {
          const answerHeaders: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers))
            if (value !== undefined && !HOP_HEADERS.has(name)) answerHeaders[name] = value;
          response.writeHead(answer.statusCode ?? 502, answerHeaders);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => {
        if (response.headersSent) response.destroy();
        else refuse(new ProxyRefusal(502, `${target.host}: ${error.message}`));
      });
      request.pipe(upstream);
    },
    (error: unknown) => {
      if (error instanceof ProxyRefusal) refuse(error);
      else {
        context.logger.error({ err: error }, 'Egress proxy failed');
        refuse(new ProxyRefusal(502, 'proxy error; see the dispatcher log'));
      }
    },
  );
}
