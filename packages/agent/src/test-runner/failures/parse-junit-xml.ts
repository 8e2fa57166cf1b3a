import { failingTest, type FailingTest } from './failing-test.js';

const TESTCASE = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
const PROBLEM = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/;
const ATTRIBUTE = /([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Failures from one JUnit XML report (Maven Surefire's `TEST-*.xml`, Gradle's
 * `build/test-results`, pytest `--junitxml`): every `<testcase>` holding a `<failure>` or an
 * `<error>`, named `Class.method`, with the element's message and its text (the stack trace).
 */
export function parseJunitXml(xml: string): FailingTest[] {
  const failures: FailingTest[] = [];
  for (const testcase of xml.matchAll(TESTCASE)) {
    const problem = PROBLEM.exec(testcase[2] ?? '');
    if (!problem) continue;
    const attributes = attributesOf(testcase[1] ?? '');
    const details = attributesOf(problem[2] ?? '');
    const className = attributes.get('classname') ?? '';
    const method = attributes.get('name') ?? '(unnamed)';
    const name = className ? `${shortClassName(className)}.${method}` : method;
    const text = decodeXml(stripCdata(problem[3] ?? ''));
    const message = details.get('message') ?? details.get('type') ?? text;
    failures.push(failingTest(name, message, text));
  }
  return failures;
}

/** `com.example.CalculatorTest` → `CalculatorTest`: the report's file already names the package. */
function shortClassName(className: string): string {
  return className.split('.').pop() ?? className;
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) {
    attributes.set(match[1] ?? '', decodeXml(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

function decodeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
