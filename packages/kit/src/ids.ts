import { randomBytes } from 'node:crypto';

/** A new job id: 12 lower-case hex characters. */
export function newJobId(): string {
  return randomBytes(6).toString('hex');
}
