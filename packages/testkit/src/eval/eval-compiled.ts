/**
 * The Rust and Java tasks of the seeded-bug benchmark: four functions of the library (an operator,
 * a wrong return, an off-by-one bound, a wrong comparison) as a dependency-free Cargo crate and a
 * Maven project with JUnit 5, each seeded with one bug. Same shape as the Node/Python/Go tasks.
 */
import { LIBRARY, type FunctionCase } from './eval-functions.js';
import type { EvalTask } from './eval-tasks.js';

export type CompiledEcosystem = 'rust' | 'java';

interface CompiledFunction {
  /** The library function (its cases) this one mirrors, by its JavaScript name. */
  base: string;
  name: Record<CompiledEcosystem, string>;
  /** The whole function with `{{LINE}}` where the bug goes. */
  text: Record<CompiledEcosystem, string>;
  correct: Record<CompiledEcosystem, string>;
  buggy: Record<CompiledEcosystem, string>;
}

const FUNCTIONS: CompiledFunction[] = [
  {
    base: 'add',
    name: { rust: 'add', java: 'add' },
    text: {
      rust: 'pub fn add(a: i64, b: i64) -> i64 {\n{{LINE}}\n}',
      java: '    public static long add(long a, long b) {\n{{LINE}}\n    }',
    },
    correct: { rust: '    a + b', java: '        return a + b;' },
    buggy: { rust: '    a - b', java: '        return a - b;' },
  },
  {
    base: 'clamp',
    name: { rust: 'clamp', java: 'clamp' },
    text: {
      rust: 'pub fn clamp(x: i64, lo: i64, hi: i64) -> i64 {\n    if x < lo {\n        return lo;\n    }\n    if x > hi {\n{{LINE}}\n    }\n    x\n}',
      java: '    public static long clamp(long x, long lo, long hi) {\n        if (x < lo) {\n            return lo;\n        }\n        if (x > hi) {\n{{LINE}}\n        }\n        return x;\n    }',
    },
    correct: { rust: '        return hi;', java: '            return hi;' },
    buggy: { rust: '        return lo;', java: '            return lo;' },
  },
  {
    base: 'sumTo',
    name: { rust: 'sum_to', java: 'sumTo' },
    text: {
      rust: 'pub fn sum_to(n: i64) -> i64 {\n    let mut total = 0;\n{{LINE}}\n        total += i;\n    }\n    total\n}',
      java: '    public static long sumTo(long n) {\n        long total = 0;\n{{LINE}}\n            total += i;\n        }\n        return total;\n    }',
    },
    correct: { rust: '    for i in 1..=n {', java: '        for (long i = 1; i <= n; i++) {' },
    buggy: { rust: '    for i in 1..n {', java: '        for (long i = 1; i < n; i++) {' },
  },
  {
    base: 'isEven',
    name: { rust: 'is_even', java: 'isEven' },
    text: {
      rust: 'pub fn is_even(n: i64) -> bool {\n{{LINE}}\n}',
      java: '    public static boolean isEven(long n) {\n{{LINE}}\n    }',
    },
    correct: { rust: '    n % 2 == 0', java: '        return n % 2 == 0;' },
    buggy: { rust: '    n % 2 == 1', java: '        return n % 2 == 1;' },
  },
];

function casesOf(fn: CompiledFunction): FunctionCase[] {
  const base = LIBRARY.find((candidate) => candidate.names.js === fn.base);
  if (!base) throw new Error(`no library function ${fn.base}`);
  return base.cases;
}

function render(fn: CompiledFunction, ecosystem: CompiledEcosystem, buggy: boolean): string {
  return fn.text[ecosystem].replace('{{LINE}}', (buggy ? fn.buggy : fn.correct)[ecosystem]);
}

function call(fn: CompiledFunction, ecosystem: CompiledEcosystem, testCase: FunctionCase): string {
  const args = testCase.args.map((arg) => JSON.stringify(arg)).join(', ');
  return ecosystem === 'rust' ? `${fn.name.rust}(${args})` : `MathLib.${fn.name.java}(${args})`;
}

function expected(testCase: FunctionCase, ecosystem: CompiledEcosystem): string {
  if (typeof testCase.expected === 'boolean') return String(testCase.expected);
  return ecosystem === 'java' ? `${testCase.expected}L` : String(testCase.expected);
}

