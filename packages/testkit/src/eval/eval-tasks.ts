import { compiledTasks } from './eval-compiled.js';
import { LIBRARY, type FunctionCase, type LibraryFunction } from './eval-functions.js';

export type Ecosystem = 'node' | 'python' | 'go' | 'rust' | 'java';
export const ECOSYSTEMS: readonly Ecosystem[] = ['node', 'python', 'go', 'rust', 'java'];
type ScriptedEcosystem = 'node' | 'python' | 'go';

/** One replacement the oracle makes through `edit_file`. */
export interface EvalEdit {
  path: string;
  oldText: string;
  newText: string;
}

/** A seeded-bug task: a repository, its ticket, and tests the agent never sees. */
export interface EvalTask {
  id: string;
  ecosystem: Ecosystem;
  /** The function with the bug, as the ecosystem names it. */
  functionName: string;
  /** The repository as the agent gets it. */
  files: Record<string, string>;
  ticket: { title: string; body: string };
  /** The repository's own test command (it passes before and after a correct fix). */
  testCommand: string;
  /** Added only at grading: the fail-to-pass and pass-to-pass tests. */
  hiddenTests: Record<string, string>;
  failToPass: string;
  passToPass: string;
  /** The known fix (the oracle's edit) and a deliberately wrong one (the harness's self-check). */
  fix: EvalEdit;
  wrongFix: EvalEdit;
}

type Lang = 'js' | 'py' | 'go';
const LANG: Record<ScriptedEcosystem, Lang> = { node: 'js', python: 'py', go: 'go' };
const SOURCE: Record<ScriptedEcosystem, string> = {
  node: 'src/lib.js',
  python: 'mathlib/core.py',
  go: 'mathlib.go',
};

const literal = (value: number | string | boolean, lang: Lang): string =>
  typeof value === 'boolean'
    ? lang === 'py'
      ? value
        ? 'True'
        : 'False'
      : String(value)
    : JSON.stringify(value);

function renderFunction(fn: LibraryFunction, lang: Lang, buggy: boolean): string {
  const line = (buggy ? fn.buggy : fn.correct)[lang];
  const body = fn.body[lang].replace('{{LINE}}', line);
  const name = fn.names[lang];
  if (lang === 'js') return `export function ${name}(${fn.params.join(', ')}) {\n${body}\n}\n`;
  if (lang === 'py') return `def ${name}(${fn.params.join(', ')}):\n${body}\n`;
  return `func ${name}(${fn.goParamTypes}) ${fn.goResult} {\n${body}\n}\n`;
}

function renderLibrary(lang: Lang, bug: LibraryFunction): string {
  const functions = LIBRARY.map((fn) => renderFunction(fn, lang, fn === bug));
  if (lang === 'js') return functions.join('\n');
  if (lang === 'py') return functions.join('\n\n');
  return `package mathlib\n\nimport "strings"\n\n${functions.join('\n')}`;
}

function call(fn: LibraryFunction, lang: Lang, testCase: FunctionCase): string {
  return `${fn.names[lang]}(${testCase.args.map((arg) => literal(arg, lang)).join(', ')})`;
}

/** A test file checking `functions` (one test per case); `prefix` names the tests (Go, pytest). */
function renderTests(lang: Lang, functions: LibraryFunction[], prefix: string): string {
  if (lang === 'js') {
    const names = functions.map((fn) => fn.names.js).join(', ');
    const tests = functions.flatMap((fn) =>
      fn.cases.map(
        (c, i) =>
          `test('${fn.names.js} ${i + 1}', () => {\n  assert.equal(${call(fn, lang, c)}, ${literal(c.expected, lang)});\n});\n`,
      ),
    );
    return `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { ${names} } from '../src/lib.js';\n\n${tests.join('\n')}`;
  }
  if (lang === 'py') {
    const names = functions.map((fn) => fn.names.py).join(', ');
    const tests = functions.flatMap((fn) =>
      fn.cases.map(
        (c, i) =>
          `def test_${prefix}_${fn.names.py}_${i + 1}():\n    assert ${call(fn, lang, c)} == ${literal(c.expected, lang)}\n`,
      ),
    );
    return `from mathlib.core import ${names}\n\n\n${tests.join('\n\n')}`;
  }
  const tests = functions.flatMap((fn) =>
    fn.cases.map(
      (c, i) =>
        `func Test${prefix}_${fn.names.go}_${i + 1}(t *testing.T) {\n\tif got := ${call(fn, lang, c)}; got != ${literal(c.expected, lang)} {\n\t\tt.Fatalf("${fn.names.go}: got %v, want ${String(c.expected).replaceAll('"', '')}", got)\n\t}\n}\n`,
    ),
  );
  return `package mathlib\n\nimport "testing"\n\n${tests.join('\n')}`;
}

