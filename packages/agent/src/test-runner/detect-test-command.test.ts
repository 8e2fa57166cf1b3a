import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectTestCommand } from './detect-test-command.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detect-tests-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(entries: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith('/')) await mkdir(join(dir, name), { recursive: true });
    else await writeFile(join(dir, name), content);
  }
}

const withTest = JSON.stringify({ scripts: { test: 'vitest run' } });

const deps = (extra: object) =>
  JSON.stringify({ scripts: { test: 'vitest run' }, devDependencies: { vitest: '3' }, ...extra });

describe('test-runner/detect-test-command', () => {
  it.each([
    // Node: the package manager by lock file (or packageManager), install only with dependencies.
    [
      { 'package.json': withTest },
      'npm test',
      'npm',
      [],
      'no lock file and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({}), 'package-lock.json': '{}' },
      'npm test',
      'npm',
      ['npm ci'],
      'package-lock.json and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({}), 'pnpm-lock.yaml': '' },
      'pnpm test',
      'pnpm',
      ['pnpm install --frozen-lockfile'],
      'pnpm-lock.yaml and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({}), 'yarn.lock': '' },
      'yarn test',
      'yarn',
      ['yarn install --frozen-lockfile'],
      'yarn.lock and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({ packageManager: 'yarn@4.5.0' }), 'yarn.lock': '' },
      'yarn test',
      'yarn',
      ['yarn install --immutable'],
      'yarn.lock and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({}), 'bun.lock': '' },
      'bun test',
      'bun',
      ['bun install --frozen-lockfile'],
      'bun.lock and a "test" script in package.json',
    ],
    [
      { 'package.json': deps({ packageManager: 'pnpm@10.0.0' }) },
      'pnpm test',
      'pnpm',
      ['pnpm install --no-lockfile'],
      'packageManager pnpm@10.0.0 and a "test" script in package.json',
    ],
    // Python: pytest when configured or required, else unittest; requirements and the project installed.
    [{ 'pytest.ini': '' }, 'python3 -m pytest', 'pytest', [], 'pytest.ini'],
    [
      { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pytest.ini_options]\n' },
      'python3 -m pytest',
      'pytest',
      ['python3 -m pip install -e .'],
      'pytest configured in pyproject.toml',
    ],
    [
      {
        'pyproject.toml':
          '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest"]\n',
      },
      'python3 -m pytest',
      'pytest',
      ["python3 -m pip install -e '.[test]'"],
      'pytest named in pyproject.toml',
    ],
    [
      { 'setup.cfg': '[tool:pytest]\ntestpaths = tests\n', 'setup.py': '' },
      'python3 -m pytest',
      'pytest',
      ['python3 -m pip install -e .'],
      'pytest configured in setup.cfg',
    ],
    [
      { 'tox.ini': '[pytest]\n' },
      'python3 -m pytest',
      'pytest',
      [],
      'pytest configured in tox.ini',
    ],
    [
      { 'requirements.txt': 'pytest==8\n', 'requirements-dev.txt': 'ruff\n' },
      'python3 -m pytest',
      'pytest',
      [
        'python3 -m pip install -r requirements.txt',
        'python3 -m pip install -r requirements-dev.txt',
      ],
      'pytest named in requirements.txt',
    ],
    [
      { 'requirements.txt': 'requests\n', 'tests/': '' },
      'python3 -m unittest discover -s tests',
      'unittest',
      ['python3 -m pip install -r requirements.txt'],
      'requirements.txt without pytest',
    ],
    [
      { 'setup.py': 'from setuptools import setup\nsetup()\n' },
      'python3 -m unittest discover',
      'unittest',
      ['python3 -m pip install -e .'],
      'setup.py without pytest',
    ],
    // Compiled languages: wrappers preferred.
    [
      { 'go.mod': 'module x\n', 'go.sum': '' },
      'go test ./...',
      'go',
      ['go mod download'],
      'go.mod',
    ],
    [{ 'go.mod': 'module x\n' }, 'go test ./...', 'go', [], 'go.mod'],
    [{ 'Cargo.toml': '' }, 'cargo test', 'cargo', ['cargo fetch'], 'Cargo.toml'],
    [{ 'App.sln': '' }, 'dotnet test', 'dotnet', ['dotnet restore'], 'App.sln'],
    [
      { 'pom.xml': '' },
      'mvn -B --no-transfer-progress test',
      'maven',
      ['mvn -B --no-transfer-progress test-compile'],
      'pom.xml',
    ],
    [
      { 'pom.xml': '', mvnw: '' },
      './mvnw -B --no-transfer-progress test',
      'maven',
      ['./mvnw -B --no-transfer-progress test-compile'],
      'pom.xml and the Maven wrapper mvnw',
    ],
    [
      { 'build.gradle.kts': '', gradlew: '' },
      './gradlew --no-daemon test',
      'gradle',
      ['./gradlew --no-daemon testClasses'],
      'build.gradle.kts and the Gradle wrapper gradlew',
    ],
    [
      { 'build.gradle': '' },
      'gradle --no-daemon test',
      'gradle',
      ['gradle --no-daemon testClasses'],
      'build.gradle',
    ],
    [
      { Makefile: 'build:\n\ttrue\ntest: build\n\ttrue\n' },
      'make test',
      'make',
      [],
      'a "test" target in Makefile',
    ],
  ])('detects %j as %s', async (entries, command, tool, install, reason) => {
    await files(entries);

    expect(await detectTestCommand(dir)).toEqual({ command, tool, install, reason });
  });

  it.each([
    [
      {
        'package.json': JSON.stringify({
          scripts: { test: 'echo "Error: no test specified" && exit 1' },
        }),
      },
    ],
    [{ 'package.json': '{ "name": "x" }' }],
    [{ Makefile: 'build:\n\ttrue\n' }],
    [{ 'README.md': '# hi' }],
  ])('finds nothing for %j', async (entries) => {
    await files(entries);

    expect(await detectTestCommand(dir)).toBeNull();
  });

  it('prefers the package.json test script over other markers', async () => {
    await files({ 'package.json': withTest, Makefile: 'test:\n\ttrue\n', 'go.mod': '' });

    expect((await detectTestCommand(dir))?.tool).toEqual('npm');
  });
});
