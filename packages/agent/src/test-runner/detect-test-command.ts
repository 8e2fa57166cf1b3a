import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How a repository is installed and tested, found from its files, and why. */
export interface DetectedTestCommand {
  command: string;
  /** `npm`, `pnpm`, `yarn`, `bun`, `pytest`, `unittest`, `go`, `cargo`, `dotnet`, `maven`, `gradle` or `make`. */
  tool: string;
  /** Commands that install the dependencies, run before the coding loop; empty when none needed. */
  install: string[];
  /** The files that decided it, for the progress line: `pnpm-lock.yaml and a "test" script`. */
  reason: string;
}

const NPM_PLACEHOLDER = 'no test specified';
const PYTHON_REQUIREMENTS = [
  'requirements.txt',
  'requirements-dev.txt',
  'requirements-test.txt',
  'requirements_dev.txt',
  'requirements_test.txt',
  'dev-requirements.txt',
  'test-requirements.txt',
];

type Read = (name: string) => Promise<string>;

/**
 * Finds the install and test commands of a repository from its root files, first match wins:
 * package.json with a real `test` script (pnpm, yarn, bun or npm by lock file), Python (pytest
 * when configured or required, else unittest), go, cargo, dotnet, Maven and Gradle (wrappers
 * preferred), then a Makefile with a `test` target. Null when none applies.
 */
export async function detectTestCommand(directory: string): Promise<DetectedTestCommand | null> {
  const names = new Set(await readdir(directory).catch(() => [] as string[]));
  const read: Read = (name) => readFile(join(directory, name), 'utf8').catch(() => '');

  const node = names.has('package.json') ? detectNode(names, await read('package.json')) : null;
  if (node) return node;
  const python = await detectPython(names, read);
  if (python) return python;
  if (names.has('go.mod')) {
    return {
      command: 'go test ./...',
      tool: 'go',
      install: names.has('go.sum') ? ['go mod download'] : [],
      reason: 'go.mod',
    };
  }
  if (names.has('Cargo.toml')) {
    return { command: 'cargo test', tool: 'cargo', install: ['cargo fetch'], reason: 'Cargo.toml' };
  }
  const dotnet = [...names].find((name) => /\.(sln|csproj|fsproj)$/.test(name));
  if (dotnet)
    return { command: 'dotnet test', tool: 'dotnet', install: ['dotnet restore'], reason: dotnet };
  if (names.has('pom.xml')) {
    const maven = names.has('mvnw') ? './mvnw' : 'mvn';
    return {
      command: `${maven} -B --no-transfer-progress test`,
      tool: 'maven',
      install: [`${maven} -B --no-transfer-progress test-compile`],
      reason: names.has('mvnw') ? 'pom.xml and the Maven wrapper mvnw' : 'pom.xml',
    };
  }
  const gradleFile = ['build.gradle.kts', 'build.gradle'].find((name) => names.has(name));
  if (gradleFile) {
    const gradle = names.has('gradlew') ? './gradlew' : 'gradle';
    return {
      command: `${gradle} --no-daemon test`,
      tool: 'gradle',
      install: [`${gradle} --no-daemon testClasses`],
      reason: names.has('gradlew') ? `${gradleFile} and the Gradle wrapper gradlew` : gradleFile,
    };
  }
  if (names.has('Makefile') && /^test\s*:/m.test(await read('Makefile'))) {
    return {
      command: 'make test',
      tool: 'make',
      install: [],
      reason: 'a "test" target in Makefile',
    };
  }
  return null;
}

function detectNode(names: Set<string>, packageJsonText: string): DetectedTestCommand | null {
  let packageJson: {
    scripts?: Record<string, unknown>;
    dependencies?: object;
    devDependencies?: object;
    packageManager?: unknown;
  };
  try {
    packageJson = JSON.parse(packageJsonText) as typeof packageJson;
  } catch {
    return null;
  }
  const script = packageJson.scripts?.['test'];
  if (typeof script !== 'string' || script.trim() === '' || script.includes(NPM_PLACEHOLDER)) {
    return null;
  }
  const hasDependencies =
    Object.keys(packageJson.dependencies ?? {}).length +
      Object.keys(packageJson.devDependencies ?? {}).length >
    0;
  const declared = typeof packageJson.packageManager === 'string' ? packageJson.packageManager : '';
  const manager = nodePackageManager(names, declared);
  return {
    command: `${manager.name} test`,
    tool: manager.name,
    install: hasDependencies ? [manager.install] : [],
    reason: `${manager.because} and a "test" script in package.json`,
  };
}