function projectFiles(ecosystem: ScriptedEcosystem): Record<string, string> {
  if (ecosystem === 'node') {
    return {
      'package.json': `${JSON.stringify({ name: 'mathlib', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
      'README.md': '# mathlib\n\nSmall arithmetic helpers. Run the tests with `npm test`.\n',
    };
  }
  if (ecosystem === 'python') {
    return {
      'mathlib/__init__.py': '',
      'pyproject.toml':
        '[project]\nname = "mathlib"\nversion = "0.1.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      '.gitignore': '__pycache__/\n.pytest_cache/\n',
      'README.md':
        '# mathlib\n\nSmall arithmetic helpers. Run the tests with `python3 -m pytest -q`.\n',
    };
  }
  return {
    'go.mod': 'module example.com/mathlib\n\ngo 1.21\n',
    'README.md': '# mathlib\n\nSmall arithmetic helpers. Run the tests with `go test ./...`.\n',
  };
}

const TEST_COMMAND: Record<ScriptedEcosystem, string> = {
  node: 'npm test',
  python: 'python3 -m pytest -q',
  go: 'go test -count=1 ./...',
};

function testPaths(ecosystem: ScriptedEcosystem): { smoke: string; f2p: string; p2p: string } {
  if (ecosystem === 'node') {
    return {
      smoke: 'test/smoke.test.js',
      f2p: 'test/hidden_f2p.test.js',
      p2p: 'test/hidden_p2p.test.js',
    };
  }
  if (ecosystem === 'python') {
    return {
      smoke: 'tests/test_smoke.py',
      f2p: 'tests/test_hidden_f2p.py',
      p2p: 'tests/test_hidden_p2p.py',
    };
  }
  return { smoke: 'smoke_test.go', f2p: 'hidden_f2p_test.go', p2p: 'hidden_p2p_test.go' };
}

function gradeCommand(ecosystem: ScriptedEcosystem, path: string, prefix: string): string {
  if (ecosystem === 'node') return `node --test ${path}`;
  if (ecosystem === 'python') return `python3 -m pytest -q -p no:cacheprovider ${path}`;
  return `go test -count=1 -run '^Test${prefix}_' ./...`;
}

/** Builds one task: the library with `bug` seeded, in `ecosystem`. */
export function buildTask(ecosystem: ScriptedEcosystem, bug: LibraryFunction): EvalTask {
  const lang = LANG[ecosystem];
  const source = SOURCE[ecosystem];
  const paths = testPaths(ecosystem);
  const others = LIBRARY.filter((fn) => fn !== bug);
  const smoke = others.slice(0, 1);
  const name = bug.names[lang];
  const example = bug.cases[0] as FunctionCase;
  const wholeBuggy = renderFunction(bug, lang, true).trimEnd();
  const wholeFixed = renderFunction(bug, lang, false).trimEnd();
  const comment = lang === 'py' ? '# Reviewed.' : '// Reviewed.';
  return {
    id: `${ecosystem}-${name}`,
    ecosystem,
    functionName: name,
    files: {
      ...projectFiles(ecosystem),
      [source]: renderLibrary(lang, bug),
      [paths.smoke]: renderTests(lang, smoke, 'Smoke'),
    },
    ticket: {
      title: `${name} returns wrong results`,
      body: `Calling \`${call(bug, lang, example)}\` should return \`${literal(example.expected, lang)}\`, but it does not. Please fix the \`${name}\` function so that it is correct for every input.`,
    },
    testCommand: TEST_COMMAND[ecosystem],
    hiddenTests: {
      [paths.f2p]: renderTests(lang, [bug], 'HiddenF2P'),
      [paths.p2p]: renderTests(lang, others, 'HiddenP2P'),
    },
    failToPass: gradeCommand(ecosystem, paths.f2p, 'HiddenF2P'),
    passToPass: gradeCommand(ecosystem, paths.p2p, 'HiddenP2P'),
    fix: { path: source, oldText: wholeBuggy, newText: wholeFixed },
    wrongFix: { path: source, oldText: wholeBuggy, newText: `${comment}\n${wholeBuggy}` },
  };
}

/**
 * Every task: each library function seeded as a bug in Node, Python and Go (33 tasks), and four
 * of them in Rust and Java (8 tasks).
 */
export function evalTasks(ecosystems: readonly Ecosystem[] = ECOSYSTEMS): EvalTask[] {
  return ecosystems.flatMap((ecosystem) =>
    ecosystem === 'rust' || ecosystem === 'java'
      ? compiledTasks(ecosystem)
      : LIBRARY.map((bug) => buildTask(ecosystem, bug)),
  );
}
