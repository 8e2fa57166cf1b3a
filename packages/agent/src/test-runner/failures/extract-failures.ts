import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { failingTest, type FailingTest } from './failing-test.js';
import { parseCargoTest } from './parse-cargo-test.js';
import { parseGoTest } from './parse-go-test.js';
import { parseJest, parseVitest } from './parse-javascript-test.js';
import { parseJunitXml } from './parse-junit-xml.js';
import { parsePytest } from './parse-pytest.js';

/** Where Maven Surefire/Failsafe and Gradle write their JUnit XML reports. */
const REPORT_DIRECTORIES = [
  'target/surefire-reports',
  'target/failsafe-reports',
  'build/test-results/test',
];
const MAX_REPORTS = 200;
const MAX_CONSOLE_FAILURES = 20;

/** The console parsers, most specific first; the first that finds failures wins. */
const CONSOLE_PARSERS: ((output: string) => FailingTest[])[] = [
  parsePytest,
  parseGoTest,
  parseCargoTest,
  parseVitest,
  parseJest,
];

/**
 * The failing tests of a run: from the JUnit XML reports written during it (Maven, Gradle), else
 * from the console output (pytest, go test, cargo, vitest, jest, Maven's own summary). Empty when
 * nothing recognisable failed, e.g. a compile error: the caller then shows the output's tail.
 */
export async function extractFailures(
  repositoryPath: string,
  output: string,
  since: number,
): Promise<FailingTest[]> {
  const fromReports = await failuresFromReports(repositoryPath, since);
  if (fromReports.length > 0) return fromReports;
  for (const parse of [...CONSOLE_PARSERS, parseMavenSummary]) {
    const failures = parse(output);
    if (failures.length > 0) return failures.slice(0, MAX_CONSOLE_FAILURES);
  }
  return [];
}

/** Reports changed since `since` (ms), so an earlier round's reports never speak for this one. */
async function failuresFromReports(repositoryPath: string, since: number): Promise<FailingTest[]> {
  const failures: FailingTest[] = [];
  for (const directory of REPORT_DIRECTORIES) {
    const folder = join(repositoryPath, directory);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((entry) => entry.endsWith('.xml')).slice(0, MAX_REPORTS)) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => undefined);
      if (!info || info.mtimeMs + 1000 < since) continue;
      failures.push(...parseJunitXml(await readFile(path, 'utf8')));
    }
  }
  return failures;
}

const MAVEN_FAILURE = /^\[ERROR\]\s+(?:Run \d+: )?(\w[\w$]*\.\w+):\d+ (.*)$/;

/** Maven's console summary (`[ERROR]   CalculatorTest.adds:12 expected: <5> but was: <-1>`). */
export function parseMavenSummary(output: string): FailingTest[] {
  const failures: FailingTest[] = [];
  for (const line of output.split('\n')) {
    const match = MAVEN_FAILURE.exec(line.trimEnd());
    if (match) failures.push(failingTest(match[1] ?? '', match[2] ?? '', line));
  }
  return failures;
}
