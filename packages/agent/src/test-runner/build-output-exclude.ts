import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = '# agentsmith: build output of setup and test runs';

/** What installs and test runs leave in a working copy, by tool; always the Python/Node ones. */
function patternsFor(tool: string | undefined): string[] {
  const common = ['node_modules/', '__pycache__/', '*.py[cod]', '.pytest_cache/', '*.egg-info/'];
  if (tool === 'cargo' || tool === 'maven') return [...common, '/target/'];
  if (tool === 'gradle') return [...common, '/build/', '.gradle/'];
  return common;
}

/**
 * Keeps build output out of the fix commit: a repository without a .gitignore would otherwise
 * get `target/` or `node_modules/` committed with the change (`git add --all`). Written to
 * `.git/info/exclude`, which is local to the working copy and never pushed.
 */
export async function excludeBuildOutput(
  repositoryPath: string,
  tool: string | undefined,
): Promise<void> {
  const gitDirectory = join(repositoryPath, '.git');
  if (!(await stat(gitDirectory).catch(() => undefined))?.isDirectory()) return;
  const file = join(gitDirectory, 'info', 'exclude');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.includes(MARKER)) return;
  const block = [MARKER, ...patternsFor(tool)].join('\n');
  await appendFile(file, `${existing === '' || existing.endsWith('\n') ? '' : '\n'}${block}\n`);
}
