import { describe, expect, it } from 'vitest';
import { testRedisUrl } from '@agentsmith/testkit';
import { checkRedisAccess } from './redis-access-check.js';

const signal = new AbortController().signal;

describe('checkRedisAccess (real Redis)', () => {
  it('pings and proves the ACL rights of the default user', async () => {
    const results = await checkRedisAccess(testRedisUrl(), signal);
    expect(results.map((result) => [result.status, result.what])).toEqual([
      ['ok', 'Redis'],
      ['ok', 'Redis ACL rights'],
    ]);
  });

  it('names a wrong password and says which variable to set, without printing it', async () => {
    const url = new URL(testRedisUrl());
    url.username = 'nobody-doctor';
    url.password = 'not-the-password';
    const [result] = await checkRedisAccess(url.toString(), signal);
    expect(result?.status).toBe('fail');
    expect(result?.detail).toMatch(/as nobody-doctor: WRONGPASS/);
    expect(result?.detail).not.toContain('not-the-password');
    expect(result?.fix).toMatch(/^set REDIS_PASSWORD/);
  });

  it('names the refused connection when nothing listens', async () => {
    const [result] = await checkRedisAccess('redis://127.0.0.1:9', signal);
    expect(result).toEqual({
      status: 'fail',
      what: 'Redis',
      detail: '127.0.0.1:9 as default: connect ECONNREFUSED 127.0.0.1:9',
      fix: 'start Redis or set REDIS_URL to where it runs (host:port)',
    });
  });
});
