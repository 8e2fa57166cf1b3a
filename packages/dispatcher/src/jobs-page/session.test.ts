import { describe, expect, it } from 'vitest';
import { cookiesOf, CookieSealer, sameSecret, Session, SignInState } from './session.js';

const session: Session = {
  purpose: 'session',
  via: 'slack',
  userId: 'U1',
  teamId: 'T1',
  csrf: 'csrf-token',
  expiresAt: 2_000,
};

describe('CookieSealer', () => {
  const sealer = new CookieSealer(['token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', undefined]);

  it('opens what it sealed until it expires', () => {
    const sealed = sealer.seal(session);
    expect(sealer.open(Session, sealed, 1_999)).toEqual(session);
    expect(sealer.open(Session, sealed, 2_000)).toBeUndefined();
  });

  it('refuses a changed body, a changed signature, another key and the other cookie kind', () => {
    const sealed = sealer.seal(session);
    const [body, signature] = sealed.split('.') as [string, string];
    const admin = Buffer.from(JSON.stringify({ ...session, userId: 'UADMIN' })).toString(
      'base64url',
    );
    const signIn = sealer.seal({ purpose: 'sign-in', state: 's', nonce: 'n', expiresAt: 2_000 });
    expect([
      sealer.open(Session, `${admin}.${signature}`, 0),
      sealer.open(Session, `${body}.${signature.slice(0, -2)}AA`, 0),
      new CookieSealer(['another-secret']).open(Session, sealed, 0),
      sealer.open(Session, signIn, 0),
      sealer.open(SignInState, sealed, 0),
      sealer.open(Session, `${sealed}.extra`, 0),
      sealer.open(Session, 'garbage', 0),
      sealer.open(Session, undefined, 0),
    ]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('sameSecret and cookiesOf', () => {
  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(sameSecret('a'.repeat(39), 'a'.repeat(40))).toBe(false);
    expect(sameSecret('', 'a')).toBe(false);
  });

  it('reads the first cookie of each name', () => {
    expect([...cookiesOf('a=1; b=x=y;a=2; junk')]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
    ]);
  });
});
