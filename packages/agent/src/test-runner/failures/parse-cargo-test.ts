import { failingTest, stripAnsi, type FailingTest } from './failing-test.js';

const RESULT_LINE = /^test (\S+) \.\.\. FAILED$/;
const STDOUT_HEADER = /^---- (\S+) stdout ----$/;

/**
 * Failures from `cargo test` output: the `test tests::adds ... FAILED` lines name them, the
 * `---- tests::adds stdout ----` blocks hold the panic (`assertion \`left == right\` failed`).
 */
export function parseCargoTest(output: string): FailingTest[] {
  const lines = stripAnsi(output).split('\n');
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const header = STDOUT_HEADER.exec(line);
    if (header) {
      current = [];
      blocks.set(header[1] ?? '', current);
    } else if (current && (/^failures:$/.test(line) || /^test result:/.test(line))) {
      current = undefined;
    } else {
      current?.push(line);
    }
  }
  const names = [...new Set(lines.flatMap((line) => RESULT_LINE.exec(line.trim())?.[1] ?? []))];
  return names.map((name) => {
    const body = blocks.get(name) ?? [];
    return failingTest(name, panicMessage(body), body.join('\n'));
  });
}

/** The panic message: after `panicked at src/lib.rs:9:9:` (Rust 1.73+) or inline in older ones. */
function panicMessage(body: string[]): string {
  const index = body.findIndex((line) => line.includes(' panicked at '));
  if (index === -1) return body.find((line) => line.trim() !== '') ?? 'failed';
  const line = body[index] ?? '';
  const inline = /panicked at '(.*)', \S+$/.exec(line)?.[1];
  if (inline) return inline;
  return body[index + 1] ?? line;
}
