import { describe, expect, it } from 'vitest';
import { rejectionOf } from './rejection-of.js';

class Wanted extends Error {}

describe('rejectionOf', () => {
  it('gives back the rejection when it is of the type asked for', async () => {
    const wanted = new Wanted('no');
    expect(await rejectionOf(Promise.reject(wanted), Wanted)).toBe(wanted);
  });

  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1), Wanted)).rejects.toThrow(
      'expected a rejection with a Wanted, but the promise resolved',
    );
  });

  it('fails when the rejection is of another type', async () => {
    await expect(rejectionOf(Promise.reject(new TypeError('other')), Wanted)).rejects.toThrow(
      'expected a rejection with a Wanted, got TypeError: other',
    );
  });
});
