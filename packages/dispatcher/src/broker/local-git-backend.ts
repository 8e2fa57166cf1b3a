import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Logger } from '@agentsmith/kit';
import { BrokerRefusal } from './http-relay.js';

/** Where git is looked for when no `PATH` is given. */
const DEFAULT_SEARCH_PATH = '/usr/local/bin:/usr/bin:/bin';

/** How long one request to a local repository may take before its git is stopped. */
const LOCAL_GIT_TIMEOUT_MS = 15 * 60 * 1000;

/** The CGI header block may not grow beyond this before its blank line. */
const MAX_HEAD_BYTES = 64 * 1024;

/** How much of git's stderr is kept for the log. */
const MAX_STDERR_BYTES = 8 * 1024;

/** Statuses whose responses carry no body (a web `Response` refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** One smart-HTTP request for a repository on the dispatcher's machine. */
export interface LocalGitRequest {
  /** Absolute path of the repository: a working copy (with `.git` inside) or a bare one. */
  repository: string;
  method: string;
  /** `/info/refs`, `/git-upload-pack` or `/git-receive-pack`. */
  path: string;
  /** The query without `?` (`service=git-upload-pack`), or empty. */
  query: string;
  /** Request headers, lower-case names (`content-type`, `content-encoding`, `git-protocol`). */
  headers: Record<string, string>;
  body?: Buffer | undefined;
  /** Who the reflog names as pushing (`REMOTE_USER`). */
  remoteUser: string;
  /** `PATH` to find git on, the one variable of the dispatcher's environment git gets. */
  searchPath?: string | undefined;
  /** Stops git (the client went away). */
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  logger?: Logger | undefined;
}

/**
 * The status and headers of a CGI header block (`Status: 404 Not Found`, `Content-Type: …`, lines
 * ending in CRLF or LF). Without a `Status` line the status is 200.
 */
export function parseCgiHead(text: string): { status: number; headers: [string, string][] } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const code = Number.parseInt(value, 10);
      if (code >= 200 && code <= 599) status = code;
    } else {
      headers.push([name, value]);
    }
  }
  return { status, headers };
}

/** Where the CGI header block ends: the blank line's start and the body's start. */
export function cgiHeadEnd(buffer: Buffer): { head: number; body: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { head: crlf, body: crlf + 4 };
  return { head: lf, body: lf + 2 };
}

/** A `local` source the dispatcher cannot serve (503): what is wrong, and how to fix it. */
export class LocalGitUnavailable extends BrokerRefusal {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(503, `${problem}: ${fix}`);
  }
}

function notARepository(repository: string): LocalGitUnavailable {
  return new LocalGitUnavailable(
    `the local source ${repository} is not a git repository`,
    "point the project's source.path at a git working copy or bare repository on the dispatcher's machine (a relative path is resolved against the dispatcher's working directory)",
  );
}

/**
 * Serves one smart-HTTP request from a repository on this machine with `git http-backend`
 * (CGI), answered as a web `Response` whose body streams git's output. What is pushed comes from
 * a job's container, so git runs with only `PATH` of the dispatcher's environment, no system or
 * global configuration, no hooks (`core.hooksPath=/dev/null`) and `receive.fsckObjects` on. The
 * push checks are the caller's: this serves whatever it is given.
 */
export async function serveLocalGit(request: LocalGitRequest): Promise<Response> {
  const { repository } = request;
  const timeout = AbortSignal.timeout(request.timeoutMs ?? LOCAL_GIT_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const contentEncoding = request.headers['content-encoding'];
  const gitProtocol = request.headers['git-protocol'];
  const child = spawn(
    'git',
    [
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'receive.fsckObjects=true',
      // The repository's own settings must not widen what a push does: no working-tree update,
      // no fsmonitor hook, no detached `gc --auto` outliving the request, one index-pack thread.
      '-c',
      'receive.denyCurrentBranch=refuse',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'receive.autogc=false',
      '-c',
      'pack.threads=1',
      '-c',
      'http.receivepack=true',
      '-c',
      `safe.directory=${repository}`,
      '-c',
      `safe.directory=${join(repository, '.git')}`,
      'http-backend',
    ],
    {
      // Its own process group: stopping it stops the upload-pack or receive-pack it runs too.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: request.searchPath ?? DEFAULT_SEARCH_PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: repository,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: request.path,
        REQUEST_METHOD: request.method,
        QUERY_STRING: request.query,
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(request.body?.length ?? 0),
        REMOTE_USER: request.remoteUser,
        ...(contentEncoding ? { HTTP_CONTENT_ENCODING: contentEncoding } : {}),
        ...(gitProtocol ? { GIT_PROTOCOL: gitProtocol } : {}),
      },
    },
  );
  try {
    await once(child, 'spawn');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LocalGitUnavailable(
        `git is not installed on the dispatcher (needed to serve local source ${repository})`,
        "install git on the dispatcher's machine",
      );
    }
    throw error;
  }

  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signalName) => resolve({ code, signal: signalName })),
  );
  let stopTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // TERM first, so git removes its lock files; KILL when it does not go.
    kill(child.pid, 'SIGTERM');
    stopTimer = setTimeout(() => kill(child.pid, 'SIGKILL'), 5000);
    stopTimer.unref();
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  const settle = () => {
    signal.removeEventListener('abort', stop);
    if (stopTimer) clearTimeout(stopTimer);
  };
  void exited.then(settle);

  // http-backend may exit without reading the body (GET requests): ignore the broken pipe.
  child.stdin.on('error', () => undefined);
  child.stdin.end(request.body);

  const output = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let end: { head: number; body: number } | undefined;
  while (!end) {
    const next = await output.next();
    if (next.done) {
      const { code, signal: killedBy } = await exited;
      throw new Error(
        `git http-backend for ${repository} ended before its headers (${killedBy ?? `exit code ${code}`}): ${stderr.trim()}`,
      );
    }
    head = Buffer.concat([head, next.value]);
    end = cgiHeadEnd(head);
    if (!end && head.length > MAX_HEAD_BYTES) {
      stop();
      throw new Error(`git http-backend for ${repository} sent no end of headers`);
    }
  }
  const { status, headers } = parseCgiHead(head.subarray(0, end.head).toString('latin1'));
  const rest = head.subarray(end.body);
  if (status === 404) {
    stop();
    request.logger?.warn({ repository, stderr: stderr.trim() }, 'local git repository not found');
    throw notARepository(repository);
  }

  const body = NULL_BODY_STATUSES.has(status)
    ? null
    : new ReadableStream<Uint8Array>({
        start(controller) {
          if (rest.length > 0) controller.enqueue(new Uint8Array(rest));
        },
        async pull(controller) {
          const next = await output.next();
          if (!next.done) {
            controller.enqueue(new Uint8Array(next.value));
            return;
          }
          const { code, signal: killedBy } = await exited;
          if (code === 0) {
            controller.close();
            return;
          }
          // A cut answer must not look complete: the relay drops the connection instead.
          const why = killedBy ?? `exit code ${code}`;
          request.logger?.warn({ repository, stderr: stderr.trim(), why }, 'local git failed');
          controller.error(new Error(`git http-backend for ${repository} failed (${why})`));
        },
        cancel() {
          stop();
          void output.return?.();
        },
      });
  return new Response(body, { status, headers });
}

/** Signals a detached child's whole process group (it may be gone already). */
function kill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already exited.
  }
}
