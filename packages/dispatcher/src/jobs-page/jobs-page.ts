import type { Logger } from '@agentsmith/kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessPolicy } from '../jobs/access-policy.js';
import type { AuditLog } from '../jobs/audit-log.js';
import { mayControlJob } from '../jobs/job-permissions.js';
import type { PeopleDirectory } from '../jobs/people-directory.js';
import { EventStreams, type EventStreamLimits } from './event-streams.js';
import { readJobsSnapshot, type JobsSources } from './jobs-view.js';
import type { LiveFeed } from './live-event.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets.js';
import type { PageCancelResult } from './page-cancel.js';
import { readForm, redirect, SECURITY_HEADERS, send } from './page-http.js';
import { PageSessions, type SessionSecrets } from './page-sessions.js';
import {
  renderJobSections,
  renderJobsPage,
  renderMessagePage,
  renderSignInPage,
  type Viewer,
} from './render-jobs-page.js';
import { sameSecret, type Session } from './session.js';
import { finishSignIn, startSignIn, type SignInRoutes } from './sign-in-routes.js';
import { SlackSignIn } from './slack-sign-in.js';

/** `JOBS_PAGE_TOKEN`, Sign in with Slack and `JOBS_PAGE_URL` (config/dispatcher-config.ts). */
export type JobsPageSettings = SessionSecrets;

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

const CANCEL_REFUSED =
  'Only the person who started a job, or an admin (SLACK_ADMIN_USERS), may cancel it.';

/**
 * The jobs page (docs/jobs-page.md): `/jobs` and what is under it. Access by a bearer token
 * (`JOBS_PAGE_TOKEN`, read-only) or by Sign in with Slack; both end in a signed session cookie.
 */
export function createJobsPage(options: JobsPageOptions): JobsPage {
  const { settings, logger } = options;
  const now = options.now ?? Date.now;
  const sessions = new PageSessions(settings, now);
  const signIn =
    settings.slackSignIn && settings.publicUrl
      ? new SlackSignIn({
          ...settings.slackSignIn,
          redirectUri: `${settings.publicUrl}/jobs/auth/callback`,
          slackApiUrl: options.slackApiUrl,
        })
      : undefined;
  const signInRoutes: SignInRoutes = {
    signIn,
    sessions,
    token: settings.token !== undefined,
    policy: options.policy,
    directory: options.directory,
    audit: options.audit,
    logger,
    now,
  };
  const streams = new EventStreams(options.feed, options.limits);
  const admins = new Set(options.policy.admins);

  function viewerOf(session: Session): Viewer {
    const userId = session.userId;
    const admin = userId !== undefined && admins.has(userId) ? ' (admin)' : '';
    return {
      description:
        session.via === 'slack'
          ? `Signed in as ${session.name ?? userId ?? 'someone'}${admin}`
          : 'Read-only (access token)',
      csrf: session.csrf || undefined,
      mayCancel: (row) =>
        session.via === 'slack' && userId !== undefined && mayControlJob(userId, row, admins),
    };
  }

  const signInPage = (response: Reply, problem?: string) =>
    send(
      response,
      401,
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
      if (!sessions.isToken(token)) signInPage(response, 'That access token is not valid.');
      else redirect(response, '/jobs', [sessions.start(request, { via: 'token' })]);
      return;
    }
    const session = sessions.fromRequest(request);
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
    const session = sessions.fromRequest(request);
    if (!session) {
      send(response, 401, 'Sign in again: /jobs');
      return;
    }
    const snapshot = await readJobsSnapshot(options.sources);
    send(response, 200, renderJobSections(snapshot, viewerOf(session)));
  }

  function openEvents(request: IncomingMessage, response: Reply): void {
    const session = sessions.fromRequest(request);
    if (!session) {
      send(response, 401, 'Sign in again: /jobs');
      return;
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (!streams.open(request, response, session.expiresAt))
      send(response, 503, 'Too many live connections; try again shortly.', { 'retry-after': '10' });
  }

  /** A form post from a session: its fields once the CSRF token matched, else undefined (answered). */
  async function postedForm(
    request: IncomingMessage,
    response: Reply,
  ): Promise<{ form: URLSearchParams; session: Session } | undefined> {
    const session = sessions.fromCookie(request);
    const form = await readForm(request);
    if (!form) {
      const page = renderMessagePage('Bad request', 'Send a small form.');
      send(response, 400, page, { connection: 'close' });
      return undefined;
    }
    if (!session?.csrf || !sameSecret(form.get('csrf') ?? '', session.csrf)) {
      const page = renderMessagePage(
        'Not allowed',
        'This form has expired; reload the page and try again.',
      );
      send(response, 403, page);
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
      const page = renderMessagePage(
        'Read-only',
        'The access token only shows the jobs; sign in with Slack to cancel one.',
      );
      send(response, 403, page);
      return;
    }
    const result = await options.cancel(jobId, { userId: session.userId, teamId: session.teamId });
    if (result === 'cancelled') redirect(response, `/jobs?cancelled=${encodeURIComponent(jobId)}`);
    else if (result === 'refused')
      send(response, 403, renderMessagePage('Not allowed', CANCEL_REFUSED));
    else
      send(
        response,
        404,
        renderMessagePage('No such job', 'That job is no longer running or queued.'),
      );
  }

  async function signOut(request: IncomingMessage, response: Reply): Promise<void> {
    if (!(await postedForm(request, response))) return;
    redirect(response, '/jobs', [sessions.end(request)]);
  }

  async function route(request: IncomingMessage, response: Reply): Promise<void> {
    const url = new URL(request.url ?? '/jobs', 'http://jobs.invalid');
    switch (`${request.method ?? 'GET'} ${url.pathname}`) {
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
        return startSignIn(signInRoutes, request, response);
      case 'GET /jobs/auth/callback':
        return finishSignIn(signInRoutes, request, response, url);
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
        if (response.headersSent) response.end();
        else
          send(
            response,
            500,
            renderMessagePage('Error', 'The page could not be shown; see the dispatcher log.'),
          );
      });
    },
    close: () => streams.closeAll(),
  };
}
