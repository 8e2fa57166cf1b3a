import { SecretSanitizer } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { mintJobToken } from './job-token.js';

describe('broker/job-token (redaction)', () => {
  it('mints tokens every sanitizer recognises without knowing them', () => {
    const sanitizer = new SecretSanitizer();
    for (let index = 0; index < 50; index += 1) {
      const token = mintJobToken();
      expect(sanitizer.findSecret(`Bearer ${token}.`)).toBe('an Agent Smith job token');
      expect(sanitizer.sanitize(`Bearer ${token}.`)).toBe('Bearer [redacted].');
    }
  });
});
