import type { FakeResponse, RecordedRequest } from './fake-server.js';

interface Queued {
  method: string;
  path: RegExp;
  response: FakeResponse;
  remaining: number;
}

/**
 * Answers queued for the next matching requests of a stateful SaaS fake (a 429, a 503, a lookup
 * that misses), taken before the fake touches its state.
 */
export class QueuedAnswers {
  readonly #queue: Queued[] = [];

  /** Queues `response` for the next `times` requests matching `method` and `path`. */
  add(method: string, path: string | RegExp, response: FakeResponse, times = 1): void {
    const pattern =
      typeof path === 'string'
        ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
        : path;
    this.#queue.push({ method: method.toUpperCase(), path: pattern, response, remaining: times });
  }

  /** The first queued answer for this request, consumed once. */
  take(request: RecordedRequest): FakeResponse | undefined {
    const queued = this.#queue.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.method === request.method &&
        candidate.path.test(request.path),
    );
    if (!queued) return undefined;
    queued.remaining -= 1;
    return queued.response;
  }
}

/** A request body as an object (empty when it is not one). */
export function bodyObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The credential a request carries: `Authorization: Bearer/Basic …` or `PRIVATE-TOKEN`. */
export function presentedCredential(request: RecordedRequest): string | undefined {
  const privateToken = request.headers['private-token'];
  if (typeof privateToken === 'string') return privateToken;
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}

/** A request field as text: strings and numbers as they are, anything else as `fallback`. */
export function fieldText(value: unknown, fallback = ''): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}
