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

describe('test-runner/detect-test-command', () => {
  it.each([
    [{ 'package.json': withTest }, 'npm test', 'npm'],
    [{ 'package.json': withTest, 'pnpm-lock.yaml': '' }, 'pnpm test', 'pnpm'],
    [{ 'package.json': withTest, 'yarn.lock': '' }, 'yarn test', 'yarn'],
    [{ 'pytest.ini': '' }, 'python -m pytest', 'pytest'],
    [{ 'pyproject.toml': '[tool.pytest.ini_options]\n' }, 'python -m pytest', 'pytest'],
    [{ 'requirements.txt': '', 'tests/': '' }, 'python -m pytest', 'pytest'],
    [{ 'go.mod': 'module x\n' }, 'go test ./...', 'go'],
    [{ 'Cargo.toml': '' }, 'cargo test', 'cargo'],
    [{ 'App.sln': '' }, 'dotnet test', 'dotnet'],
    [{ 'pom.xml': '' }, 'mvn -B test', 'maven'],
    [{ 'pom.xml': '', mvnw: '' }, './mvnw -B test', 'maven'],
    [{ 'build.gradle.kts': '', gradlew: '' }, './gradlew test', 'gradle'],
    [{ Makefile: 'build:\n\ttrue\ntest: build\n\ttrue\n' }, 'make test', 'make'],
  ])('detects %j as %s', async (entries, command, tool) => {
    await files(entries);

    expect(await detectTestCommand(dir)).toEqual({ command, tool });
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
