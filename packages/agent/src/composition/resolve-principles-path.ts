import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The agent's installation root (the repository, or /app in the image): dist/composition/../../../.. */
const INSTALL_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Where a project's `coding_principles_path` points. A relative path is read from the working
 * directory; when nothing is there (the container's working directory is its empty workspace),
 * from the agent's installation, which ships the default `config/coding-principles.md`.
 */
export function resolvePrinciplesPath(
  configured: string,
  cwd = process.cwd(),
  installRoot = INSTALL_ROOT,
): string {
  if (isAbsolute(configured)) return configured;
  const fromCwd = resolve(cwd, configured);
  if (existsSync(fromCwd)) return fromCwd;
  const fromInstall = resolve(installRoot, configured);
  return existsSync(fromInstall) ? fromInstall : fromCwd;
}
