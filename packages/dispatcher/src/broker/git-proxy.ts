import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { BrokerContext } from './broker-context.js';
import {
  BrokerRefusal,
  MAX_REQUEST_BYTES,
  readBody,
  relayResponse,
  upstreamHeaders,
} from './http-relay.js';
import type { JobScope } from './job-scope.js';
import { serveLocalGit } from './local-git-backend.js';
import {
  isDeletion,
  parseReceivePackCommands,
  receivePackRefusal,
  type ReceivePackCommands,
} from './pkt-line.js';
import { gitUpstream } from './upstreams.js';

const SERVICES = new Set(['git-upload-pack', 'git-receive-pack']);

/** Why one ref update is refused, or undefined when it is the job's own branch moving forward. */
function refusalOf(ref: string, deletion: boolean, branch: string): string | undefined {
  const own = `refs/heads/${branch}`;
  if (ref.startsWith('refs/tags/')) return `tags may not be pushed by this job (only ${own})`;
  if (ref !== own) return `this job may only push ${own}`;
  if (deletion) return `this job may not delete ${own}`;
  return undefined;
}

/** What a push may ask of git; anything else (push options above all) refuses the push. */
const PUSH_CAPABILITIES = new Set([
  'report-status',
  'report-status-v2',
  'side-band',
  'side-band-64k',
  'quiet',
  'atomic',
  'ofs-delta',
  'agent',
  'object-format',
  'session-id',
]);

/** Why the push's capabilities refuse it whole, or undefined. */
function capabilityRefusal(capabilities: readonly string[]): string | undefined {
  for (const capability of capabilities) {
    const name = capability.split('=')[0] ?? '';
    // Push options follow the first flush, unread here; on GitLab they can open and auto-merge a
    // merge request (`-o merge_request.merge_when_pipeline_succeeds`), so none are accepted.
    if (name === 'push-options') return 'push options (git push -o) are not accepted';
    if (!PUSH_CAPABILITIES.has(name)) return `the push capability "${name}" is not accepted`;
  }
  return undefined;
}

/** The push's refusal reasons by ref (empty: the push may go ahead). */
export function pushRefusals(commands: ReceivePackCommands, branch: string): Map<string, string> {
  const reasons = new Map<string, string>();
  const whole = capabilityRefusal(commands.capabilities);
  if (whole) for (const update of commands.updates) reasons.set(update.ref, whole);
  for (const update of commands.updates) {
    const reason = refusalOf(update.ref, isDeletion(update), branch);
    if (reason) reasons.set(update.ref, reason);
  }
  return reasons;
}

/**
 * `/git/<project>.git/<path>` (smart HTTP): clone and fetch of the job's one repository, and
 * pushes whose every ref update moves the job's own branch. A push touching anything else (a
 * delete, a tag, another branch) never reaches the host: it is answered with a receive-pack report
 * that git prints as `! [remote rejected] <ref> (<reason>)`. A `local` source is served from its
 * path on this machine by `git http-backend`, after the same checks.
 */
export async function proxyGit(
  context: BrokerContext,
  scope: JobScope,
  request: IncomingMessage,
  response: ServerResponse,
  route: { project: string; path: string; search: URLSearchParams },
): Promise<void> {
  if (route.project !== scope.project) {
    throw new BrokerRefusal(
      403,
      `this job may only use the repository of project ${scope.project}`,
    );
  }
  const method = request.method ?? 'GET';
  const service =
    route.path === '/info/refs' && method === 'GET'
      ? route.search.get('service')
      : method === 'POST'
        ? route.path.slice(1)
        : undefined;
  if (!service || !SERVICES.has(service)) {
    throw new BrokerRefusal(
      403,
      `only git's smart HTTP protocol is served here (not ${method} ${route.path})`,
    );
  }
  const project = await context.loadProject(scope.project);
  if (!project) throw new BrokerRefusal(503, `project ${scope.project} is no longer configured`);
  const upstream = gitUpstream(project, context.credentials);

  const headers = upstreamHeaders(request.headers, 'local' in upstream ? {} : upstream.headers);
  let body: Buffer | undefined;
  if (method === 'POST') {
    body = await readBody(request);
    if (service === 'git-receive-pack') {
      if (headers['content-encoding'] === 'gzip') {
        body = gunzipBounded(body);
        delete headers['content-encoding'];
      }
      const refused = checkPush(body, scope.branch);
      if (refused) {
        context.logger.warn(
          { jobId: scope.jobId, refs: [...refused.reasons.keys()] },
          'push refused',
        );
        response.writeHead(200, {
          'content-type': 'application/x-git-receive-pack-result',
          'cache-control': 'no-cache',
        });
        response.end(refused.answer);
        return;
      }
    }
  }
  const query = method === 'GET' ? `service=${service}` : '';
  if ('local' in upstream) {
    const gone = new AbortController();
    const abort = () => {
      if (!response.writableFinished) gone.abort();
    };
    response.once('close', abort);
    try {
      const answer = await serveLocalGit({
        repository: upstream.local,
        method,
        path: route.path,
        query,
        headers,
        body,
        remoteUser: `agentsmith-job-${scope.jobId}`,
        searchPath: context.gitSearchPath,
        signal: gone.signal,
        logger: context.logger.child({ jobId: scope.jobId }),
      });
      await relayResponse(answer, response);
    } finally {
      response.off('close', abort);
    }
    return;
  }
  let answer: Response;
  try {
    answer = await (context.fetch ?? fetch)(
      `${upstream.baseUrl}${route.path}${query ? `?${query}` : ''}`,
      { method, headers, ...(body ? { body } : {}), redirect: 'manual' },
    );
  } catch (error) {
    // The cause can quote the upstream URL, credentials included: logged, never relayed.
    context.logger.warn({ jobId: scope.jobId, err: error }, 'git host unreachable');
    throw new BrokerRefusal(502, 'the git host is unreachable (the broker log has the cause)');
  }
  await relayResponse(answer, response);
}

/** A gzip request body inflated to at most {@link MAX_REQUEST_BYTES} (a bomb is a 413). */
function gunzipBounded(body: Buffer): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: MAX_REQUEST_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BrokerRefusal(413, `the push inflates beyond ${MAX_REQUEST_BYTES} bytes`);
    throw new BrokerRefusal(400, `the push is not valid gzip: ${(error as Error).message}`);
  }
}

function checkPush(
  body: Buffer,
  branch: string,
): { reasons: Map<string, string>; answer: Buffer } | undefined {
  let commands: ReceivePackCommands;
  try {
    commands = parseReceivePackCommands(body);
  } catch (error) {
    throw new BrokerRefusal(400, `not a git push: ${(error as Error).message}`);
  }
  // Commands inside a certificate are git's to read, not ours: refused before anything else.
  if (commands.pushCertificate)
    throw new BrokerRefusal(403, 'signed pushes (git push --signed) are not accepted');
  if (commands.updates.length === 0) throw new BrokerRefusal(400, 'a push without ref updates');
  const reasons = pushRefusals(commands, branch);
  if (reasons.size === 0) return undefined;
  const message = `Agent Smith broker: push refused — ${[...new Set(reasons.values())].join('; ')}.`;
  return { reasons, answer: receivePackRefusal(commands, reasons, message) };
}
