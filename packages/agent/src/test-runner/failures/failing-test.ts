import type { FailingTest } from '../../pipeline/run-ports.js';

export type { FailingTest };

/** Cap on one failure's `section`, so many failures still fit a repair prompt. */
export const SECTION_CHARACTERS = 2000;

/** One failing test with its message trimmed to one line and its section capped. */
export function failingTest(name: string, message: string, section: string): FailingTest {
  const firstLine =
    message
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? '';
  const trimmed = section.replace(/^\n+|\s+$/g, '');
  return {
    name,
    message: firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine,
    section:
      trimmed.length > SECTION_CHARACTERS
        ? `${trimmed.slice(0, SECTION_CHARACTERS)}\n[... cut]`
        : trimmed,
  };
}

/** Output without ANSI colour codes (vitest, jest and cargo colour when they think it helps). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
