import type { FakeLlmAnswer, FakeLlmRequest, FakeLlmTurn } from './fake-llm-api.js';

/** The official agent images (deploy/Dockerfile.agent and deploy/Dockerfile.polyglot). */
export type OfficialImage = 'agentsmith:latest' | 'agentsmith:polyglot';

/**
 * A small repository of one ecosystem with a seeded bug: `add` subtracts. Two tests fail because
 * of it, one passes. Each depends on one real package from its registry, so setup installs for real.
 */
export interface EcosystemSample {
  name: 'python' | 'go' | 'rust' | 'maven' | 'pnpm' | 'yarn';
  /** The image that has the toolchain. */
  image: OfficialImage;
  files: Record<string, string>;
  /**
   * Run in the image before the first commit, to write the lock file a real project has
   * (go.sum, Cargo.lock, pnpm-lock.yaml, yarn.lock). Its other output is not committed.
   */
  lock?: string;
  /** The one edit that fixes the bug. */
  fix: { path: string; oldText: string; newText: string };
  /** The test command detection must choose. */
  testCommand: string;
  /** The tests the bug fails, as the runner's failure parser names them. */
  failing: string[];
  /** The test that passes despite the bug (add(0, 0)), as the failure parser names it. */
  passing: string;
  /** What the runner reports for `passing` once add(0, 0) returns 1 (the off-by-one first fix). */
  offByOneReport: string;
}

const README = { 'README.md': '# calc\n' };

