import { AppError, silentLogger } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { RecordingReporter } from '../../test/fakes/fake-run-context.js';
import { runPipeline } from './run-pipeline.js';
import { completed, failed, skipped, type Step } from './step.js';

function step(name: string, run: Step<string[]>['run']): Step<string[]> {
  return { name, label: `${name} label`, run };
}

const record = (name: string) =>
  step(name, (log) => {
    log.push(name);
    return Promise.resolve(completed(`${name} ok`));
  });

describe('pipeline/run-pipeline', () => {
  it('runs the steps in order and reports each start and end', async () => {
    const reporter = new RecordingReporter();
    const log: string[] = [];

    const result = await runPipeline([record('A'), record('B')], log, {
      reporter,
      signal: new AbortController().signal,
      logger: silentLogger(),
    });

    expect(result).toEqual({ outcome: 'succeeded', total: 2 });
    expect(log).toEqual(['A', 'B']);
    expect(reporter.events.map((event) => event.kind)).toEqual([
      'started',
      'ended',
      'started',
      'ended',
    ]);
    expect(reporter.of('started')[1]?.progress).toEqual({
      step: 2,
      total: 2,
      label: 'B label',
      stepName: 'B',
    });
  });

  it('reports the LLM cost so far with each step, once it is known', async () => {
    const reporter = new RecordingReporter();
    const costs = [undefined, 0.25];

    await runPipeline([record('A'), record('B')], [], {
      reporter,
      signal: new AbortController().signal,
      logger: silentLogger(),
      costSoFar: () => costs.shift(),
    });

    expect(reporter.of('started').map((event) => event.progress?.costUsd)).toEqual([
      undefined,
      0.25,
    ]);
    expect(reporter.of('started')[0]?.progress).not.toHaveProperty('costUsd');
  });

  it('stops at the first failed step and names it', async () => {
    const reporter = new RecordingReporter();
    const log: string[] = [];
    const broken = step('Broken', () =>
      Promise.resolve(failed(new AppError('tests_failed', 'red'))),
    );

    const result = await runPipeline([record('A'), broken, record('C')], log, {
      reporter,
      signal: new AbortController().signal,
      logger: silentLogger(),
    });

    expect(result).toMatchObject({
      outcome: 'failed',
      step: 2,
      total: 3,
      stepName: 'Broken',
      error: { code: 'tests_failed' },
    });
    expect(log).toEqual(['A']);
    expect(reporter.of('ended').map((event) => event.end.status)).toEqual(['completed', 'failed']);
  });

  it('turns a thrown error into a failed step with the error code', async () => {
    const thrower = step('Thrower', () => Promise.reject(new AppError('llm_unavailable', 'down')));

    const result = await runPipeline([thrower], [], {
      reporter: new RecordingReporter(),
      signal: new AbortController().signal,
      logger: silentLogger(),
    });

    expect(result).toMatchObject({
      outcome: 'failed',
      step: 1,
      error: { code: 'llm_unavailable', message: 'down' },
    });
  });

  it('reports a skipped step and goes on', async () => {
    const reporter = new RecordingReporter();
    const skipper = step('Skipper', () => Promise.resolve(skipped('nothing to do')));

    const result = await runPipeline([skipper, record('B')], [], {
      reporter,
      signal: new AbortController().signal,
      logger: silentLogger(),
    });

    expect(result.outcome).toBe('succeeded');
    expect(reporter.of('ended')[0]?.end).toMatchObject({
      status: 'skipped',
      message: 'nothing to do',
    });
  });

  it('ends as cancelled when the signal aborts during a step', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const aborting = step('Long', (_context, signal) => {
      controller.abort();
      return Promise.reject(signal.reason as Error);
    });

    const result = await runPipeline([aborting, record('B')], log, {
      reporter: new RecordingReporter(),
      signal: controller.signal,
      logger: silentLogger(),
    });

    expect(result).toMatchObject({
      outcome: 'cancelled',
      step: 1,
      stepName: 'Long',
      error: { code: 'run_cancelled' },
    });
    expect(log).toEqual([]);
  });
});
