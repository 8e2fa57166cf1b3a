import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STREAM_LIMITS, EventStreams } from './event-streams.js';
import type { LiveEvent, LiveFeed } from './live-event.js';

/** A feed the test drives by hand, counting its subscribers. */
class ManualFeed implements LiveFeed {
  readonly listeners = new Set<(event: LiveEvent) => void>();
  subscribe(listener: (event: LiveEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: LiveEvent) {
    for (const listener of this.listeners) listener(event);
  }
}

const progress = (step: string): LiveEvent => ({
  type: 'progress',
  jobId: 'job-1',
  step,
  phases: '—',
  cost: '—',
});

describe('EventStreams', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function serve(streams: EventStreams, sessionMs = 60_000): Promise<string> {
    server = createServer((request, response) => {
      if (!streams.open(request, response, Date.now() + sessionMs))
        response.writeHead(503).end('full');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
  }

  /** Opens a stream and collects its text. */
  async function open(url: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    let text = '';
    const reading = (async () => {
      try {
        for await (const chunk of response.body ?? []) text += Buffer.from(chunk).toString();
      } catch {
        // aborted
      }
    })();
    return {
      status: response.status,
      text: () => text,
      close: async () => {
        controller.abort();
        await reading;
      },
    };
  }

  it('refuses connections beyond the limit and subscribes to the feed only while someone watches', async () => {
    const feed = new ManualFeed();
    const streams = new EventStreams(feed, { ...DEFAULT_STREAM_LIMITS, maxConnections: 2 });
    const url = await serve(streams);
    const [first, second] = [await open(url), await open(url)];
    const third = await open(url);

    expect([first.status, second.status, third.status]).toEqual([200, 200, 503]);
    expect(feed.listeners.size).toBe(1);
    await Promise.all([first.close(), second.close(), third.close()]);
    await expect.poll(() => streams.size).toBe(0);
    expect(feed.listeners.size).toBe(0);
  });

  it('replays what a reconnect missed, and says resync when its id is too old', async () => {
    const feed = new ManualFeed();
    const streams = new EventStreams(feed, { ...DEFAULT_STREAM_LIMITS, replayEvents: 2 });
    const url = await serve(streams);
    const watcher = await open(url);
    feed.emit(progress('one'));
    feed.emit(progress('two'));
    feed.emit(progress('three'));
    await expect.poll(() => watcher.text()).toContain('three');
    const ids = [...watcher.text().matchAll(/^id: (\S+)$/gm)].map((match) => match[1] ?? '');
    // ids[0] is the resync of the fresh connection; then one, two, three.
    const afterTwo = await open(url, { 'last-event-id': ids[2] ?? '' });
    const afterOne = await open(url, { 'last-event-id': ids[1] ?? '' });
    // Only two events are kept: "one" is gone, so a client that missed it must fetch afresh.
    const beforeOne = await open(url, { 'last-event-id': ids[0] ?? '' });
    await expect.poll(() => afterTwo.text()).toContain('three');
    await expect.poll(() => afterOne.text()).toContain('three');
    await expect.poll(() => beforeOne.text()).toContain('resync');

    expect(afterTwo.text()).not.toContain('two');
    expect(afterTwo.text()).not.toContain('resync');
    expect(afterOne.text()).toContain('"step":"two"');
    expect(beforeOne.text()).not.toContain('"step"');
    await Promise.all([watcher, afterTwo, afterOne, beforeOne].map((stream) => stream.close()));
  });

  it('ends a stream when the viewer’s session expires', async () => {
    const feed = new ManualFeed();
    const streams = new EventStreams(feed);
    const url = await serve(streams, 300);
    const watcher = await open(url);
    await expect.poll(() => streams.size).toBe(0);
    expect(watcher.text()).toContain('resync');
    expect(feed.listeners.size).toBe(0);
    await watcher.close();
  });

  it('drops a connection that does not read instead of buffering without end', async () => {
    const feed = new ManualFeed();
    const streams = new EventStreams(feed, {
      ...DEFAULT_STREAM_LIMITS,
      maxBufferedBytes: 64 * 1024,
    });
    const url = new URL(await serve(streams));
    // A client that connects and never reads: its socket buffers fill, then the server's.
    const stalled = httpRequest({ host: url.hostname, port: url.port, path: '/' });
    stalled.on('response', (response) => response.pause());
    stalled.on('error', () => undefined);
    stalled.end();
    await expect.poll(() => streams.size).toBe(1);
    const big = 'x'.repeat(16 * 1024);
    await expect
      .poll(() => {
        for (let index = 0; index < 64; index += 1) feed.emit(progress(big));
        return streams.size;
      })
      .toBe(0);
    stalled.destroy();
  });
});
