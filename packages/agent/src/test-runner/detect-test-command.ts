import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A test command found in a repository, and why. */
export interface DetectedTestCommand {
  command: string;
  /** `npm`, `pnpm`, `yarn`, `pytest`, `go`, `cargo`, `dotnet`, `maven`, `gradle` or `make`. */
  tool: string;
}

const NPM_PLACEHOLDER = 'no test specified';

/**
 * Finds the test command of a repository from its root files, first match wins: package.json with
 * a real `test` script (pnpm/yarn/npm by lock file), pytest, go, cargo, dotnet, maven, gradle,
 * then a Makefile with a `test` target. Null when none applies.
 */
export async function detectTestCommand(directory: string): Promise<DetectedTestCommand | null> {
  const names = new Set(await readdir(directory).catch(() => [] as string[]));
  const read = (name: string) => readFile(join(directory, name), 'utf8').catch(() => '');

  if (names.has('package.json') && hasTestScript(await read('package.json'))) {
    if (names.has('pnpm-lock.yaml')) return { command: 'pnpm test', tool: 'pnpm' };
    if (names.has('yarn.lock')) return { command: 'yarn test', tool: 'yarn' };
    return { command: 'npm test', tool: 'npm' };
  }
  if (await usesPytest(names, read)) return { command: 'python -m pytest', tool: 'pytest' };
  if (names.has('go.mod')) return { command: 'go test ./...', tool: 'go' };
  if (names.has('Cargo.toml')) return { command: 'cargo test', tool: 'cargo' };
  if ([...names].some((name) => /\.(sln|csproj|fsproj)$/.test(name)))
    return { command: 'dotnet test', tool: 'dotnet' };
  if (names.has('pom.xml')) {
    return { command: names.has('mvnw') ? './mvnw -B test' : 'mvn -B test', tool: 'maven' };
  }
  if (names.has('build.gradle') || names.has('build.gradle.kts')) {
    return { command: names.has('gradlew') ? './gradlew test' : 'gradle test', tool: 'gradle' };
  }
  if (names.has('Makefile') && /^test\s*:/m.test(await read('Makefile'))) {
    return { command: 'make test', tool: 'make' };
  }
  return null;
}

function hasTestScript(packageJson: string): boolean {
  try {
    const parsed = JSON.parse(packageJson) as { scripts?: Record<string, unknown> };
    const script = parsed.scripts?.['test'];
    return typeof script === 'string' && script.trim() !== '' && !script.includes(NPM_PLACEHOLDER);
  } catch {
    return false;
  }
}

async function usesPytest(
  names: Set<string>,
  read: (name: string) => Promise<string>,
): Promise<boolean> {
  if (names.has('pytest.ini') || names.has('conftest.py')) return true;
  if (names.has('pyproject.toml') && /\[tool\.pytest|pytest/.test(await read('pyproject.toml')))
    return true;
  if (names.has('setup.cfg') && /\[tool:pytest\]/.test(await read('setup.cfg'))) return true;
  if (names.has('tox.ini') && /\[pytest\]/.test(await read('tox.ini'))) return true;
  const python =
    names.has('pyproject.toml') || names.has('setup.py') || names.has('requirements.txt');
  return python && names.has('tests');
}
