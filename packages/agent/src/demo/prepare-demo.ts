import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@agentsmith/kit';
import { demoProjectConfig } from '@agentsmith/providers';
import { runProcess } from '../process/run-process.js';
import type { DemoBundle } from './demo-bundle.js';

/** A fresh demo under one folder: the sample repository, a copy of the tickets, a configuration. */
export interface DemoWorkspace {
  root: string;
  /** A git repository on `main` with the failing test; the fix arrives as branch `fix/1`. */
  repository: string;
  /** Copied, because the run writes its report into the ticket file. */
  tickets: string;
  configPath: string;
  /** The agent's working folder (`AGENTSMITH_WORKDIR`). */
  workdir: string;
}

const SAMPLE_AUTHOR = {
  GIT_AUTHOR_NAME: 'Agent Smith demo',
  GIT_AUTHOR_EMAIL: 'demo@agentsmith.local',
  GIT_COMMITTER_NAME: 'Agent Smith demo',
  GIT_COMMITTER_EMAIL: 'demo@agentsmith.local',
};

/**
 * Creates the demo in `root` (an empty folder): the sample repository committed on `main`, the
 * tickets, and an `agentsmith.yml` whose `demo` project is local and whose model is the one the
 * bundled recording was made with.
 */
export async function prepareDemo(
  bundle: DemoBundle,
  root: string,
  env: NodeJS.ProcessEnv,
): Promise<DemoWorkspace> {
  const workspace: DemoWorkspace = {
    root,
    repository: join(root, 'repository'),
    tickets: join(root, 'tickets'),
    configPath: join(root, 'agentsmith.yml'),
    workdir: join(root, 'work'),
  };
  await cp(bundle.repository, workspace.repository, { recursive: true });
  await cp(bundle.tickets, workspace.tickets, { recursive: true });
  await mkdir(workspace.workdir, { recursive: true });
  for (const args of [
    ['init', '--quiet', '--initial-branch=main'],
    ['add', '--all'],
    ['commit', '--quiet', '--no-gpg-sign', '-m', 'The sample project: add() subtracts'],
  ]) {
    await git(workspace.repository, args, env);
  }
  await writeFile(workspace.configPath, demoProjectConfig(workspace));
  return workspace;
}

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runProcess('git', args, {
    cwd,
    timeoutMs: 60_000,
    env: { ...env, ...SAMPLE_AUTHOR },
  });
  if (result.exitCode !== 0) {
    throw new AppError(
      'source_checkout_failed',
      `Could not create the demo repository (git ${args[0]}): ${result.stderr.trim() || result.stdout.trim()}. Is git installed?`,
    );
  }
}
