/** Username and password git presents to an HTTPS remote (a token is the password). */
export interface GitCredentials {
  username: string;
  password: string;
}

/** Names of the child-only variables the credential helper reads. */
export const CREDENTIAL_USERNAME_VARIABLE = 'AGENTSMITH_GIT_USERNAME';
export const CREDENTIAL_PASSWORD_VARIABLE = 'AGENTSMITH_GIT_PASSWORD';
export const CREDENTIAL_HOST_VARIABLE = 'AGENTSMITH_GIT_HOST';

/**
 * An inline credential helper: on `get` it prints the username and password from the child's
 * environment, but only for the host of our remote (a redirect or a rewritten URL pointing
 * elsewhere gets nothing); `store` and `erase` do nothing, so the token is never written anywhere.
 */
export const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; host=; ' +
  'while IFS= read -r line && test -n "$line"; do case "$line" in host=*) host="${line#host=}";; esac; done; ' +
  `test -z "\${${CREDENTIAL_HOST_VARIABLE}}" || test "$host" = "\${${CREDENTIAL_HOST_VARIABLE}}" || exit 0; ` +
  `echo "username=\${${CREDENTIAL_USERNAME_VARIABLE}}"; echo "password=\${${CREDENTIAL_PASSWORD_VARIABLE}}"; }; f`;

/**
 * Settings every git command gets, above the repository's own .git/config: the model's commands
 * can write that file and .git/hooks, so hooks and fsmonitor (programs git would start with our
 * environment) are off, and credential helpers from any config file are cleared.
 */
const HARDENING: [string, string][] = [
  ['credential.helper', ''],
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
];

/**
 * Environment that makes git authenticate through {@link CREDENTIAL_HELPER}. The configuration
 * travels in `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (never argv, never
 * .git/config), after {@link HARDENING}: the empty `credential.helper` clears any helper from
 * system, user or repository config so nothing can store the token. Without credentials only the
 * hardening is set, and `GIT_TERMINAL_PROMPT=0` makes a private remote fail instead of prompting.
 */
export function credentialEnvironment(
  credentials: GitCredentials | undefined,
  remoteUrl?: string,
): NodeJS.ProcessEnv {
  const settings = credentials
    ? [...HARDENING, ['credential.helper', CREDENTIAL_HELPER] as [string, string]]
    : HARDENING;
  const env: NodeJS.ProcessEnv = {
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_CONFIG_COUNT: String(settings.length),
  };
  settings.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  if (credentials) {
    env[CREDENTIAL_USERNAME_VARIABLE] = credentials.username;
    env[CREDENTIAL_PASSWORD_VARIABLE] = credentials.password;
    env[CREDENTIAL_HOST_VARIABLE] = remoteHost(remoteUrl);
  }
  return env;
}

/**
 * Removes `user:password@` from a remote URL so it never reaches .git/config or logs; the
 * credentials found there are returned for the helper instead.
 */
export function splitUrlCredentials(url: string): {
  url: string;
  credentials: GitCredentials | undefined;
} {
  if (!/^https?:\/\//i.test(url)) return { url, credentials: undefined };
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, credentials: undefined };
  const credentials = {
    username: decodeURIComponent(parsed.username) || 'x-access-token',
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), credentials };
}

/** `host[:port]` of an http(s) remote, as git names it to credential helpers; '' otherwise. */
function remoteHost(url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  return new URL(url).host;
}
