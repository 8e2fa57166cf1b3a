import { AppError, type Logger } from '@agentsmith/kit';
import { runProcess } from '../process/run-process.js';
import { scrubEnvironment } from '../process/scrub-environment.js';
import { credentialEnvironment, type GitCredentials } from './git-credentials.js';
import { classifyGitFailure } from './git-errors.js';

/** The git subcommands that reach the remote, and only they, get the credentials. */
const NETWORK_COMMANDS = new Set(['clone', 'fetch', 'ls-remote', 'push', 'pull']);

/** How {@link GitCli} runs git. */
export interface GitCliSettings {
  /** The remote URL without credentials (for messages). */
  remote: string;
  credentials?: GitCredentials | undefined;
  /** Variable named in authentication errors (default `GITHUB_TOKEN`). */
  tokenVariable?: string | undefined;
  /** Parent environment; scrubbed of every credential before git sees it. */
  env: NodeJS.ProcessEnv;
  /** Limit of one git command (default 10 minutes: large clones). */
  timeoutMs?: number | undefined;
  logger?: Logger | undefined;
}

/** One git invocation. */
export interface GitRunOptions {
  cwd: string;
  signal?: AbortSignal | undefined;
  /** Names the operation in errors (`clone`, `push`); default the subcommand. */
  operation?: string;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Extra variables (e.g. the commit identity). */
  env?: NodeJS.ProcessEnv;
  /** Cap on captured output (default 1 MiB); the secret scan reads whole diffs. */
  maxOutputBytes?: number;
}

export interface GitResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `git` CLI with the token supplied by a credential helper through child-only
 * environment variables: never in argv, URLs, logs or .git/config.
 */
export class GitCli {
  readonly #settings: GitCliSettings;
  /** For commands that talk to the remote: with the credential helper and the token. */
  readonly #networkEnv: NodeJS.ProcessEnv;
  /** For local commands (add, commit, status, ...): no token, in case one runs planted code. */
  readonly #localEnv: NodeJS.ProcessEnv;

  constructor(settings: GitCliSettings) {
    this.#settings = settings;
    const base = { ...scrubEnvironment(settings.env), LC_ALL: 'C' };
    this.#networkEnv = { ...base, ...credentialEnvironment(settings.credentials, settings.remote) };
    this.#localEnv = { ...base, ...credentialEnvironment(undefined) };
  }

  /** Runs `git <args>` and returns trimmed stdout; a failure throws a coded {@link AppError}. */
  async output(args: string[], options: GitRunOptions): Promise<string> {
    return (await this.run(args, options)).stdout.trim();
  }

  async run(args: string[], options: GitRunOptions): Promise<GitResult> {
    const operation = options.operation ?? args[0] ?? 'git';
    this.#settings.logger?.debug({ git: args[0], cwd: options.cwd }, 'git');
    const result = await runProcess('git', args, {
      cwd: options.cwd,
      timeoutMs: this.#settings.timeoutMs ?? 600_000,
      env: {
        ...(NETWORK_COMMANDS.has(args[0] ?? '') ? this.#networkEnv : this.#localEnv),
        ...options.env,
      },
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.timedOut) {
      throw new AppError('source_checkout_failed', `git ${operation} timed out`, {
        retryable: true,
      });
    }
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw classifyGitFailure(
        result.stderr || result.stdout,
        {
          operation,
          remote: this.#settings.remote,
          tokenVariable: this.#settings.tokenVariable ?? 'GITHUB_TOKEN',
          hadCredentials: this.#settings.credentials !== undefined,
        },
        operation === 'push' ? 'git_push_rejected' : 'source_checkout_failed',
      );
    }
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }
}
