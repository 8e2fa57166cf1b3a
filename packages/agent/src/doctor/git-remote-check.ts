import { failed, passed, type CheckResult } from '@agentsmith/kit';
import { createGitHost, type SourceConfig } from '@agentsmith/providers';
import { credentialEnvironment, splitUrlCredentials } from '../git/git-credentials.js';
import { runProcess } from '../process/run-process.js';

/** What `git ls-remote --symref` said: HEAD's branch, and the branches there are. */
export function parseLsRemote(output: string): {
  head: string | undefined;
  headResolves: boolean;
  branches: string[];
} {
  let head: string | undefined;
  let headResolves = false;
  const branches: string[] = [];
  for (const line of output.split('\n')) {
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (symref) head = symref[1];
    const [, ref] = line.split('\t');
    if (ref === 'HEAD' && !line.startsWith('ref:')) headResolves = true;
    if (ref?.startsWith('refs/heads/')) branches.push(ref.slice('refs/heads/'.length));
  }
  return { head, headResolves, branches };
}

const UNREACHABLE =
  /could not resolve host|connection refused|timed out|failed to connect|network is unreachable/i;

function fixFor(source: SourceConfig, reason: string): string {
  if (source.type === 'local') return 'point source.path at an existing git repository';
  if (UNREACHABLE.test(reason))
    return 'check that this machine reaches the git host (proxy, VPN, DNS)';
  return 'set the host token (GITHUB_TOKEN, GITLAB_TOKEN or AZURE_DEVOPS_TOKEN) to one that can read and push the repository, and check source.url';
}

/**
 * `git ls-remote --symref` of the project's repository with the credentials a run would use
 * (the git host's token through the same credential helper), and that its default branch exists.
 */
export async function checkGitRemote(
  what: string,
  source: SourceConfig,
  env: NodeJS.ProcessEnv,
  options: { baseDir: string; signal: AbortSignal; timeoutMs: number },
): Promise<CheckResult> {
  const clone = createGitHost(source, env, { baseDir: options.baseDir }).cloneSource();
  // A mirror (AGENTSMITH_CLONE_URL) replaces a host's URL, as in a run; a local path stays.
  // Credentials written into a URL go to the helper instead, so git never echoes them.
  const { url, credentials } = splitUrlCredentials(
    (source.type !== 'local' && env['AGENTSMITH_CLONE_URL']) || clone.url,
  );
  const result = await runProcess('git', ['ls-remote', '--symref', url], {
    cwd: options.baseDir,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    env: { ...env, ...credentialEnvironment(credentials ?? clone.credentials, url) },
  });
  const where = source.type === 'local' ? url : new URL(url).host;
  if (result.exitCode !== 0) {
    const reason = result.stderr.trim().split('\n').at(-1) ?? `exit code ${result.exitCode}`;
    return failed(what, `git ls-remote ${where} failed: ${reason}`, fixFor(source, reason));
  }
  const refs = parseLsRemote(result.stdout);
  if (!refs.headResolves) {
    return failed(
      what,
      `${where}: the repository has no default branch (HEAD ${refs.head ? `names ${refs.head}, which does not exist` : 'points nowhere'}; branches: ${refs.branches.join(', ') || 'none'})`,
      'push the default branch, or set the repository’s default branch to one that exists',
    );
  }
  return passed(
    what,
    `git ls-remote ${where} works${(credentials ?? clone.credentials) ? ' with the host token' : ''}; default branch ${refs.head ?? 'HEAD'}`,
  );
}
