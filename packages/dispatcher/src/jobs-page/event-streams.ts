import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveEvent, LiveFeed } from './live-event.js';

export interface EventStreamLimits {
  /** Open streams at most (every viewer's tab holds one); more get 503. */
  maxConnections: number;
  /** Events kept for a reconnect with `Last-Event-ID`; an older id gets `resync`. */
  replayEvents: number;
  /** Unsent bytes a connection may pile up before it is dropped as too slow. */
  maxBufferedBytes: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
}

export const DEFAULT_STREAM_LIMITS: EventStreamLimits = {
  maxConnections: 100,
  replayEvents: 500,
  maxBufferedBytes: 256 * 1024,
  heartbeatMs: 15_000,
};

interface Sent {
  seq: number;
  text: string;
}

/**
 * The page's server-sent event streams. One subscription to the live feed serves every
 * connection: each event is formatted once and written to each stream, so the work per
 * connection is one write per event. Events carry `<generation>-<seq>` ids; a reconnect with a
 * `Last-Event-ID` still in the replay window gets what it missed, any other gets `resync` (fetch
 * the lists again). The feed runs only while someone watches.
 */
export class EventStreams {
  readonly #connections = new Set<ServerResponse>();
  readonly #history: Sent[] = [];
  #generation = randomBytes(4).toString('hex');
  #seq = 0;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: LiveFeed,
    private readonly limits: EventStreamLimits = DEFAULT_STREAM_LIMITS,
  ) {}

  get size(): number {
    return this.#connections.size;
  }

  /**
   * Starts a stream on `response`, which ends by `until` (the viewer's session expiry) at the
   * latest. False when the connection limit is reached (nothing was written then).
   */
  open(request: IncomingMessage, response: ServerResponse, until: number): boolean {
    if (this.#connections.size >= this.limits.maxConnections) return false;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    this.#connections.add(response);
    this.#start();
    const expiry = setTimeout(() => response.end(), Math.max(0, until - Date.now()));
    expiry.unref();
    response.on('close', () => {
      clearTimeout(expiry);
      this.#connections.delete(response);
      if (this.#connections.size === 0) this.#stop();
    });
    this.#catchUp(response, request.headers['last-event-id']);
    return true;
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    for (const response of this.#connections) response.end();
    this.#connections.clear();
    this.#stop();
  }

  #catchUp(response: ServerResponse, lastEventId: string | string[] | undefined): void {
    const [generation, seqText] = String(lastEventId ?? '').split('-');
    const seq = Number(seqText);
    const oldest = this.#history[0]?.seq ?? this.#seq + 1;
    if (
      generation === this.#generation &&
      Number.isInteger(seq) &&
      seq >= oldest - 1 &&
      seq <= this.#seq
    ) {
      for (const sent of this.#history) if (sent.seq > seq) response.write(sent.text);
      return;
    }
    response.write(`id: ${this.#generation}-${this.#seq}\nevent: resync\ndata: {}\n\n`);
  }

  #start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.feed.subscribe((event) => this.#broadcast(event));
    this.#heartbeat = setInterval(() => {
      for (const response of this.#connections) this.#write(response, ': keep-alive\n\n');
    }, this.limits.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Nobody watches: stop the feed; what happens now is not seen, so old ids become unknown. */
  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#history.length = 0;
    this.#generation = randomBytes(4).toString('hex');
    this.#seq = 0;
  }

  #broadcast(event: LiveEvent): void {
    this.#seq += 1;
    const { type, ...data } = event;
    const text = `id: ${this.#generation}-${this.#seq}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    this.#history.push({ seq: this.#seq, text });
    if (this.#history.length > this.limits.replayEvents) this.#history.shift();
    for (const response of this.#connections) this.#write(response, text);
  }

  /** Writes, or drops a connection whose client does not keep up. */
  #write(response: ServerResponse, text: string): void {
    if (response.writableLength > this.limits.maxBufferedBytes) {
      this.#connections.delete(response);
      response.destroy();
      return;
    }
    response.write(text);
  }
}
