const MIN_SECRET_LENGTH = 6;
const REDACTED = '[redacted]';

/** Keys whose values are never logged, whatever they hold. */
const SECRET_KEY_PATTERN =
  /(authorization|token|api[-_]?key|password|passwd|secret|private[-_]?key|cookie|credential)/i;

/**
 * Remembers secret values (tokens, API keys) and replaces them wherever they appear in log lines,
 * error messages or command output. Short values are ignored: they would redact ordinary words.
 */
export class SecretSanitizer {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.#secrets.add(secret);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** Replaces every known secret in `text`. */
  sanitize(text: string): string {
    let result = text;
    for (const secret of this.#secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** Deep copy of `value` with secret keys and secret values redacted. */
  sanitizeValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.sanitize(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (value instanceof Error) {
      return {
        type: value.name,
        message: this.sanitize(value.message),
        stack: value.stack && this.sanitize(value.stack),
      };
    }
    if (Array.isArray(value)) return value.map((item) => this.sanitizeValue(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] =
        SECRET_KEY_PATTERN.test(key) && typeof item === 'string'
          ? REDACTED
          : this.sanitizeValue(item, depth + 1);
    }
    return copy;
  }
}

/** Names of environment variables that hold credentials (their values are secrets). */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(
      ([name]) => SECRET_KEY_PATTERN.test(name) || /(_TOKEN|_KEY|_SECRET|_PASSWORD)$/.test(name),
    )
    .map(([, value]) => value)
    .filter((value): value is string => typeof value === 'string');
}
