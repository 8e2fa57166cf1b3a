import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeRunContext } from '../../test/fakes/fake-run-context.js';
import { createProjectEnvironment } from '../test-runner/index.js';
import { setUpEnvironment } from './setup-environment.js';

let dir: string;
const signal = new AbortController().signal;
const env = { PATH: process.env['PATH'], HOME: '/nonexistent' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'setup-step-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function contextWith(setup: string[]) {
  return {
    ...fakeRunContext(),
    environment: createProjectEnvironment({ setup, timeoutMs: 10_000, env }),
  };
}

const source = () => ({ path: dir, branch: 'fix/58', baseBranch: 'main' });

describe('steps/setup-environment', () => {
  it('adds the setup and the chosen test command, and why, to the checkout message', async () => {
    await writeFile(join(dir, 'Cargo.toml'), '[package]\nname = "x"\n');
    const context = contextWith(['true']);

    const result = await setUpEnvironment(context, source(), signal);

    expect(result).toEqual({
      summary:
        '; 1 setup command, tests: cargo test (environment.setup in agentsmith.yml; detected cargo: Cargo.toml)',
    });
    expect(context.reporter.of('detail').map((event) => event.text)).toEqual([
      'Tests: cargo test (environment.setup in agentsmith.yml; detected cargo: Cargo.toml)',
      'Setup: true',
    ]);
  });

  it('ends the run with setup_failed, the command and its tail', async () => {
    const context = contextWith([
      'echo "ERROR: No matching distribution found for nope==9" >&2; exit 4',
    ]);

    const result = await setUpEnvironment(context, source(), signal);

    expect(result).toMatchObject({ outcome: { kind: 'failed' } });
    const error =
      'outcome' in result && result.outcome.kind === 'failed' ? result.outcome.error : null;
    expect(error?.code).toEqual('setup_failed');
    expect(error?.message).toEqual(
      'Setup command failed (echo "ERROR: No matching distribution found for nope==9" >&2; exit 4, exit code 4):\nERROR: No matching distribution found for nope==9',
    );
  });

  it('does nothing without an environment port', async () => {
    expect(await setUpEnvironment(fakeRunContext(), source(), signal)).toEqual({ summary: '' });
  });
});
