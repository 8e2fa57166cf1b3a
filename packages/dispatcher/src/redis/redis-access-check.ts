import { randomBytes } from 'node:crypto';
import { redactRedisAddress } from '@agentsmith/contracts';
import { failed, passed, type CheckResult } from '@agentsmith/kit';
import { Redis } from 'ioredis';

/** The Redis user the URL logs in as (`default` without one). */
function userOf(url: string): string {
  const name = decodeURIComponent(new URL(url).username);
  return name || 'default';
}

function hostOf(url: string): string {
  const parsed = new URL(url);
  return redactRedisAddress(`${parsed.host}`);
}

/**
 * Connects as the dispatcher does, pings, then proves the rights the credential broker needs to
 * mint per-job users: it creates a disabled throwaway user (`ACL SETUSER … off`, no rights, no
 * password) and deletes it again (`ACL DELUSER`). Nothing else is written.
 */
export async function checkRedisAccess(url: string, signal: AbortSignal): Promise<CheckResult[]> {
  const where = hostOf(url);
  const user = userOf(url);
  const client = new Redis(url, {
    connectionName: 'agentsmith-doctor',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // A user without INFO rights is still worth checking; the ping below proves the connection.
    enableReadyCheck: false,
  });
  // ioredis reports why it could not connect only as an event; the failed call says "Connection is closed".
  let connectionError = '';
  client.on('error', (error: Error & { code?: string }) => {
    connectionError = error.message || error.code || connectionError;
  });
  const close = () => client.disconnect();
  signal.addEventListener('abort', close, { once: true });
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      const message = connectionError || (error instanceof Error ? error.message : String(error));
      const auth = /WRONGPASS|NOAUTH|invalid username-password/i.test(message);
      return [
        failed(
          'Redis',
          `${where} as ${user}: ${message}`,
          auth
            ? 'set REDIS_PASSWORD (or the password in REDIS_URL) to the dispatcher user’s password'
            : 'start Redis or set REDIS_URL to where it runs (host:port)',
        ),
      ];
    }
    const results = [passed('Redis', `PONG from ${where} as ${user}`)];
    const probeUser = `agentsmith-doctor-${randomBytes(4).toString('hex')}`;
    try {
      await client.call('ACL', 'SETUSER', probeUser, 'reset', 'off');
      await client.call('ACL', 'DELUSER', probeUser);
      results.push(
        passed(
          'Redis ACL rights',
          `${user} may create and delete the per-job users (ACL SETUSER, ACL DELUSER)`,
        ),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push(
        failed(
          'Redis ACL rights',
          `${user} cannot mint per-job users: ${message}`,
          `grant them: ACL SETUSER ${user} +acl|setuser +acl|deluser (docs/security.md: the dispatcher's Redis user)`,
        ),
      );
    }
    return results;
  } finally {
    signal.removeEventListener('abort', close);
    close();
  }
}
