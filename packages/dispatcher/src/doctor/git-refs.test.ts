import { describe, expect, it } from 'vitest';
import { parseRefAdvertisement } from './git-refs.js';

function pkt(line: string): string {
  return `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
}

const SHA = 'a'.repeat(40);

describe('doctor/git-refs', () => {
  it('reads the default branch from the symref capability and lists the branches', () => {
    const body = [
      pkt('# service=git-upload-pack\n'),
      '0000',
      pkt(`${SHA} HEAD\0multi_ack symref=HEAD:refs/heads/main agent=git/2\n`),
      pkt(`${SHA} refs/heads/main\n`),
      pkt(`${SHA} refs/heads/fix/58\n`),
      pkt(`${SHA} refs/tags/v1\n`),
      '0000',
    ].join('');
    expect(parseRefAdvertisement(Buffer.from(body))).toEqual({
      head: 'refs/heads/main',
      headResolves: true,
      branches: ['main', 'fix/58'],
    });
  });

  it('sees a HEAD that names no existing branch (it is not advertised)', () => {
    const body = [
      pkt('# service=git-upload-pack\n'),
      '0000',
      pkt(`${SHA} refs/heads/trunk\0multi_ack agent=git/2\n`),
      '0000',
    ].join('');
    expect(parseRefAdvertisement(Buffer.from(body))).toEqual({
      head: undefined,
      headResolves: false,
      branches: ['trunk'],
    });
  });
});
