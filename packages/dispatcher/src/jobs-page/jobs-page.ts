import type { Logger } from '@agentsmith/kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideAccess, type AccessPolicy } from '../jobs/access-policy.js';
import type { AuditLog } from '../jobs/audit-log.js';
import { mayControlJob } from '../jobs/job-permissions.js';
import type { PeopleDirectory } from '../jobs/people-directory.js';
import { EventStreams, type EventStreamLimits } from './event-streams.js';
import { readJobsSnapshot, type JobsSources } from './jobs-view.js';
import type { LiveFeed } from './live-event.js';
import type { PageCancelResult } from './page-cancel.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets.js';
import {
  renderJobSections,
  renderJobsPage,
  renderMessagePage,
  renderSignInPage,
  type Viewer,
} from './render-jobs-page.js';
import {
  cookieHeader,
  CookieSealer,
  cookiesOf,
  randomToken,
  sameSecret,
  Session,
  SESSION_TTL_MS,
  SIGN_IN_TTL_MS,
  SignInState,
} from './session.js';
import { SlackSignIn } from './slack-sign-in.js';

const SESSION_COOKIE = 'agentsmith_jobs';
const SIGN_IN_COOKIE = 'agentsmith_jobs_signin';
const MAX_FORM_BYTES = 4_096;

/** No inline script or style, nothing from elsewhere, never in a frame. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface JobsPageSettings {
  token?: string | undefined;
  slackSignIn?: { clientId: string; clientSecret: string } | undefined;
  publicUrl?: string | undefined;
}

export interface JobsPageOptions {
  settings: JobsPageSettings;
  slackApiUrl: string | undefined;
  /** The access policy a Slack viewer must pass (its channel rules do not apply here). */
  policy: AccessPolicy;
  directory: PeopleDirectory;
  audit: AuditLog;
  sources: JobsSources;
  feed: LiveFeed;
  cancel: (
    jobId: string,
    person: { userId: string; teamId?: string | undefined },
  ) => Promise<PageCancelResult>;
  logger: Logger;
  now?: () => number;
  limits?: EventStreamLimits;
}

export interface JobsPage {
  /** Answers a request whose path is `/jobs` or under `/jobs/`. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Ends the live streams (shutdown). */
  readonly close: () => void;
}

type Reply = ServerResponse;

function send(
  response: Reply,
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(body);
}

function redirect(response: Reply, location: string, cookies: string[] = [], status = 303): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    location,
    ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
  });
  response.end();
}

/** The form fields of a small urlencoded body; undefined when it is too large or not a form. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (
    !String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  )
    return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The jobs page (docs/jobs-page.md): `/jobs` and what is under it. Access by a bearer token
 * (`JOBS_PAGE_TOKEN`, read-only) or by Sign in with Slack; both end in a signed session cookie.
 */