export const ECOSYSTEM_SAMPLES: readonly EcosystemSample[] = [
  {
    name: 'python',
    image: 'agentsmith:polyglot',
    files: {
      ...README,
      'requirements.txt': 'pytest==8.3.4\n',
      'calc.py': 'def add(a, b):\n    return a - b\n',
      'tests/test_calc.py': [
        'from calc import add',
        '',
        '',
        'def test_add():',
        '    assert add(2, 3) == 5',
        '',
        '',
        'def test_add_negatives():',
        '    assert add(-1, -1) == -2',
        '',
        '',
        'def test_add_zero():',
        '    assert add(0, 0) == 0',
        '',
      ].join('\n'),
    },
    fix: { path: 'calc.py', oldText: 'return a - b', newText: 'return a + b' },
    testCommand: 'python3 -m pytest',
    failing: ['tests/test_calc.py::test_add', 'tests/test_calc.py::test_add_negatives'],
    passing: 'tests/test_calc.py::test_add_zero',
    offByOneReport: 'E       assert 1 == 0',
  },
  {
    name: 'go',
    image: 'agentsmith:polyglot',
    files: {
      ...README,
      'go.mod': 'module example.com/calc\n\ngo 1.22\n\nrequire github.com/google/go-cmp v0.6.0\n',
      'calc.go':
        'package calc\n\n// Add returns the sum of a and b.\nfunc Add(a, b int) int {\n\treturn a - b\n}\n',
      'calc_test.go': [
        'package calc',
        '',
        'import (',
        '\t"testing"',
        '',
        '\t"github.com/google/go-cmp/cmp"',
        ')',
        '',
        'func TestAdd(t *testing.T) {',
        '\tif diff := cmp.Diff(5, Add(2, 3)); diff != "" {',
        '\t\tt.Errorf("Add(2, 3) mismatch (-want +got):\\n%s", diff)',
        '\t}',
        '}',
        '',
        'func TestAddNegatives(t *testing.T) {',
        '\tif got := Add(-1, -1); got != -2 {',
        '\t\tt.Errorf("Add(-1, -1) = %d, want -2", got)',
        '\t}',
        '}',
        '',
        'func TestAddZero(t *testing.T) {',
        '\tif got := Add(0, 0); got != 0 {',
        '\t\tt.Errorf("Add(0, 0) = %d, want 0", got)',
        '\t}',
        '}',
        '',
      ].join('\n'),
    },
    lock: 'go mod tidy',
    fix: { path: 'calc.go', oldText: 'return a - b', newText: 'return a + b' },
    testCommand: 'go test ./...',
    failing: ['TestAdd', 'TestAddNegatives'],
    passing: 'TestAddZero',
    offByOneReport: 'Add(0, 0) = 1, want 0',
  },
  {
    name: 'rust',
    image: 'agentsmith:polyglot',
    files: {
      ...README,
      'Cargo.toml':
        '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nitoa = "1"\n',
      'src/lib.rs': [
        '/// The sum of a and b.',
        'pub fn add(a: i64, b: i64) -> i64 {',
        '    a - b',
        '}',
        '',
        '/// The number as text.',
        'pub fn describe(n: i64) -> String {',
        '    itoa::Buffer::new().format(n).to_string()',
        '}',
        '',
        '#[cfg(test)]',
        'mod tests {',
        '    use super::*;',
        '',
        '    #[test]',
        '    fn adds() {',
        '        assert_eq!(add(2, 3), 5);',
        '    }',
        '',
        '    #[test]',
        '    fn adds_negatives() {',
        '        assert_eq!(add(-1, -1), -2);',
        '    }',
        '',
        '    #[test]',
        '    fn describes() {',
        '        assert_eq!(describe(add(0, 0)), "0");',
        '    }',
        '}',
        '',
      ].join('\n'),
    },
    lock: 'cargo generate-lockfile',
    fix: { path: 'src/lib.rs', oldText: '    a - b\n', newText: '    a + b\n' },
    testCommand: 'cargo test',
    failing: ['tests::adds', 'tests::adds_negatives'],
    passing: 'tests::describes',
    offByOneReport: '  left: "1"',
  },
  {
    name: 'maven',
    image: 'agentsmith:polyglot',
    files: {
      ...README,
      'pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>calc</artifactId>
  <version>1.0.0</version>
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
`,
      'src/main/java/com/example/Calculator.java':
        'package com.example;\n\npublic final class Calculator {\n  public static int add(int a, int b) {\n    return a - b;\n  }\n}\n',
      'src/test/java/com/example/CalculatorTest.java': [
        'package com.example;',
        '',
        'import static org.junit.jupiter.api.Assertions.assertEquals;',
        '',
        'import org.junit.jupiter.api.Test;',
        '',
        'class CalculatorTest {',
        '  @Test',
        '  void adds() {',
        '    assertEquals(5, Calculator.add(2, 3));',
        '  }',
        '',
        '  @Test',
        '  void addsNegatives() {',
        '    assertEquals(-2, Calculator.add(-1, -1));',
        '  }',
        '',
        '  @Test',
        '  void addsZero() {',
        '    assertEquals(0, Calculator.add(0, 0));',
        '  }',
        '}',
        '',
      ].join('\n'),
    },
    fix: {
      path: 'src/main/java/com/example/Calculator.java',
      oldText: 'return a - b',
      newText: 'return a + b',
    },
    testCommand: 'mvn -B --no-transfer-progress test',
    failing: ['CalculatorTest.adds', 'CalculatorTest.addsNegatives'],
    passing: 'CalculatorTest.addsZero',
    offByOneReport: 'expected: <0> but was: <1>',
  },
  {
    name: 'pnpm',
    image: 'agentsmith:latest',
    files: {
      ...README,
      'package.json': `${JSON.stringify(
        {
          name: 'calc',
          version: '1.0.0',
          private: true,
          type: 'module',
          scripts: { test: 'vitest run' },
          devDependencies: { vitest: '3.2.4' },
        },
        null,
        2,
      )}\n`,
      'src/add.js': 'export function add(a, b) {\n  return a - b;\n}\n',
      'src/add.test.js': [
        "import { describe, expect, it } from 'vitest';",
        "import { add } from './add.js';",
        '',
        "describe('add', () => {",
        "  it('adds', () => {",
        '    expect(add(2, 3)).toBe(5);',
        '  });',
        '',
        "  it('adds negatives', () => {",
        '    expect(add(-1, -1)).toBe(-2);',
        '  });',
        '',
        "  it('adds zero', () => {",
        '    expect(add(0, 0)).toBe(0);',
        '  });',
        '});',
        '',
      ].join('\n'),
    },
    lock: 'pnpm install --lockfile-only',
    fix: { path: 'src/add.js', oldText: 'return a - b', newText: 'return a + b' },
    testCommand: 'pnpm test',
    failing: ['src/add.test.js > add > adds', 'src/add.test.js > add > adds negatives'],
    passing: 'src/add.test.js > add > adds zero',
    offByOneReport: 'expected 1 to be +0',
  },
  {
    name: 'yarn',
    image: 'agentsmith:latest',
    files: {
      ...README,
      'package.json': `${JSON.stringify(
        {
          name: 'calc',
          version: '1.0.0',
          private: true,
          scripts: { test: 'jest' },
          devDependencies: { jest: '29.7.0' },
        },
        null,
        2,
      )}\n`,
      'add.js': 'function add(a, b) {\n  return a - b;\n}\n\nmodule.exports = { add };\n',
      'add.test.js': [
        "const { add } = require('./add');",
        '',
        "describe('add', () => {",
        "  test('adds', () => {",
        '    expect(add(2, 3)).toBe(5);',
        '  });',
        '',
        "  test('adds negatives', () => {",
        '    expect(add(-1, -1)).toBe(-2);',
        '  });',
        '',
        "  test('adds zero', () => {",
        '    expect(add(0, 0)).toBe(0);',
        '  });',
        '});',
        '',
      ].join('\n'),
    },
    lock: 'yarn install --ignore-scripts --non-interactive && rm -rf node_modules',
    fix: { path: 'add.js', oldText: 'return a - b', newText: 'return a + b' },
    testCommand: 'yarn test',
    failing: ['add › adds', 'add › adds negatives'],
    passing: 'add › adds zero',
    offByOneReport: 'Received: 1',
  },
];

/** The first, wrong fix: `a + b + 1` still fails the two tests and breaks add(0, 0), which passed. */
export function ecosystemWrongFix(sample: EcosystemSample): string {
  return sample.fix.newText.replace('a + b', 'a + b + 1');
}

/**
 * The scripted LLM session for a sample in the coding loop: a first fix that is off by one, so
 * the finish gate's test run finds a NEW failure (the add(0, 0) test passed before) and refuses;
 * the model reads that refusal, corrects the fix and finishes again, and the gate accepts.
 * `onRefusal` sees the request that carries the refused finish's tool result.
 */
export function ecosystemSampleTurns(
  sample: EcosystemSample,
  onRefusal: (request: FakeLlmRequest) => void = () => undefined,
): FakeLlmTurn[] {
  const wrong = ecosystemWrongFix(sample);
  const edit = (oldText: string, newText: string): FakeLlmAnswer => ({
    toolCalls: [
      {
        name: 'edit_file',
        input: { path: sample.fix.path, old_text: oldText, new_text: newText },
      },
    ],
  });
  return [
    edit(sample.fix.oldText, wrong),
    { toolCalls: [{ name: 'finish', input: { summary: 'add adds now' } }] },
    (request) => {
      onRefusal(request);
      return edit(wrong, sample.fix.newText);
    },
    { toolCalls: [{ name: 'finish', input: { summary: 'add adds now, without the stray + 1' } }] },
  ];
}
