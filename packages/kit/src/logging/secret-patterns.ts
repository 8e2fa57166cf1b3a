/** A credential format recognisable without knowing the value: its prefix and shape. */
export interface SecretPattern {
  /** What a person is told was found, e.g. `a GitHub token`. */
  name: string;
  pattern: RegExp;
}

/**
 * High-confidence token formats: each has a fixed, documented prefix and a length ordinary text
 * does not reach, so a match is a credential, not a word (docs/security.md#output-hygiene).
 * Every pattern is global; callers reset `lastIndex` or use `String.replace`/`matchAll`.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: 'a private key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,251}\b/g },
  { name: 'a GitHub token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,244}\b/g },
  { name: 'a Slack token', pattern: /\bxox[abprse]-[A-Za-z0-9-]{10,250}/g },
  { name: 'a Slack app token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,250}/g },
  { name: 'an Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,250}/g },
  { name: 'an OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}/g },
  // The broker's per-job tokens (packages/dispatcher/src/broker/job-token.ts): any job's, known or not.
  { name: 'an Agent Smith job token', pattern: /\basjob_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
];

/** The first high-confidence token in `text`: its kind and where it starts; undefined if none. */
export function findSecretPattern(text: string): { name: string; index: number } | undefined {
  let first: { name: string; index: number } | undefined;
  for (const { name, pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    const match = pattern.exec(text);
    pattern.lastIndex = 0;
    if (match && (first === undefined || match.index < first.index))
      first = { name, index: match.index };
  }
  return first;
}
