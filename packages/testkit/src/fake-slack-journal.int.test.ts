import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlackApi } from './fake-slack-api.js';

const started: FakeSlackApi[] = [];
let directory = '';

afterEach(async () => {
  await Promise.all(started.splice(0).map((slack) => slack.stop()));
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function post(slack: FakeSlackApi, text: string): Promise<string> {
  const response = await fetch(`${slack.server.url}/api/chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-test' },
    body: JSON.stringify({ channel: 'C1', text }),
  });
  return ((await response.json()) as { ts: string }).ts;
}

async function journaled(path: string): Promise<FakeSlackApi> {
  const slack = await new FakeSlackApi().journalTo(path).start();
  started.push(slack);
  return slack;
}

describe('FakeSlackApi.journalTo', () => {
  it('a fake restarted on the same journal still knows every call and never repeats a ts', async () => {
    directory = await mkdtemp(join(tmpdir(), 'slack-journal-'));
    const path = join(directory, 'calls.jsonl');
    const first = await journaled(path);
    const before = [await post(first, 'one'), await post(first, 'two')];
    await first.stop();
    started.splice(0);

    const second = await journaled(path);
    const after = await post(second, 'three');

    expect(second.calls.map((call) => call.args['text'])).toEqual(['one', 'two', 'three']);
    expect(before).not.toContain(after);
  });
});
