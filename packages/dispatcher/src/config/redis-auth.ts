/**
 * Puts the dispatcher's Redis password (`REDIS_PASSWORD`, kept out of `REDIS_URL` so the agents'
 * `--redis-url redis:6379` stays password-free) into the URL the dispatcher connects with.
 * A password already in the URL wins.
 */
export function withRedisPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const parsed = new URL(url);
  if (parsed.password) return url;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
