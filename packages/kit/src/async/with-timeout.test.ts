import { describe, expect, it } from 'vitest';
import { CallTimeoutError, withTimeout } from './with-timeout.js';

describe('kit/async/withTimeout', () => {
  it('passes a result through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, 'quick call')).resolves.toBe(7);
  });

  it('passes a failure through', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000, 'call')).rejects.toThrow(
      'refused',
    );
  });

  it('rejects a call that never settles, naming it and its limit', async () => {
    const never = new Promise<never>(() => undefined);
    const attempt = withTimeout(never, 20, 'docker stop agentsmith-1');
    await expect(attempt).rejects.toBeInstanceOf(CallTimeoutError);
    await expect(attempt).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      timeoutMs: 20,
      message: 'docker stop agentsmith-1 did not answer within 20ms',
    });
  });
});
