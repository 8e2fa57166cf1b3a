import type { Logger } from '@agentsmith/kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideAccess, type AccessPolicy } from '../jobs/access-policy.js';
import type { AuditLog } from '../jobs/audit-log.js';
import type { PeopleDirectory } from '../jobs/people-directory.js';
import { redirect, send } from './page-http.js';
import type { PageSessions } from './page-sessions.js';
import { renderMessagePage, renderSignInPage } from './render-jobs-page.js';
import type { SlackSignIn } from './slack-sign-in.js';

export interface SignInRoutes {
  signIn: SlackSignIn | undefined;
  sessions: PageSessions;
  /** Whether `JOBS_PAGE_TOKEN` is configured (the sign-in page then explains it too). */
  token: boolean;
  policy: AccessPolicy;
  directory: PeopleDirectory;
  audit: AuditLog;
  logger: Logger;
  now: () => number;
}

function refuse(
  routes: SignInRoutes,
  response: ServerResponse,
  problem: string,
  clear: string,
): void {
  send(
    response,
    401,
    renderSignInPage({ slack: routes.signIn !== undefined, token: routes.token, problem }),
    { 'set-cookie': clear },
  );
}

/** `GET /jobs/auth/login`: to Slack's authorize page with a fresh state and nonce. */
export function startSignIn(
  routes: SignInRoutes,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (!routes.signIn) {
    send(
      response,
      404,
      renderMessagePage('Not available', 'Sign in with Slack is not configured.'),
    );
    return;
  }
  const { state, cookie } = routes.sessions.beginSignIn(request);
  const team = routes.policy.teams.length === 1 ? routes.policy.teams[0] : undefined;
  redirect(response, routes.signIn.authorizeUrl(state.state, state.nonce, team), [cookie], 302);
}

/**
 * `GET /jobs/auth/callback`: checks the state, exchanges the code, verifies the ID token, applies
 * the access policy (its channel list aside: the page shows every channel's jobs), audits the
 * decision and starts the session.
 */
export async function finishSignIn(
  routes: SignInRoutes,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const clear = routes.sessions.endSignIn(request);
  const slackError = url.searchParams.get('error');
  if (slackError !== null) {
    // Slack's own code (e.g. access_denied when the person chose Cancel), shown as text.
    refuse(routes, response, `Slack did not sign you in (${slackError.slice(0, 100)}).`, clear);
    return;
  }
  const code = url.searchParams.get('code');
  const pending = routes.sessions.signInOf(request, url.searchParams.get('state') ?? '');
  if (!routes.signIn || !pending || !code) {
    refuse(routes, response, 'The sign-in expired or did not start here; sign in again.', clear);
    return;
  }
  let identity;
  try {
    identity = await routes.signIn.complete(code, pending.nonce, routes.now());
  } catch (error) {
    routes.logger.warn({ err: error }, 'Sign in with Slack failed');
    const reason = error instanceof Error ? error.message : String(error);
    refuse(routes, response, `Slack sign-in failed: ${reason}`, clear);
    return;
  }
  const decision = await decideAccess({ ...routes.policy, channels: [] }, routes.directory, {
    userId: identity.userId,
    channelId: '',
    teamId: identity.teamId,
  });
  await routes.audit
    .record({
      at: routes.now(),
      userId: identity.userId,
      teamId: identity.teamId,
      channelId: 'jobs-page',
      action: 'jobs-page-sign-in',
      allowed: decision.allowed,
      reason: decision.allowed ? decision.why : decision.reason,
    })
    .catch(() => undefined);
  if (!decision.allowed) {
    const page = renderMessagePage('Not allowed', `You may not see the jobs: ${decision.reason}.`);
    send(response, 403, page, { 'set-cookie': clear });
    return;
  }
  const session = routes.sessions.start(request, {
    via: 'slack',
    userId: identity.userId,
    teamId: identity.teamId,
    ...(identity.name ? { name: identity.name } : {}),
  });
  redirect(response, '/jobs', [clear, session]);
}
