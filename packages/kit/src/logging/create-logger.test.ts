import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { SecretSanitizer, secretValuesFromEnv } from './secret-sanitizer.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('kit/logging/create-logger', () => {
  it('redacts secret keys and known secret values anywhere in a line', () => {
    const { lines, destination } = capture();
    const sanitizer = new SecretSanitizer(['ghp_supersecret123']);
    const logger = createLogger({ name: 'test', sanitizer, destination });

    logger.info(
      { token: 'abc', nested: { apiKey: 'xyz', url: 'https://x:ghp_supersecret123@github.com' } },
      'cloning with ghp_supersecret123',
    );
    logger
      .child({ job: 'j1' })
      .error({ err: new Error('auth failed for ghp_supersecret123') }, 'failed');

    const output = lines.join('');
    expect(output).not.toContain('ghp_supersecret123');
    expect(output).not.toContain('"abc"');
    expect(output).not.toContain('xyz');
    expect(output).toContain('[redacted]');
    expect(output).toContain('cloning with [redacted]');
    expect(JSON.parse(lines[1]!)).toMatchObject({ job: 'j1', msg: 'failed' });
  });

  it('collects secret values from credential variables only', () => {
    const values = secretValuesFromEnv({
      GITHUB_TOKEN: 'ghp_123456',
      ANTHROPIC_API_KEY: 'sk-ant-987654',
      HOME: '/root',
      SLACK_SIGNING_SECRET: 'shhhhhhh',
    });

    expect(values.sort()).toEqual(['ghp_123456', 'shhhhhhh', 'sk-ant-987654']);
  });

  it('ignores values too short to be secrets', () => {
    const sanitizer = new SecretSanitizer(['abc', 'long-secret-value']);

    expect(sanitizer.sanitize('abc and long-secret-value')).toBe('abc and [redacted]');
  });
});
