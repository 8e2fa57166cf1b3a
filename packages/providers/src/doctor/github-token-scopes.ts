import { failed, passed, warned, type CheckResult } from '@agentsmith/kit';
import { probeGet, refusalOf, type ProbeOptions } from './http-probe.js';

const WHAT = 'GitHub token: workflow files';

const FINE_GRAINED_CHECK =
  'check it on GitHub: Settings → Developer settings → Personal access tokens → Fine-grained tokens → this token → Repository permissions → Workflows must be "No access" (a GitHub App: its Workflows permission must not be granted)';

/**
 * Warns when `GITHUB_TOKEN` could change `.github/workflows` (the agent must not be able to: a
 * pushed workflow runs with the repository's secrets). A classic token lists its scopes in
 * `x-oauth-scopes`; a fine-grained or app token does not say, so the line says how to look.
 */
export async function checkGithubWorkflowScope(
  apiBaseUrl: string,
  token: string | undefined,
  options: ProbeOptions,
): Promise<CheckResult> {
  if (!token) {
    return passed(WHAT, 'no GITHUB_TOKEN set, so nothing can push workflow files');
  }
  const response = await probeGet(
    `${apiBaseUrl.replace(/\/+$/, '')}/user`,
    { authorization: `Bearer ${token}` },
    options,
  );
  if (response.status === 401) {
    return failed(WHAT, refusalOf(401), 'set GITHUB_TOKEN to a valid token');
  }
  const scopes = response.headers.get('x-oauth-scopes');
  if (scopes === null) {
    return warned(
      WHAT,
      'a fine-grained or app token: GitHub does not tell whether it may change workflow files',
      FINE_GRAINED_CHECK,
    );
  }
  const granted = scopes
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  if (granted.includes('workflow')) {
    return warned(
      WHAT,
      `the classic token has the workflow scope (scopes: ${granted.join(', ')}), so a job could change .github/workflows`,
      'create a token without the workflow scope (repo is enough), or a fine-grained token with Workflows: No access',
    );
  }
  return passed(
    WHAT,
    `the classic token has no workflow scope (scopes: ${granted.join(', ') || 'none'})`,
  );
}
