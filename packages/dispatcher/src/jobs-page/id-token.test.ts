import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyIdToken, type SigningKey } from './id-token.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys: SigningKey[] = [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1' }];
const NOW = 1_800_000_000_000;

function token(
  claims: Record<string, unknown>,
  options: { alg?: string; key?: typeof pair.privateKey; kid?: string } = {},
): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'k1' })}.${part({
    iss: 'https://slack.com',
    aud: 'client',
    exp: NOW / 1000 + 600,
    nonce: 'n1',
    'https://slack.com/user_id': 'U1',
    'https://slack.com/team_id': 'T1',
    ...claims,
  })}`;
  const signature = createSign('RSA-SHA256')
    .update(signed)
    .sign(options.key ?? pair.privateKey)
    .toString('base64url');
  return `${signed}.${signature}`;
}

const expected = { keys, clientId: 'client', nonce: 'n1', now: NOW };

describe('verifyIdToken', () => {
  it('returns the Slack user and team of a valid token', () => {
    expect(verifyIdToken(token({ name: 'Ada' }), expected)).toMatchObject({
      'https://slack.com/user_id': 'U1',
      'https://slack.com/team_id': 'T1',
      name: 'Ada',
    });
  });

  it.each([
    ['another key', token({}, { key: other.privateKey }), 'signature is wrong'],
    ['an unknown key id', token({}, { kid: 'k2' }), 'key Slack does not list'],
    ['no signature algorithm', token({}, { alg: 'none' }), 'not signed with RS256'],
    ['another issuer', token({ iss: 'https://evil.test' }), 'issued by https://evil.test'],
    ['another app', token({ aud: 'other-client' }), 'issued for another app'],
    ['an expired token', token({ exp: NOW / 1000 - 120 }), 'has expired'],
    ['another sign-in', token({ nonce: 'n2' }), 'belongs to another sign-in'],
    ['no team', token({ 'https://slack.com/team_id': undefined }), 'lacks the Slack user or team'],
    ['not a JWT', 'abc.def', 'not a signed JWT'],
  ])('refuses %s', (_, idToken, message) => {
    expect(() => verifyIdToken(idToken, expected)).toThrow(message);
  });
});
