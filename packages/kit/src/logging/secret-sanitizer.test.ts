import { describe, expect, it } from 'vitest';
import { findSecretPattern, SECRET_PATTERNS } from './secret-patterns.js';
import { SecretSanitizer } from './secret-sanitizer.js';

/** Built at run time so no scanner mistakes this file for one holding credentials. */
const fake = (prefix: string, length: number, alphabet = 'aB3dE5gH7jK9mN1pQ2sT4vW6xY8z0') =>
  prefix + Array.from({ length }, (_, index) => alphabet[index % alphabet.length]).join('');

const TOKENS: Array<[string, string]> = [
  ['a GitHub token', fake('ghp_', 36)],
  ['a GitHub token', fake('gho_', 36)],
  ['a GitHub token', fake('ghs_', 36)],
  ['a GitHub token', fake('github_pat_', 82)],
  ['a Slack token', fake('xoxb-', 40)],
  ['a Slack token', fake('xoxp-', 40)],
  ['a Slack app token', fake('xapp-1-', 40)],
  ['an Anthropic API key', fake('sk-ant-', 90)],
  ['an OpenAI API key', fake('sk-proj-', 60)],
  ['an OpenAI API key', fake('sk-', 48)],
  ['an Agent Smith job token', fake('asjob_', 43)],
  ['an AWS access key id', fake('AKIA', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')],
  [
    'a private key',
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${fake('', 64)}\n-----END OPENSSH PRIVATE KEY-----`,
  ],
];

describe('kit/logging/secret-sanitizer', () => {
  it.each(TOKENS)('recognises and redacts %s without knowing it', (name, token) => {
    const sanitizer = new SecretSanitizer();
    const text = `FAILED test_login - AssertionError: got ${token} back\nnext line`;

    expect(sanitizer.sanitize(text)).toBe(
      'FAILED test_login - AssertionError: got [redacted] back\nnext line',
    );
    expect(sanitizer.findSecret(text)).toBe(name);
    expect(findSecretPattern(`x ${token}`)).toEqual({ name, index: 2 });
  });

  it('leaves ordinary text alone: short prefixes, words and hashes are not tokens', () => {
    const sanitizer = new SecretSanitizer();
    const text =
      'ask-anything sk-short ghp_short xoxb-1 AKIA1234 task-ant-like 3f2a9c1e0b7d4a6f8e2c1b0a9d8e7f6a5b4c3d2e';

    expect(sanitizer.sanitize(text)).toBe(text);
    expect(sanitizer.findSecret(text)).toBeUndefined();
  });

  it('names a known value as such, and redacts every occurrence', () => {
    const sanitizer = new SecretSanitizer(['job-token-7f3a9']);

    expect(sanitizer.findSecret('Bearer job-token-7f3a9')).toBe('a known secret value');
    expect(sanitizer.sanitize('job-token-7f3a9 / job-token-7f3a9')).toBe('[redacted] / [redacted]');
  });

  it('sanitizes every string of plain data and keeps its shape and other values', () => {
    const sanitizer = new SecretSanitizer(['hunter2-secret']);
    const entry = {
      type: 'error',
      tokens: 12,
      reason: 'push failed with hunter2-secret',
      lines: ['ok', `token ${TOKENS[0]![1]}`],
      nested: { at: 5, ok: true, none: null },
    };

    expect(sanitizer.sanitizeStrings(entry)).toEqual({
      type: 'error',
      tokens: 12,
      reason: 'push failed with [redacted]',
      lines: ['ok', 'token [redacted]'],
      nested: { at: 5, ok: true, none: null },
    });
  });

  it('keeps every pattern global, so replace covers all occurrences', () => {
    for (const { pattern } of SECRET_PATTERNS) expect(pattern.flags).toContain('g');
  });
});
