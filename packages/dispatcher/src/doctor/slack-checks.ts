import {
  failed,
  lastFour,
  passed,
  warned,
  type CheckResult,
  type DoctorCheck,
} from '@agentsmith/kit';
import type { SlackMode } from '../config/dispatcher-config.js';

/** The bot scopes deploy/slack-app-manifest.yml asks for (a test keeps the two equal). */
export const MANIFEST_BOT_SCOPES = [
  'app_mentions:read',
  'channels:history',
  'groups:history',
  'im:history',
  'chat:write',
  'channels:read',
  'groups:read',
  'users:read',
  'usergroups:read',
] as const;

const SLACK_API = 'https://slack.com/api/';

const UNREACHABLE =
  'check that this machine reaches Slack (https://slack.com/api/, or SLACK_API_URL)';

interface SlackAnswer {
  ok: boolean;
  error?: string;
  team?: string;
  team_id?: string;
  user_id?: string;
}

async function callSlack(
  apiUrl: string,
  method: string,
  token: string,
  signal: AbortSignal,
): Promise<{ answer: SlackAnswer; scopes: string | null }> {
  const response = await fetch(`${apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    signal,
  });
  const answer = (await response
    .json()
    .catch(() => ({ ok: false, error: `HTTP ${response.status}` }))) as SlackAnswer;
  return { answer, scopes: response.headers.get('x-oauth-scopes') };
}

function scopeLine(granted: string | null): CheckResult {
  const what = 'Slack bot scopes';
  if (granted === null) {
    return warned(
      what,
      'Slack did not name the token’s scopes',
      'compare OAuth & Permissions → Scopes with deploy/slack-app-manifest.yml',
    );
  }
  const have = new Set(
    granted
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean),
  );
  const missing = MANIFEST_BOT_SCOPES.filter((scope) => !have.has(scope));
  if (missing.length > 0) {
    return failed(
      what,
      `missing ${missing.join(', ')}`,
      'add them under OAuth & Permissions → Bot Token Scopes (deploy/slack-app-manifest.yml lists them all) and reinstall the app',
    );
  }
  return passed(what, `all ${MANIFEST_BOT_SCOPES.length} scopes of the manifest are granted`);
}

/** The bot token (`auth.test`), its scopes, and the signing secret or the app token (Socket Mode). */
export function slackChecks(slack: SlackMode, slackApiUrl: string | undefined): DoctorCheck[] {
  const apiUrl = slackApiUrl ?? SLACK_API;
  const botToken: DoctorCheck = {
    what: 'Slack bot token',
    unreachableFix: UNREACHABLE,
    async run(signal) {
      const { answer, scopes } = await callSlack(apiUrl, 'auth.test', slack.botToken, signal);
      const shown = `SLACK_BOT_TOKEN ${lastFour(slack.botToken)}`;
      if (!answer.ok) {
        return failed(
          'Slack bot token',
          `Slack refused ${shown}: ${answer.error ?? 'unknown error'}`,
          'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) under OAuth & Permissions, after installing the app',
        );
      }
      return [
        passed(
          'Slack bot token',
          `${shown} is the bot ${answer.user_id ?? '?'} in workspace ${answer.team ?? '?'} (${answer.team_id ?? '?'})`,
        ),
        scopeLine(scopes),
      ];
    },
  };
  if (slack.kind === 'http') {
    const signing: DoctorCheck = {
      what: 'Slack signing secret',
      unreachableFix: 'set SLACK_SIGNING_SECRET',
      run: () =>
        Promise.resolve(
          /^[0-9a-f]{32}$/i.test(slack.signingSecret)
            ? passed(
                'Slack signing secret',
                `SLACK_SIGNING_SECRET ${lastFour(slack.signingSecret)} is set (HTTP mode); Slack proves it only by signing requests`,
              )
            : warned(
                'Slack signing secret',
                'SLACK_SIGNING_SECRET is set but is not the 32 hex characters Slack issues',
                'copy Basic Information → App Credentials → Signing Secret into SLACK_SIGNING_SECRET',
              ),
        ),
    };
    return [botToken, signing];
  }
  const appToken: DoctorCheck = {
    what: 'Slack app token',
    unreachableFix: UNREACHABLE,
    async run(signal) {
      const { answer } = await callSlack(apiUrl, 'apps.connections.open', slack.appToken, signal);
      const shown = `SLACK_APP_TOKEN ${lastFour(slack.appToken)}`;
      return answer.ok
        ? passed('Slack app token', `${shown} opens a Socket Mode connection`)
        : failed(
            'Slack app token',
            `Slack refused ${shown}: ${answer.error ?? 'unknown error'}`,
            'create an app-level token with connections:write (Basic Information → App-Level Tokens), set SLACK_APP_TOKEN to it, and enable Socket Mode',
          );
    },
  };
  return [botToken, appToken];
}
