import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from './required-literals.js';

describe('llm/tools/required-literals', () => {
  it.each([
    ['class Thing42\\b', false, ['class Thing42']],
    ['import|export', false, ['import', 'export']],
    ['\\$\\{user\\.name\\}\\(', false, ['${user.name}(']],
    ['x*handler(\\d+)?', false, ['handler']],
    ['(?:parse|format)Ticket', false, ['Ticket']],
    ['(abcd)+x', false, ['abcd']],
    ['foo(?=barbaz)', false, ['foo']],
    ['café latte', false, ['café latte']],
    ['café latte', true, [' latte']],
    ['😀abc', false, ['abc']],
    ['TODO\\n?fix', false, ['TODO']],
    ['\\x41BC', false, ['ABC']],
  ])('/%s/ (ignore case: %s) needs one of %j', (pattern, ignoreCase, literals) => {
    expect(requiredLiterals(pattern, ignoreCase)).toEqual(literals);
  });

  it.each([
    ['\\w+'],
    ['ab'],
    ['a|\\w+'],
    ['(abc)?'],
    ['abc{0}'],
    ['n[e]e[d]l[e]'],
    ['(?<x>a)\\k<x>'],
  ])('names nothing for /%s/', (pattern) => {
    expect(requiredLiterals(pattern, false)).toBeUndefined();
  });

  it('names nothing when the pattern does not parse', () => {
    expect(requiredLiterals('(unclosed', false)).toBeUndefined();
  });

  // The property search_files relies on: whenever the regular expression matches a line, the
  // line holds one of the literals (ASCII case folded with ignore case, as git folds it at least).
  it('never names literals a matching line lacks', () => {
    const char = fc.constantFrom('a', 'b', 'c', 'A', 'B', 'é', 'É', '-', ' ');
    const atom = fc.oneof(
      { weight: 6, arbitrary: char },
      { weight: 1, arbitrary: fc.constantFrom('.', '[ab]', '\\b', '(?=a)', '(?!b)', '\\s', '\\n') },
    );
    const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{0,1}', '+?');
    // Bounded only: a starred group of starred parts backtracks for ever on a non-matching line.
    const groupQuantifier = fc.constantFrom('', '?', '{2}', '{0,1}', '{1,2}');
    const sequence = fc
      .array(fc.tuple(atom, quantifier), { maxLength: 8 })
      .map((parts) => parts.map(([a, q]) => a + q).join(''));
    const grouped = fc
      .tuple(
        sequence,
        fc.array(sequence, { minLength: 1, maxLength: 3 }),
        groupQuantifier,
        sequence,
      )
      .map(([before, branches, q, after]) => `${before}(${branches.join('|')})${q}${after}`);
    const pattern = fc.oneof(
      sequence,
      grouped,
      fc.array(sequence, { minLength: 2, maxLength: 3 }).map((branches) => branches.join('|')),
    );
    const line = fc.array(char, { maxLength: 24 }).map((chars) => chars.join(''));
    // Lines the pattern matches, where fast-check can generate them (not every syntax).
    // A line /p/ matches, with any letters' case flipped, is one /p/i matches.
    const flipCase = (text: fc.Arbitrary<string>) =>
      fc
        .tuple(text, fc.array(fc.boolean(), { maxLength: 24 }))
        .map(([chars, flips]) =>
          [...chars]
            .map((c, index) =>
              flips[index] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c,
            )
            .join(''),
        );
    const matching = (source: string, ic: boolean) => {
      try {
        const matched = fc.stringMatching(new RegExp(source));
        return fc.oneof(line, ic ? flipCase(matched) : matched);
      } catch {
        return line;
      }
    };
    const withLines = fc
      .tuple(pattern, fc.boolean())
      .chain(([source, ic]) =>
        fc.tuple(
          fc.constant(source),
          fc.constant(ic),
          fc.array(matching(source, ic), { maxLength: 12 }),
        ),
      );
    fc.assert(
      fc.property(withLines, ([source, ic, lines]) => {
        const literals = requiredLiterals(source, ic);
        if (!literals) return;
        const regex = new RegExp(source, ic ? 'i' : '');
        const fold = (text: string) => (ic ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text);
        for (const candidate of lines.flatMap((text) => text.split('\n'))) {
          if (regex.test(candidate)) {
            expect(literals.some((literal) => fold(candidate).includes(fold(literal)))).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
