/** Username and password git presents to an HTTPS remote (a token is the password). */
export interface GitCredentials {
  username: string;
  password: string;
}

/** Names of the child-only variables the credential helper reads. */
export const CREDENTIAL_USERNAME_VARIABLE = 'AGENTSMITH_GIT_USERNAME';
export const CREDENTIAL_PASSWORD_VARIABLE = 'AGENTSMITH_GIT_PASSWORD';

/**
 * An inline credential helper: on `get` it prints the username and password from the child's
 * environment; `store` and `erase` do nothing, so the token is never written anywhere.
 */
export const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; echo "username=\${${CREDENTIAL_USERNAME_VARIABLE}}"; echo "password=\${${CREDENTIAL_PASSWORD_VARIABLE}}"; }; f`;

/**
 * Environment that makes git authenticate through {@link CREDENTIAL_HELPER}. The configuration
 * travels in `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (never argv, never
 * .git/config); the first, empty `credential.helper` clears any helper from system or user
 * config so nothing can store the token. Without credentials only the clearing is set, and
 * `GIT_TERMINAL_PROMPT=0` makes a private remote fail instead of prompting.
 */
export function credentialEnvironment(credentials: GitCredentials | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_CONFIG_COUNT: credentials ? '2' : '1',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
  };
  if (credentials) {
    env['GIT_CONFIG_KEY_1'] = 'credential.helper';
    env['GIT_CONFIG_VALUE_1'] = CREDENTIAL_HELPER;
    env[CREDENTIAL_USERNAME_VARIABLE] = credentials.username;
    env[CREDENTIAL_PASSWORD_VARIABLE] = credentials.password;
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
