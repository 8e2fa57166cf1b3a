import type { Logger, SecretSanitizer } from '@agentsmith/kit';
import type { GitHost } from '@agentsmith/providers';
import type { CheckedOutSource, PushedCommit, SourceWorkspace } from '../pipeline/run-ports.js';
import { checkoutRepository } from './git-checkout.js';
import { GitCli } from './git-cli.js';
import { GitConfigGuard } from './git-config-guard.js';
import {
  commitAll,
  DEFAULT_GIT_AUTHOR,
  listChangedFiles,
  pushBranch,
  type GitAuthor,
} from './git-commit.js';
import { splitUrlCredentials } from './git-credentials.js';
import { refuseSecretsInOutgoingDiff } from './outgoing-secrets.js';

/** Settings of {@link createGitSourceWorkspace}. */
export interface GitSourceWorkspaceSettings {
  /** Gives the clone URL, the credentials and the default branch. */
  gitHost: GitHost;
  /** Folder of the working copy (reused across runs when it already holds a clone). */
  directory: string;
  /** Parent environment for git; scrubbed of credentials. */
  env: NodeJS.ProcessEnv;
  author?: GitAuthor | undefined;
  /** Variable named in authentication errors (default `GITHUB_TOKEN`). */
  tokenVariable?: string | undefined;
  timeoutMs?: number | undefined;
  logger?: Logger | undefined;
  /**
   * Scrubs secrets from the commit message and refuses a push whose diff adds a known secret
   * value or a recognisable token (`secret_in_diff`).
   */
  sanitizer?: SecretSanitizer | undefined;
}

/**
 * The git side of a run over the `git` CLI: checkout (fresh clone or fetch + reset), changed
 * files, commit and push with a lease. The token reaches git only through a credential helper.
 */
export function createGitSourceWorkspace(settings: GitSourceWorkspaceSettings): SourceWorkspace {
  const source = settings.gitHost.cloneSource();
  const remote = splitUrlCredentials(source.url);
  const git = new GitCli({
    remote: remote.url,
    credentials: source.credentials ?? remote.credentials,
    tokenVariable: settings.tokenVariable,
    env: settings.env,
    timeoutMs: settings.timeoutMs,
    logger: settings.logger,
  });
  const directory = settings.directory;
  let checkedOut: CheckedOutSource | undefined;
  let configGuard: GitConfigGuard | undefined;

  return {
    async checkout(branch: string, options: { signal: AbortSignal }): Promise<CheckedOutSource> {
      const defaultBranch = await settings.gitHost.findDefaultBranch(options);
      const result = await checkoutRepository(git, {
        url: remote.url,
        directory,
        branch,
        defaultBranch,
        signal: options.signal,
      });
      settings.logger?.info(
        { branch, base: result.defaultBranch, reused: result.reused },
        'repository checked out',
      );
      configGuard = await GitConfigGuard.capture(directory);
      checkedOut = { path: directory, branch, baseBranch: result.defaultBranch };
      return checkedOut;
    },

    async changedFiles(options: { signal: AbortSignal }): Promise<string[]> {
      await configGuard?.restore();
      return listChangedFiles(git, directory, options.signal);
    },

    async commitAndPush(
      message: string,
      options: { signal: AbortSignal },
    ): Promise<PushedCommit | null> {
      await configGuard?.restore();
      const branch =
        checkedOut?.branch ??
        (await git.output(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: directory }));
      if ((await listChangedFiles(git, directory, options.signal)).length === 0) return null;
      const { sanitizer } = settings;
      const commit = await commitAll(
        git,
        directory,
        sanitizer ? sanitizer.sanitize(message) : message,
        settings.author ?? DEFAULT_GIT_AUTHOR,
        options.signal,
      );
      if (sanitizer) {
        const base = `refs/remotes/origin/${checkedOut?.baseBranch ?? 'HEAD'}`;
        await refuseSecretsInOutgoingDiff(git, directory, base, sanitizer, options.signal);
      }
      await pushBranch(git, directory, branch, options.signal);
      return { sha: commit.sha, changedFiles: commit.files };
    },
  };
}