function nodePackageManager(
  names: Set<string>,
  declared: string,
): { name: string; install: string; because: string } {
  if (names.has('pnpm-lock.yaml') || declared.startsWith('pnpm@')) {
    const because = names.has('pnpm-lock.yaml') ? 'pnpm-lock.yaml' : `packageManager ${declared}`;
    // Without a lock file none is written either: it would land in the fix's commit.
    const lock = names.has('pnpm-lock.yaml') ? ' --frozen-lockfile' : ' --no-lockfile';
    return { name: 'pnpm', install: `pnpm install${lock}`, because };
  }
  if (names.has('yarn.lock') || declared.startsWith('yarn@')) {
    const because = names.has('yarn.lock') ? 'yarn.lock' : `packageManager ${declared}`;
    // Yarn 2+ (a .yarnrc.yml or a declared version) spells "do not touch the lock file" differently.
    const berry = names.has('.yarnrc.yml') || /^yarn@[2-9]/.test(declared);
    const frozen = names.has('yarn.lock')
      ? berry
        ? ' --immutable'
        : ' --frozen-lockfile'
      : berry
        ? ''
        : ' --no-lockfile';
    return { name: 'yarn', install: `yarn install${frozen}`, because };
  }
  if (names.has('bun.lock') || names.has('bun.lockb') || declared.startsWith('bun@')) {
    const lock = names.has('bun.lock') ? 'bun.lock' : names.has('bun.lockb') ? 'bun.lockb' : '';
    return {
      name: 'bun',
      install: lock ? 'bun install --frozen-lockfile' : 'bun install --no-save',
      because: lock || `packageManager ${declared}`,
    };
  }
  if (names.has('package-lock.json')) {
    return { name: 'npm', install: 'npm ci', because: 'package-lock.json' };
  }
  return { name: 'npm', install: 'npm install --no-package-lock', because: 'no lock file' };
}

async function detectPython(names: Set<string>, read: Read): Promise<DetectedTestCommand | null> {
  const requirements = PYTHON_REQUIREMENTS.filter((name) => names.has(name));
  const installable = ['pyproject.toml', 'setup.py', 'setup.cfg'].filter((name) => names.has(name));
  const configuresPytest = await pytestMarker(names, read, requirements);
  const isPython =
    configuresPytest !== null ||
    requirements.length > 0 ||
    installable.length > 0 ||
    names.has('tox.ini');
  if (!isPython) return null;

  const install = requirements.map((name) => `python3 -m pip install -r ${name}`);
  if (installable.length > 0 && (await isInstallableProject(names, read))) {
    install.push(`python3 -m pip install -e ${await editableTarget(read)}`);
  }
  if (configuresPytest !== null) {
    return { command: 'python3 -m pytest', tool: 'pytest', install, reason: configuresPytest };
  }
  const start = names.has('tests') ? ' -s tests' : names.has('test') ? ' -s test' : '';
  const found = [...requirements, ...installable, ...(names.has('tox.ini') ? ['tox.ini'] : [])];
  return {
    command: `python3 -m unittest discover${start}`,
    tool: 'unittest',
    install,
    reason: `${found.join(', ')} without pytest`,
  };
}

/** Where the repository says it uses pytest, or null. */
async function pytestMarker(
  names: Set<string>,
  read: Read,
  requirements: string[],
): Promise<string | null> {
  if (names.has('pytest.ini')) return 'pytest.ini';
  if (names.has('conftest.py')) return 'conftest.py';
  const configured: [string, RegExp][] = [
    ['pyproject.toml', /\[tool\.pytest/],
    ['setup.cfg', /\[tool:pytest\]/],
    ['tox.ini', /\[pytest\]/],
  ];
  for (const [name, pattern] of configured) {
    if (names.has(name) && pattern.test(await read(name))) return `pytest configured in ${name}`;
  }
  for (const name of [...requirements, 'pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini']) {
    if (names.has(name) && /\bpytest\b/.test(await read(name))) return `pytest named in ${name}`;
  }
  return null;
}

async function isInstallableProject(names: Set<string>, read: Read): Promise<boolean> {
  if (names.has('setup.py')) return true;
  const pyproject = await read('pyproject.toml');
  return /^\[project\]|^\[build-system\]|^\[tool\.poetry\]/m.test(pyproject);
}

/** `.` or `.[test]` when the project declares a test (or tests, dev) extra. */
async function editableTarget(read: Read): Promise<string> {
  const declarations = `${await read('pyproject.toml')}\n${await read('setup.cfg')}`;
  const extras =
    /\[(?:project\.optional-dependencies|options\.extras_require)\]([\s\S]*?)(?:\n\[|$)/.exec(
      declarations,
    )?.[1];
  const extra = ['test', 'tests', 'testing', 'dev'].find((name) =>
    new RegExp(`^${name}\\s*=`, 'm').test(extras ?? ''),
  );
  return extra ? `'.[${extra}]'` : '.';
}
