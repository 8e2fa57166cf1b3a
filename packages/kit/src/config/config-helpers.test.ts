import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expandEnv } from './expand-env.js';
import { formatZodIssues } from './format-issues.js';
import { parseDuration } from './parse-duration.js';

describe('kit/config', () => {
  it('expands ${VAR} and ${VAR:-default} deeply and reports every missing variable', () => {
    const missing = new Set<string>();

    const result = expandEnv(
      { a: 'x-${A}', list: ['${B:-fallback}', '${C}', 3], nested: { d: '${D}' } },
      { A: '1' },
      missing,
    );

    expect(result).toEqual({ a: 'x-1', list: ['fallback', '', 3], nested: { d: '' } });
    expect([...missing]).toEqual(['C', 'D']);
  });

  it('formats every zod problem with its path', () => {
    const schema = z.object({
      projects: z.record(
        z.string(),
        z.object({ pipeline: z.string(), agent: z.object({ type: z.enum(['claude', 'openai']) }) }),
      ),
    });
    const parsed = schema.safeParse({ projects: { demo: { agent: { type: 'gpt' } } } });

    const problems = formatZodIssues(parsed.error!);

    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/projects\.demo\.pipeline: /);
    expect(problems.join('\n')).toMatch(/projects\.demo\.agent\.type: /);
  });

  it('quotes the value found at each problem, or says it is missing', () => {
    const schema = z.object({
      agent: z.object({ type: z.enum(['claude', 'openai']), model: z.string().min(1) }),
      command: z.string().min(1),
    });
    const input = { agent: { type: 'clippy', model: '' } };
    const parsed = schema.safeParse(input);

    const problems = formatZodIssues(parsed.error!, input);

    expect(problems).toEqual([
      'agent.type: Invalid option: expected one of "claude"|"openai" (found "clippy")',
      'agent.model: Too small: expected string to have >=1 characters (found "")',
      'command: Invalid input: expected string, received undefined',
    ]);
  });

  it.each([
    ['60m', 3_600_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['45', 45_000],
    ['250ms', 250],
  ])('parses duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects a duration it cannot read, saying how to write one', () => {
    expect(() => parseDuration('an hour')).toThrow(/use a number with s, m or h/);
  });
});
