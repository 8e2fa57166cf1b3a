import { failingTest, type FailingTest } from './failing-test.js';

const SUMMARY_LINE = /^(FAILED|ERROR) (\S+?)(?: - (.*))?$/;
const SECTION_HEADER = /^_{3,} (.+?) _{3,}$/;

/**
 * Failures from pytest's console output: the "short test summary info" lines (`FAILED
 * tests/test_calc.py::test_add - assert -1 == 5`, on by default) name them; the matching
 * `____ test_add ____` block of the FAILURES section is the section.
 */
export function parsePytest(output: string): FailingTest[] {
  const lines = output.split('\n');
  const sections = sectionsByTitle(lines);
  const failures: FailingTest[] = [];
  for (const line of lines) {
    const match = SUMMARY_LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, kind = 'FAILED', id = '', message] = match;
    if (!id.includes('::') && !id.endsWith('.py')) continue;
    const section = sections.get(pytestTitle(id)) ?? '';
    failures.push(failingTest(id, message ?? (kind === 'ERROR' ? 'error' : 'failed'), section));
  }
  return failures;
}

/** `tests/test_calc.py::TestCalc::test_add[1-2]` is titled `TestCalc.test_add[1-2]` in sections. */
function pytestTitle(id: string): string {
  return id.split('::').slice(1).join('.');
}

function sectionsByTitle(lines: string[]): Map<string, string> {
  const sections = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (title !== undefined) sections.set(title, body.join('\n'));
  };
  for (const line of lines) {
    const header = SECTION_HEADER.exec(line);
    if (header || /^={3,} .* ={3,}$/.test(line)) {
      flush();
      title = header?.[1];
      body = [];
    } else if (title !== undefined) {
      body.push(line);
    }
  }
  flush();
  return sections;
}
