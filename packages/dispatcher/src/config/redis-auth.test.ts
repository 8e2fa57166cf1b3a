import { describe, expect, it } from 'vitest';
import { withRedisPassword } from './redis-auth.js';

describe('redis/redis-auth', () => {
  it('adds an encoded password, keeps a URL without one as it is, and never overrides one', () => {
    expect(withRedisPassword('redis://redis:6379', 'p@ss/word')).toBe(
      'redis://:p%40ss%2Fword@redis:6379',
    );
    expect(withRedisPassword('redis://redis:6379', undefined)).toBe('redis://redis:6379');
    expect(withRedisPassword('redis://user:mine@redis:6379/2', 'other')).toBe(
      'redis://user:mine@redis:6379/2',
    );
  });
});
