import { RegExpParser, type AST } from '@eslint-community/regexpp';

/** Shorter literals match nearly every file: not worth asking git for. */
const MIN_LITERAL_LENGTH = 3;
const MAX_LITERALS = 32;

/** Literals one of which a match must contain; undefined: none that can be named. */
type Requirement = readonly string[] | undefined;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * Strings at least one of which every line matched by the JavaScript regular expression
 * `source` (flags `''`, or `'i'` with `ignoreCase`) contains, exactly as its UTF-8 bytes appear
 * in the file; undefined when no such strings of a useful length can be named. search_files asks
 * `git grep -F` for the files containing one of them, then runs the real regular expression on
 * those files only, so the answer stays the JavaScript one.
 *
 * Sound by construction: only a run of plain characters every match must pass through counts
 * (a sequence needs each of its parts; an alternation needs one of its branches; a quantifier
 * with a minimum of at least one needs its element); classes, `.`, assertions, lookarounds,
 * backreferences and modifier groups require nothing. A run stops at characters whose bytes in
 * the file are not certain: NUL, a line break (a match lies within one line), surrogates (half
 * of a character outside the BMP) and U+FFFD (what undecodable bytes read as); with
 * `ignoreCase` also at non-ASCII characters, since git and JavaScript fold those differently
 * (JavaScript without the `u` flag folds ASCII letters only among themselves).
 */
export function requiredLiterals(source: string, ignoreCase: boolean): string[] | undefined {
  let pattern: AST.Pattern;
  try {
    pattern = parser.parsePattern(source, 0, source.length, { unicode: false, unicodeSets: false });
  } catch {
    return undefined;
  }
  const literals = ofAlternatives(pattern.alternatives, ignoreCase);
  if (!literals || literals.length > MAX_LITERALS) return undefined;
  return shortest(literals) >= MIN_LITERAL_LENGTH ? [...new Set(literals)] : undefined;
}

function ofAlternatives(alternatives: AST.Alternative[], ignoreCase: boolean): Requirement {
  const literals: string[] = [];
  for (const alternative of alternatives) {
    const required = ofSequence(alternative.elements, ignoreCase);
    if (!required) return undefined;
    literals.push(...required);
  }
  return literals;
}

function ofSequence(elements: AST.Element[], ignoreCase: boolean): Requirement {
  let best: Requirement;
  let run = '';
  const consider = (candidate: Requirement) => {
    if (candidate && (!best || shortest(candidate) > shortest(best))) best = candidate;
  };
  for (const element of elements) {
    const char = literalCharacter(element, ignoreCase);
    if (char !== undefined) {
      run += char;
      continue;
    }
    if (run !== '') consider([run]);
    run = '';
    consider(ofElement(element, ignoreCase));
  }
  if (run !== '') consider([run]);
  return best;
}

function ofElement(element: AST.Element, ignoreCase: boolean): Requirement {
  switch (element.type) {
    case 'Character': {
      const char = literalCharacter(element, ignoreCase);
      return char === undefined ? undefined : [char];
    }
    case 'CapturingGroup':
      return ofAlternatives(element.alternatives, ignoreCase);
    case 'Group':
      return element.modifiers ? undefined : ofAlternatives(element.alternatives, ignoreCase);
    case 'Quantifier':
      return element.min >= 1 ? ofElement(element.element, ignoreCase) : undefined;
    case 'Assertion':
    case 'Backreference':
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return undefined;
  }
}

function literalCharacter(element: AST.Element, ignoreCase: boolean): string | undefined {
  if (element.type !== 'Character') return undefined;
  const code = element.value;
  const uncertain =
    code === 0 ||
    code === 0x0a ||
    (code >= 0xd800 && code <= 0xdfff) ||
    code === 0xfffd ||
    code > 0xffff ||
    (ignoreCase && code >= 0x80);
  return uncertain ? undefined : String.fromCharCode(code);
}

function shortest(literals: readonly string[]): number {
  return Math.min(...literals.map((literal) => literal.length));
}
