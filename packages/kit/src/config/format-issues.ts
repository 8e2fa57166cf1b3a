import type { z } from 'zod';

/**
 * One line per problem, each starting with its path and, when `input` (what was parsed) is given,
 * quoting the value found there:
 * `projects.demo.agent.type: Invalid option: expected one of "claude"|… (found "clippy")`.
 */
export function formatZodIssues(error: z.ZodError, input?: unknown): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const found = input === undefined ? '' : describeValueAt(input, issue.path, issue.message);
    return `${path || '(root)'}: ${issue.message}${found}`;
  });
}

function describeValueAt(input: unknown, path: readonly PropertyKey[], message: string): string {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return message.includes('received undefined') ? '' : ' (missing)';
  if (value !== null && typeof value === 'object') return '';
  const quoted = JSON.stringify(value);
  return message.includes(quoted) ? '' : ` (found ${quoted})`;
}
