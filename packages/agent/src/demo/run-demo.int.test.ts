import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@agentsmith/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoBundle } from './demo-bundle.js';
import { runDemo } from './run-demo.js';

describe('demo/run-demo', () => {
  let scratch: string;
  let lines: string[];
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agentsmith-demo-run-'));
    // The demo's folder is made under os.tmpdir(), which reads TMPDIR: keep it in the scratch folder.
    vi.stubEnv('TMPDIR', scratch);
    lines = [];
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  function environment() {
    const controller = new AbortController();
    return {
      env: { ...process.env },
      logger: createLogger({ name: 'demo-test', level: 'silent' }),
      sink: { isTty: false, write: (text: string) => void lines.push(text) },
      print: (line: string) => void lines.push(line),
      printError: (line: string) => void lines.push(line),
      signal: controller.signal,
      abort: (reason: unknown) => controller.abort(reason),
      onReporter: () => undefined,
      verbose: false,
    };
  }

  it('fails, saying so, when the recording no longer matches the run', async () => {
    const recording = (await readFile(demoBundle().recording, 'utf8')).trim().split('\n');
    const truncated = join(scratch, 'truncated.jsonl');
    await writeFile(truncated, `${recording.slice(0, -1).join('\n')}\n`);

    const exitCode = await runDemo(environment(), { ...demoBundle(), recording: truncated });

    const output = lines.join('\n');
    expect(exitCode).toBe(1);
    expect(output).toMatch(/Replay diverged at turn \d+ of .*truncated\.jsonl/);
    expect(output).toContain('[replay] The demo did not end with a fix (exit 1); see above.');
    expect(output).not.toContain('log -p fix/1');
  });

  it('refuses a recording that is not there, before any work', async () => {
    const missing = join(scratch, 'missing.jsonl');

    const exitCode = await runDemo(environment(), { ...demoBundle(), recording: missing });

    expect(exitCode).toBe(2);
    expect(lines.join('\n')).toMatch(/missing\.jsonl: cannot read the recording/);
  });
});
