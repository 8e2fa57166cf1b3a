import type { z } from 'zod';
import { ExternalServiceError } from '../errors/app-error.js';
import { isNetworkFailure } from '../errors/to-app-error.js';
import { parseRetryAfter, retry, type RetryOptions } from '../async/retry.js';
import { timeoutSignal } from '../async/with-timeout.js';
import type { Logger } from '../logging/create-logger.js';

export interface HttpClientSettings {
  /** Service name for errors and logs, e.g. `github`. */
  service: string;
  baseUrl: string;
  headers?: Record<string, string>;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /**
   * Retries of idempotent requests after a network failure, 429 or 5xx; `{ maxRetries: 0 }`
   * turns them off. A POST or PATCH is sent once unless marked `idempotent`.
   */
  retry?: Omit<RetryOptions, 'signal'>;
  logger?: Logger;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Marks a POST or PATCH as safe to send twice (e.g. a search, or a write that carries its own
   * idempotency key), so failures are retried as for GET. Never set it for a write that creates
   * something: a retry after a lost answer would create it twice.
   */
  idempotent?: boolean;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

/** The response status codes worth retrying (of an idempotent request). */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Methods that may be sent again without changing the outcome (RFC 9110, 9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * A small JSON-over-HTTP client: base URL, default headers, timeout, retry with `Retry-After`,
 * and every response parsed with a zod schema at the edge.
 */
export class HttpClient {
  readonly #settings: HttpClientSettings;
  readonly #fetch: typeof fetch;

  constructor(settings: HttpClientSettings) {
    this.#settings = settings;
    this.#fetch = settings.fetch ?? fetch;
  }

  get<T extends z.ZodType>(
    path: string,
    schema: T,
    options: RequestOptions = {},
  ): Promise<z.infer<T>> {
    return this.request('GET', path, schema, undefined, options);
  }

  /** Sent once unless `options.idempotent`: a retry could create the thing twice. */
  readonly post = this.#write('POST');
  /** Sent once unless `options.idempotent`. */
  readonly patch = this.#write('PATCH');

  #write(method: 'POST' | 'PATCH') {
    return <T extends z.ZodType>(
      path: string,
      body: unknown,
      schema: T,
      options: RequestOptions = {},
    ): Promise<z.infer<T>> => this.request(method, path, schema, body, options);
  }

  /** Sends one request (with retries) and parses the JSON body with `schema`. */
  async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<z.infer<T>> {
    const url = this.#url(path, options.query);
    const idempotent = options.idempotent === true || IDEMPOTENT_METHODS.has(method.toUpperCase());
    return retry(() => this.#once(method, url, schema, body, options), {
      maxRetries: 3,
      initialDelayMs: 500,
      ...this.#settings.retry,
      ...(idempotent ? {} : { maxRetries: 0 }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async #once<T extends z.ZodType>(
    method: string,
    url: URL,
    schema: T,
    body: unknown,
    options: RequestOptions,
  ): Promise<z.infer<T>> {
    const { service } = this.#settings;
    const where = `${method} ${url.host}${url.pathname}`;
    const started = Date.now();
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.#settings.headers,
          ...options.headers,
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: timeoutSignal(this.#settings.timeoutMs ?? 30_000, options.signal),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // Anything but a network failure or our own timeout is a bug here: let it surface.
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (!isNetworkFailure(error) && !timedOut) throw error;
      throw new ExternalServiceError(
        'external_unreachable',
        `${service} could not be reached (${where}): ${describe(error)}`,
        {
          service,
          retryable: true,
          cause: error,
        },
      );
    }
    this.#settings.logger?.debug(
      {
        service,
        method,
        host: url.host,
        path: url.pathname,
        status: response.status,
        ms: Date.now() - started,
      },
      'http request',
    );
    const text = await response.text();
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new ExternalServiceError(
        'external_http_error',
        `${service} answered ${response.status} to ${where}: ${text.slice(0, 300)}`,
        {
          service,
          status: response.status,
          retryable: isRetryableStatus(response.status),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      );
    }
    let json: unknown = null;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ExternalServiceError(
          'external_invalid_response',
          `${service} sent a response that is not JSON (${where})`,
          { service, cause: error },
        );
      }
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ExternalServiceError(
        'external_invalid_response',
        `${service} sent an unexpected response to ${where}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        { service, status: response.status, cause: parsed.error },
      );
    }
    return parsed.data;
  }

  #url(path: string, query: RequestOptions['query']): URL {
    const base = this.#settings.baseUrl.endsWith('/')
      ? this.#settings.baseUrl
      : `${this.#settings.baseUrl}/`;
    const url = new URL(path.replace(/^\//, ''), base);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
