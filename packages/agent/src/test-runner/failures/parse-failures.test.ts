import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureReport, failureSummary, shortTestName } from './describe-failures.js';
import { extractFailures, parseMavenSummary } from './extract-failures.js';
import { parseCargoTest } from './parse-cargo-test.js';
import { parseGoTest } from './parse-go-test.js';
import { parseJest, parseVitest } from './parse-javascript-test.js';
import { parseJunitXml } from './parse-junit-xml.js';
import { parsePytest } from './parse-pytest.js';

/**
 * The fixtures are real outputs: scripts/capture-test-failure-fixtures.mjs runs each ecosystem
 * sample of packages/testkit (ecosystem-samples.ts: `add` subtracts, two of three tests fail) in
 * the real agent image and saves what the test runner printed (and Maven's Surefire report).
 */
const fixtures = new URL('./__fixtures__/', import.meta.url);
const fixture = (name: string) => readFile(new URL(name, fixtures), 'utf8');

describe('test-runner/failures on real runner output', () => {
  it('pytest: the summary names them, the FAILURES blocks are their sections', async () => {
    const failures = parsePytest(await fixture('python.txt'));

    expect(failures.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: 'tests/test_calc.py::test_add', message: 'assert -1 == 5' },
      { name: 'tests/test_calc.py::test_add_negatives', message: 'assert 0 == -2' },
    ]);
    expect(failures[0]?.section).toContain('>       assert add(2, 3) == 5');
    expect(failures[0]?.section).toContain('tests/test_calc.py:5: AssertionError');
    expect(failures[0]?.section).not.toContain('test_add_negatives');
  });

  it('go test: each --- FAIL with its log lines', async () => {
    const failures = parseGoTest(await fixture('go.txt'));

    expect(failures.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: 'TestAdd', message: 'Add(2, 3) mismatch (-want +got):' },
      { name: 'TestAddNegatives', message: 'Add(-1, -1) = 0, want -2' },
    ]);
    expect(failures[0]?.section).toContain('- \t5,');
  });

  it('cargo test: the FAILED lines with their panics', async () => {
    const failures = parseCargoTest(await fixture('rust.txt'));

    expect(failures.map(({ name, message }) => ({ name, message })).sort(byName)).toEqual([
      { name: 'tests::adds', message: 'assertion `left == right` failed' },
      { name: 'tests::adds_negatives', message: 'assertion `left == right` failed' },
    ]);
    expect(failures.find((failure) => failure.name === 'tests::adds')?.section).toContain(
      'left: -1\n right: 5',
    );
  });

  it('Maven: the Surefire XML report and the console summary agree', async () => {
    const reports = (await readdir(fixtures)).filter((name) => name.startsWith('maven-'));
    const fromXml = parseJunitXml(await fixture(reports[0] ?? 'missing'));
    const fromConsole = parseMavenSummary(await fixture('maven.txt'));

    expect(reports).toHaveLength(1);
    expect(fromXml.map(({ name, message }) => ({ name, message })).sort(byName)).toEqual([
      { name: 'CalculatorTest.adds', message: 'expected: <5> but was: <-1>' },
      { name: 'CalculatorTest.addsNegatives', message: 'expected: <-2> but was: <0>' },
    ]);
    expect(fromXml[0]?.section).toContain('org.opentest4j.AssertionFailedError');
    expect(fromConsole.map((failure) => failure.name).sort()).toEqual([
      'CalculatorTest.adds',
      'CalculatorTest.addsNegatives',
    ]);
  });

  it('vitest: the FAIL headers with their assertion errors', async () => {
    const failures = parseVitest(await fixture('pnpm.txt'));

    expect(failures.map(({ name, message }) => ({ name, message }))).toEqual([
      {
        name: 'src/add.test.js > add > adds',
        message: 'AssertionError: expected -1 to be 5 // Object.is equality',
      },
      {
        name: 'src/add.test.js > add > adds negatives',
        message: 'AssertionError: expected +0 to be -2 // Object.is equality',
      },
    ]);
    expect(failures[0]?.section).toContain('src/add.test.js:6');
  });

  it('jest: the ● blocks', async () => {
    const failures = parseJest(await fixture('yarn.txt'));

    expect(failures.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: 'add › adds', message: 'expect(received).toBe(expected) // Object.is equality' },
      {
        name: 'add › adds negatives',
        message: 'expect(received).toBe(expected) // Object.is equality',
      },
    ]);
    expect(failures[0]?.section).toMatch(/Expected: 5\s+Received: -1/);
  });

  it('finds nothing in output that is not a test failure', () => {
    const compileError =
      'calc.go:5:2: syntax error: unexpected }\nFAIL\texample.com/calc [build failed]\n';

    expect(parsePytest(compileError)).toEqual([]);
    expect(parseGoTest(compileError)).toEqual([]);
    expect(parseCargoTest(compileError)).toEqual([]);
    expect(parseVitest(compileError)).toEqual([]);
    expect(parseJest(compileError)).toEqual([]);
    expect(parseJunitXml('<testsuite><testcase name="ok"/></testsuite>')).toEqual([]);
  });
});

describe('test-runner/failures/extract-failures', () => {
  it('prefers the reports written during the run, and ignores older ones', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'extract-failures-'));
    try {
      const reports = join(directory, 'target/surefire-reports');
      await mkdir(reports, { recursive: true });
      const report = (await readdir(fixtures)).find((name) => name.startsWith('maven-')) ?? '';
      await writeFile(join(reports, 'TEST-calc.xml'), await fixture(report));
      const console = await fixture('maven.txt');

      const current = await extractFailures(directory, console, Date.now() - 5000);
      const stale = await extractFailures(directory, console, Date.now() + 60_000);

      expect(current[0]?.section).toContain('org.opentest4j.AssertionFailedError');
      expect(stale.map((failure) => failure.name)).toEqual([
        'CalculatorTest.adds',
        'CalculatorTest.addsNegatives',
      ]);
      expect(stale[0]?.section).toMatch(/^\[ERROR\]\s+CalculatorTest.adds:10/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('recognises each runner from its console output alone', async () => {
    for (const [file, first] of [
      ['python.txt', 'tests/test_calc.py::test_add'],
      ['go.txt', 'TestAdd'],
      ['pnpm.txt', 'src/add.test.js > add > adds'],
      ['yarn.txt', 'add › adds'],
    ]) {
      const failures = await extractFailures('/nonexistent', await fixture(file ?? ''), 0);
      expect(failures[0]?.name, file).toEqual(first);
    }
  });
});

describe('test-runner/failures/describe-failures', () => {
  const failure = (name: string) => ({ name, message: `${name} broke`, section: 'trace' });

  it('names the failing tests for the thread by their short names', () => {
    expect(
      failureSummary([
        failure('tests/test_calc.py::test_add'),
        failure('src/add.test.js > add > adds negatives'),
        failure('add › adds zero'),
        failure('TestMore'),
      ]),
    ).toEqual('4 failing: test_add, adds negatives, adds zero, …');
    expect(shortTestName('calc::tests::adds')).toEqual('calc::tests::adds');
  });

  it('gives the model each failure with its section, within a budget', () => {
    const many = Array.from({ length: 50 }, (_, index) => ({
      ...failure(`test_${index}`),
      section: 'x'.repeat(500),
    }));

    const report = failureReport(many, 2000);

    expect(report).toContain('### test_0\ntest_0 broke\n```\nxxx');
    expect(report).toMatch(/\(4\d more failing tests not shown\)$/);
    expect(report.length).toBeLessThan(2200);
  });
});

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}
