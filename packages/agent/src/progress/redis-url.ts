/**
 * Normalises a Redis address to a URL ioredis understands: `host:port` (the seed's form, e.g.
 * `redis:6379`) becomes `redis://host:port`; `redis://` and `rediss://` URLs stay as they are.
 */
export function toRedisUrl(address: string): string {
  const trimmed = address.trim();
  if (/^rediss?:\/\//.test(trimmed)) return trimmed;
  if (trimmed.includes('://')) {
    throw new Error(
      `Unsupported Redis URL scheme in "${trimmed}"; use host:port or redis://host:port`,
    );
  }
  return `redis://${trimmed}`;
}
