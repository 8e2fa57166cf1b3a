import { describe, expect, it } from 'vitest';
import { toRedisUrl } from './redis-url.js';

describe('progress/redis-url', () => {
  it.each`
    address                          | url
    ${'redis:6379'}                  | ${'redis://redis:6379'}
    ${'localhost:6379'}              | ${'redis://localhost:6379'}
    ${'redis://user:pw@host:6380/2'} | ${'redis://user:pw@host:6380/2'}
    ${'rediss://host:6380'}          | ${'rediss://host:6380'}
  `('reads $address', ({ address, url }) => {
    expect(toRedisUrl(address as string)).toBe(url);
  });

  it('rejects another scheme', () => {
    expect(() => toRedisUrl('http://host:6379')).toThrow(/Unsupported Redis URL scheme/);
  });
});
