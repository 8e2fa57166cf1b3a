import { findSecretPattern, SECRET_PATTERNS } from './secret-patterns.js';

const MIN_SECRET_LENGTH = 6;
const REDACTED = '[redacted]';

/** Keys whose values are never logged, whatever they hold. */
const SECRET_KEY_PATTERN =
  /(authorization|token|api[-_]?key|password|passwd|secret|private[-_]?key|cookie|credential)/i;

/**
 * Remembers secret values (tokens, API keys) and replaces them, and every high-confidence token
 * format of {@link SECRET_PATTERNS}, wherever they appear: log lines, error messages, command
 * output, and everything that leaves for Slack, pull requests, commits and tickets. Short values
 * are ignored: they would redact ordinary words.
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

  /** Replaces every known secret value and every recognisable token in `text`. */
  sanitize(text: string): string {
    let result = text;
    for (const secret of this.#secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    for (const { pattern } of SECRET_PATTERNS) result = result.replace(pattern, REDACTED);
    return result;
  }

  /**
   * What kind of secret `text` holds (`a known secret value`, `a GitHub token`, ...), without the
   * secret itself; undefined when it holds none.
   */
  findSecret(text: string): string | undefined {
    for (const secret of this.#secrets) if (text.includes(secret)) return 'a known secret value';
    return findSecretPattern(text)?.name;
  }

  /**
   * Deep copy of plain data (a bus entry, a JSON body) with every string sanitized and its shape
   * kept: keys are not judged, so a field named `tokens` keeps its number.
   */
  sanitizeStrings<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.sanitize(value) as T;
    if (value === null || typeof value !== 'object' || depth > 16) return value;
    if (Array.isArray(value))
      return value.map((item: unknown) => this.sanitizeStrings(item, depth + 1)) as T;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      copy[key] = this.sanitizeStrings(item, depth + 1);
    return copy as T;
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