export function createJobsPage(options: JobsPageOptions): JobsPage {
  const { settings, logger } = options;
  const now = options.now ?? Date.now;
  const sealer = new CookieSealer([
    settings.token,
    settings.slackSignIn?.clientSecret,
    settings.slackSignIn?.clientId,
  ]);
  const signIn =
    settings.slackSignIn && settings.publicUrl
      ? new SlackSignIn({
          ...settings.slackSignIn,
          redirectUri: `${settings.publicUrl}/jobs/auth/callback`,
          slackApiUrl: options.slackApiUrl,
        })
      : undefined;
  const streams = new EventStreams(options.feed, options.limits);
  const admins = new Set(options.policy.admins);

  const secure = (request: IncomingMessage) =>
    settings.publicUrl?.startsWith('https:') === true ||
    request.headers['x-forwarded-proto'] === 'https';

  const sessionCookie = (request: IncomingMessage, session: Session) =>
    cookieHeader(SESSION_COOKIE, sealer.seal(session), {
      maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000),
      secure: secure(request),
    });
  const clearCookie = (request: IncomingMessage, name: string) =>
    cookieHeader(name, '', { maxAgeSeconds: 0, secure: secure(request) });

  const newSession = (fields: Pick<Session, 'via' | 'userId' | 'teamId' | 'name'>): Session => ({
    purpose: 'session',
    ...fields,
    csrf: randomToken(),
    expiresAt: now() + SESSION_TTL_MS,
  });

  /** The viewer's session: the cookie, else a valid `Authorization: Bearer` (no forms then). */
  function sessionOf(request: IncomingMessage): Session | undefined {
    const cookie = sealer.open(
      Session,
      cookiesOf(request.headers.cookie).get(SESSION_COOKIE),
      now(),
    );
    if (cookie) return cookie;
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer && settings.token && sameSecret(bearer, settings.token))
      return { purpose: 'session', via: 'token', csrf: '', expiresAt: now() + SESSION_TTL_MS };
    return undefined;
  }

  function viewerOf(session: Session): Viewer {
    const userId = session.userId;
    return {
      description:
        session.via === 'slack'
          ? `Signed in as ${session.name ?? userId ?? 'someone'}${userId && admins.has(userId) ? ' (admin)' : ''}`
          : 'Read-only (access token)',
      csrf: session.csrf || undefined,
      mayCancel: (row) =>
        session.via === 'slack' && userId !== undefined && mayControlJob(userId, row, admins),
    };
  }

  const signInPage = (response: Reply, problem?: string, status = 401) =>
    send(
      response,
      status,
      renderSignInPage({
        slack: signIn !== undefined,
        token: settings.token !== undefined,
        ...(problem ? { problem } : {}),
      }),
    );

  async function showPage(request: IncomingMessage, response: Reply, url: URL): Promise<void> {
    const token = url.searchParams.get('token');
    if (token !== null) {
      // The one-time exchange: the token leaves the address bar at once, a cookie carries on.
      if (!settings.token || !sameSecret(token, settings.token)) {
        signInPage(response, 'That access token is not valid.');
        return;
      }
      redirect(response, '/jobs', [sessionCookie(request, newSession({ via: 'token' }))]);
      return;
    }
    const session = sessionOf(request);
    if (!session) {
      signInPage(response);
      return;
    }
    const cancelled = url.searchParams.get('cancelled');
    const notice =
      cancelled && /^[\w-]{1,64}$/.test(cancelled) ? `Job ${cancelled} is stopping.` : undefined;
    const snapshot = await readJobsSnapshot(options.sources);
    send(response, 200, renderJobsPage(snapshot, viewerOf(session), notice));
  }

  async function showSections(request: IncomingMessage, response: Reply): Promise<void> {
    const session = sessionOf(request);
    if (!session) {
      send(response, 401, 'Sign in again: /jobs');
      return;
    }
    send(
      response,
      200,
      renderJobSections(await readJobsSnapshot(options.sources), viewerOf(session)),
    );
  }

  function openEvents(request: IncomingMessage, response: Reply): void {
    const session = sessionOf(request);
    if (!session) {
      send(response, 401, 'Sign in again: /jobs');
      return;
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (!streams.open(request, response, session.expiresAt))
      send(response, 503, 'Too many live connections; try again shortly.', { 'retry-after': '10' });
  }

  function startSignIn(request: IncomingMessage, response: Reply): void {
    if (!signIn) {
      send(
        response,
        404,
        renderMessagePage('Not available', 'Sign in with Slack is not configured.'),
      );
      return;
    }
    const state: SignInState = {
      purpose: 'sign-in',
      state: randomToken(),
      nonce: randomToken(),
      expiresAt: now() + SIGN_IN_TTL_MS,
    };
    const team = options.policy.teams.length === 1 ? options.policy.teams[0] : undefined;
    redirect(
      response,
      signIn.authorizeUrl(state.state, state.nonce, team),
      [
        cookieHeader(SIGN_IN_COOKIE, sealer.seal(state), {
          maxAgeSeconds: Math.floor(SIGN_IN_TTL_MS / 1000),
          secure: secure(request),
        }),
      ],
      302,
    );
  }

  async function finishSignIn(request: IncomingMessage, response: Reply, url: URL): Promise<void> {
    const clear = clearCookie(request, SIGN_IN_COOKIE);
    const pending = sealer.open(
      SignInState,
      cookiesOf(request.headers.cookie).get(SIGN_IN_COOKIE),
      now(),
    );
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state') ?? '';
    const refused = url.searchParams.get('error');
    if (refused !== null) {
      // Slack's own error code (e.g. access_denied when the person chose Cancel): shown as text.
      send(
        response,
        401,
        renderSignInPage({
          slack: signIn !== undefined,
          token: settings.token !== undefined,
          problem: `Slack did not sign you in (${refused.slice(0, 100)}).`,
        }),
        { 'set-cookie': clear },
      );
      return;
    }
    if (!signIn || !pending || !code || !sameSecret(state, pending.state)) {
      signInPage(response, 'The sign-in expired or did not start here; sign in again.');
      return;
    }
    let identity;
    try {
      identity = await signIn.complete(code, pending.nonce, now());
    } catch (error) {
      logger.warn({ err: error }, 'Sign in with Slack failed');
      send(
        response,
        401,
        renderSignInPage({
          slack: true,
          token: settings.token !== undefined,
          problem: `Slack sign-in failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
        { 'set-cookie': clear },
      );
      return;
    }
    // The page shows every channel's jobs: the policy's people, groups and workspaces apply,
    // its channel list does not.
    const decision = await decideAccess({ ...options.policy, channels: [] }, options.directory, {
      userId: identity.userId,
      channelId: '',
      teamId: identity.teamId,
    });
    await options.audit
      .record({
        at: now(),
        userId: identity.userId,
        teamId: identity.teamId,
        channelId: 'jobs-page',
        action: 'jobs-page-sign-in',
        allowed: decision.allowed,
        reason: decision.allowed ? decision.why : decision.reason,
      })
      .catch(() => undefined);
    if (!decision.allowed) {
      send(
        response,
        403,
        renderMessagePage('Not allowed', `You may not see the jobs: ${decision.reason}.`),
        {
          'set-cookie': clear,
        },
      );
      return;
    }
    const session = newSession({
      via: 'slack',
      userId: identity.userId,
      teamId: identity.teamId,
      ...(identity.name ? { name: identity.name } : {}),
    });
    redirect(response, '/jobs', [clear, sessionCookie(request, session)]);
  }

  /** A form post from a session: its fields once the CSRF token matched, else undefined (answered). */
  async function postedForm(
    request: IncomingMessage,
    response: Reply,
  ): Promise<{ form: URLSearchParams; session: Session } | undefined> {
    const session = sealer.open(
      Session,
      cookiesOf(request.headers.cookie).get(SESSION_COOKIE),
      now(),
    );
    const form = await readForm(request);
    if (!form) {
      send(response, 400, renderMessagePage('Bad request', 'Send a small form.'), {
        connection: 'close',
      });
      return undefined;
    }
    if (!session || !session.csrf || !sameSecret(form.get('csrf') ?? '', session.csrf)) {
      send(
        response,
        403,
        renderMessagePage('Not allowed', 'This form has expired; reload the page and try again.'),
      );
      return undefined;
    }
    return { form, session };
  }

  async function cancel(request: IncomingMessage, response: Reply): Promise<void> {
    const posted = await postedForm(request, response);
    if (!posted) return;
    const { form, session } = posted;
    const jobId = form.get('job') ?? '';
    if (session.via !== 'slack' || !session.userId) {
      send(
        response,
        403,
        renderMessagePage(
          'Read-only',
          'The access token only shows the jobs; sign in with Slack to cancel one.',
        ),
      );
      return;
    }
    const result = await options.cancel(jobId, { userId: session.userId, teamId: session.teamId });
    if (result === 'cancelled') redirect(response, `/jobs?cancelled=${encodeURIComponent(jobId)}`);
    else if (result === 'refused')
      send(
        response,
        403,
        renderMessagePage(
          'Not allowed',
          'Only the person who started a job, or an admin (SLACK_ADMIN_USERS), may cancel it.',
        ),
      );
    else
      send(
        response,
        404,
        renderMessagePage('No such job', 'That job is no longer running or queued.'),
      );
  }

  async function signOut(request: IncomingMessage, response: Reply): Promise<void> {
    if (!(await postedForm(request, response))) return;
    redirect(response, '/jobs', [clearCookie(request, SESSION_COOKIE)]);
  }

  async function route(request: IncomingMessage, response: Reply): Promise<void> {
    const url = new URL(request.url ?? '/jobs', 'http://jobs.invalid');
    const key = `${request.method ?? 'GET'} ${url.pathname}`;
    switch (key) {
      case 'GET /jobs':
      case 'GET /jobs/':
        return showPage(request, response, url);
      case 'GET /jobs/sections':
        return showSections(request, response);
      case 'GET /jobs/events':
        return openEvents(request, response);
      case 'GET /jobs/assets/jobs-page.js':
        return send(response, 200, PAGE_SCRIPT, {
          'content-type': 'text/javascript; charset=utf-8',
        });
      case 'GET /jobs/assets/jobs-page.css':
        return send(response, 200, PAGE_STYLE, { 'content-type': 'text/css; charset=utf-8' });
      case 'GET /jobs/auth/login':
        return startSignIn(request, response);
      case 'GET /jobs/auth/callback':
        return finishSignIn(request, response, url);
      case 'POST /jobs/auth/logout':
        return signOut(request, response);
      case 'POST /jobs/cancel':
        return cancel(request, response);
      default:
        send(response, 404, renderMessagePage('Not found', 'There is nothing here.'), {
          connection: 'close',
        });
    }
  }

  return {
    handle: (request, response) => {
      route(request, response).catch((error: unknown) => {
        logger.error({ err: error }, 'Jobs page request failed');
        if (!response.headersSent)
          send(
            response,
            500,
            renderMessagePage('Error', 'The page could not be shown; see the dispatcher log.'),
          );
        else response.end();
      });
    },
    close: () => streams.closeAll(),
  };
}
