import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';

/** The issuer of Slack's ID tokens (its OpenID configuration says so). */
export const SLACK_ISSUER = 'https://slack.com';
const CLOCK_SKEW_MS = 60_000;

const Header = z.object({ alg: z.string(), kid: z.string().optional() });

/** The claims the jobs page reads from a Sign in with Slack ID token. */
const Claims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  nonce: z.string().optional(),
  'https://slack.com/user_id': z.string(),
  'https://slack.com/team_id': z.string(),
  name: z.string().optional(),
});
export type IdTokenClaims = z.infer<typeof Claims>;

/** One key of a JSON Web Key Set (`/openid/connect/keys`). */
export type SigningKey = JsonWebKey & { kid?: string };

function part(text: string | undefined): Buffer {
  return Buffer.from(text ?? '', 'base64url');
}

/**
 * Checks an ID token as OpenID Connect Core §3.1.3.7 asks: an RS256 signature by one of the
 * issuer's keys, the issuer, the audience (our client id), the expiry and the nonce of this
 * sign-in. Throws an Error saying which check failed.
 */
export function verifyIdToken(
  token: string,
  expected: { keys: readonly SigningKey[]; clientId: string; nonce: string; now: number },
): IdTokenClaims {
  const [headerText, payloadText, signatureText, extra] = token.split('.');
  if (!headerText || !payloadText || !signatureText || extra !== undefined)
    throw new Error('the ID token is not a signed JWT');
  const header = Header.safeParse(JSON.parse(part(headerText).toString('utf8')));
  if (!header.success || header.data.alg !== 'RS256')
    throw new Error('the ID token is not signed with RS256');
  const kid = header.data.kid;
  const key = expected.keys.find((candidate) => kid === undefined || candidate.kid === kid);
  if (!key) throw new Error('the ID token is signed with a key Slack does not list');
  const signed = Buffer.from(`${headerText}.${payloadText}`);
  const publicKey = createPublicKey({ key, format: 'jwk' });
  if (!verify('RSA-SHA256', signed, publicKey, part(signatureText)))
    throw new Error('the ID token’s signature is wrong');
  const claims = Claims.safeParse(JSON.parse(part(payloadText).toString('utf8')));
  if (!claims.success) throw new Error('the ID token lacks the Slack user or team');
  const { iss, aud, exp, nonce } = claims.data;
  if (iss !== SLACK_ISSUER) throw new Error(`the ID token was issued by ${iss}, not Slack`);
  if (!(Array.isArray(aud) ? aud : [aud]).includes(expected.clientId))
    throw new Error('the ID token was issued for another app');
  if (exp * 1000 + CLOCK_SKEW_MS < expected.now) throw new Error('the ID token has expired');
  if (nonce !== expected.nonce) throw new Error('the ID token belongs to another sign-in');
  return claims.data;
}