function renderTests(ecosystem: CompiledEcosystem, functions: CompiledFunction[], prefix: string) {
  const tests = functions.flatMap((fn) =>
    casesOf(fn).map((testCase, index) => {
      const name = `${prefix}_${fn.name[ecosystem]}_${index + 1}`;
      const assertion = `assertEquals(${expected(testCase, ecosystem)}, ${call(fn, ecosystem, testCase)})`;
      return ecosystem === 'rust'
        ? `#[test]\nfn ${name.toLowerCase()}() {\n    assert_eq!(${call(fn, ecosystem, testCase)}, ${expected(testCase, ecosystem)});\n}\n`
        : `    @Test\n    void ${name}() {\n        ${assertion};\n    }\n`;
    }),
  );
  if (ecosystem === 'rust') return `use mathlib::*;\n\n${tests.join('\n')}`;
  return `package mathlib;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\nimport org.junit.jupiter.api.Test;\n\nclass ${prefix}Test {\n${tests.join('\n')}}\n`;
}

function renderLibrary(ecosystem: CompiledEcosystem, bug: CompiledFunction): string {
  const functions = FUNCTIONS.map((fn) => render(fn, ecosystem, fn === bug));
  if (ecosystem === 'rust') return `${functions.join('\n\n')}\n`;
  return `package mathlib;\n\n/** Small arithmetic helpers. */\npublic final class MathLib {\n    private MathLib() {}\n\n${functions.join('\n\n')}\n}\n`;
}

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>mathlib</artifactId>
  <version>0.1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.10.2</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.2.5</version>
      </plugin>
    </plugins>
  </build>
</project>
`;

const CARGO_TOML = '[package]\nname = "mathlib"\nversion = "0.1.0"\nedition = "2021"\n';
const CARGO_LOCK =
  '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = "mathlib"\nversion = "0.1.0"\n';

const MAVEN = 'mvn -B --no-transfer-progress';

const LAYOUT: Record<
  CompiledEcosystem,
  {
    source: string;
    test: (prefix: string) => string;
    project: Record<string, string>;
    testCommand: string;
    grade: (prefix: string) => string;
  }
> = {
  rust: {
    source: 'src/lib.rs',
    test: (prefix) => `tests/${prefix.toLowerCase()}.rs`,
    project: {
      'Cargo.toml': CARGO_TOML,
      'Cargo.lock': CARGO_LOCK,
      '.gitignore': '/target\n',
      'README.md': '# mathlib\n\nSmall arithmetic helpers. Run the tests with `cargo test`.\n',
    },
    testCommand: 'cargo test',
    grade: (prefix) => `cargo test --quiet --test ${prefix.toLowerCase()}`,
  },
  java: {
    source: 'src/main/java/mathlib/MathLib.java',
    test: (prefix) => `src/test/java/mathlib/${prefix}Test.java`,
    project: {
      'pom.xml': POM,
      '.gitignore': 'target/\n',
      'README.md': `# mathlib\n\nSmall arithmetic helpers. Run the tests with \`${MAVEN} test\`.\n`,
    },
    testCommand: `${MAVEN} test`,
    grade: (prefix) => `${MAVEN} -q test -Dtest=${prefix}Test`,
  },
};

/** One task: the library with `bug` seeded, as a Cargo crate or a Maven project. */
function buildCompiledTask(ecosystem: CompiledEcosystem, bug: CompiledFunction): EvalTask {
  const layout = LAYOUT[ecosystem];
  const others = FUNCTIONS.filter((fn) => fn !== bug);
  const name = bug.name[ecosystem];
  const example = casesOf(bug)[0] as FunctionCase;
  const buggy = render(bug, ecosystem, true);
  const comment = ecosystem === 'rust' ? '// Reviewed.' : '    // Reviewed.';
  return {
    id: `${ecosystem}-${name}`,
    ecosystem,
    functionName: name,
    files: {
      ...layout.project,
      [layout.source]: renderLibrary(ecosystem, bug),
      [layout.test('Smoke')]: renderTests(ecosystem, others.slice(0, 1), 'Smoke'),
    },
    ticket: {
      title: `${name} returns wrong results`,
      body: `Calling \`${call(bug, ecosystem, example)}\` should return \`${String(example.expected)}\`, but it does not. Please fix the \`${name}\` function so that it is correct for every input.`,
    },
    testCommand: layout.testCommand,
    hiddenTests: {
      [layout.test('HiddenF2P')]: renderTests(ecosystem, [bug], 'HiddenF2P'),
      [layout.test('HiddenP2P')]: renderTests(ecosystem, others, 'HiddenP2P'),
    },
    failToPass: layout.grade('HiddenF2P'),
    passToPass: layout.grade('HiddenP2P'),
    fix: { path: layout.source, oldText: buggy, newText: render(bug, ecosystem, false) },
    wrongFix: { path: layout.source, oldText: buggy, newText: `${comment}\n${buggy}` },
  };
}

/** The Rust or Java tasks (one per function). */
export function compiledTasks(ecosystem: CompiledEcosystem): EvalTask[] {
  return FUNCTIONS.map((fn) => buildCompiledTask(ecosystem, fn));
}
