import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { jobInStreamKey, jobOutStreamKey } from '@agentsmith/contracts';

/** The Redis ACL user of one job. */
export function jobRedisUsername(jobId: string): string {
  return `agentsmith-job-${jobId}`;
}

/**
 * The commands an agent's Redis client needs and nothing else: ioredis' handshake (`HELLO`/`AUTH`
 * are always allowed to authenticate; `CLIENT SETNAME`, `PING`, `SELECT`), appending its entries
 * (`XADD`) and the blocking `XREAD` of its input stream. Not even `EXPIRE` or `DEL` of its own
 * stream (the dispatcher expires finished streams), no key-space scans, no `FLUSHALL`, no
 * `CONFIG`, no `INFO`, no scripts, no Pub/Sub.
 */
const AGENT_COMMANDS = [
  '-@all',
  '+ping',
  '+hello',
  '+client|setname',
  '+select',
  '+quit',
  '+xadd',
  '+xread',
];

/**
 * Creates (or replaces) the job's ACL user: its own output stream (`~job:<id>:out`, read and
 * write) and read-only access to its input stream (`%R~job:<id>:in`). The password is stored
 * hashed (`#<sha256>`), so not even `ACL LIST` shows it.
 */
export async function createJobRedisUser(
  redis: Redis,
  jobId: string,
  password: string,
): Promise<string> {
  const username = jobRedisUsername(jobId);
  const passwordHash = createHash('sha256').update(password, 'utf8').digest('hex');
  await redis.call(
    'ACL',
    'SETUSER',
    username,
    'reset',
    'on',
    `#${passwordHash}`,
    'resetchannels',
    ...AGENT_COMMANDS,
    `~${jobOutStreamKey(jobId)}`,
    `%R~${jobInStreamKey(jobId)}`,
  );
  return username;
}

/** Deletes the job's ACL user and closes its connections. Idempotent. */
export async function deleteJobRedisUser(redis: Redis, jobId: string): Promise<void> {
  // ACL DELUSER also disconnects every client authenticated as the user.
  await redis.call('ACL', 'DELUSER', jobRedisUsername(jobId));
}
