import type { OutboundEntry } from '@agentsmith/contracts';

/** Test helpers for the jobs page: bus entries, a server-sent events reader, cookies. */

export const progress = (
  jobId: string,
  step: number,
  label: string,
  costUsd?: number,
): OutboundEntry => ({
  type: 'progress',
  jobId,
  at: Date.now(),
  step,
  total: 7,
  label,
  ...(costUsd === undefined ? {} : { costUsd }),
});
export const done = (jobId: string, prUrl: string): OutboundEntry => ({
  type: 'done',
  jobId,
  at: Date.now(),
  summary: 'Fixed the sum',
  prUrl,
  costUsd: 0.0123,
  durationMs: 1_000,
  changedFiles: ['src/sum.ts'],
});

/** One server-sent event as the browser's EventSource would see it. */
export interface SentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Reads `/jobs/events` and collects its events until aborted. */
export async function listen(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const events: SentEvent[] = [];
  const response = await fetch(`${url}/jobs/events`, { headers, signal: controller.signal });
  const reading = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          if (fields.has('event'))
            events.push({
              id: fields.get('id'),
              event: fields.get('event') ?? '',
              data: fields.get('data') ?? '',
            });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    events,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

/** The session cookie a `Set-Cookie` header sets (name=value). */
export function cookieFrom(response: Response, name: string): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return header?.split(';')[0] ?? '';
}
