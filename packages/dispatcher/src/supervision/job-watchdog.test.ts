import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import type { JobExit } from '../spawners/job-spawner.js';
import { JobWatchdog, type JobLostReporter } from './job-watchdog.js';

function spec(jobId: string): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId,
    intent: { ticketId: '58', project: 'agent-smith-test' },
    platform: 'slack',
    channelId: 'C1',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 600,
    createdAt: Date.now(),
  };
}

class RecordingReporter implements JobLostReporter {
  readonly reports: Array<[string, string, JobExit['reason']]> = [];
  reportJobLost(jobId: string, reason: string, exit: JobExit): Promise<void> {
    this.reports.push([jobId, reason, exit.reason]);
    return Promise.resolve();
  }
}

let spawner: FakeJobSpawner;
let reporter: RecordingReporter;
let finished: Set<string>;
let watchdog: JobWatchdog;

beforeEach(() => {
  spawner = new FakeJobSpawner();
  reporter = new RecordingReporter();
  finished = new Set();
  watchdog = new JobWatchdog({
    spawner,
    reporter,
    finalEntries: { hasFinalEntry: (jobId) => Promise.resolve(finished.has(jobId)) },
  });
});

afterEach(() => {
  watchdog.close();
});

describe('supervision/job-watchdog', () => {
  it('reports a job that died without a final entry, with the engine reason', async () => {
    await spawner.spawn(spec('aaaaaaaaaaaa'));
    const watch = watchdog.watch('aaaaaaaaaaaa');

    spawner.finish('aaaaaaaaaaaa', {
      reason: 'out_of_memory',
      exitCode: 137,
      message: 'out of memory, exit 137',
    });
    await watch;

    expect(reporter.reports).toEqual([
      ['aaaaaaaaaaaa', 'out of memory, exit 137', 'out_of_memory'],
    ]);
  });

  it('stays silent when the agent published done or error itself', async () => {
    await spawner.spawn(spec('bbbbbbbbbbbb'));
    finished.add('bbbbbbbbbbbb');
    const watch = watchdog.watch('bbbbbbbbbbbb');

    spawner.finish('bbbbbbbbbbbb', {
      reason: 'exited',
      exitCode: 1,
      message: 'the run failed (exit 1)',
    });
    await watch;

    expect(reporter.reports).toEqual([]);
  });

  it('watches a job only once', async () => {
    await spawner.spawn(spec('dddddddddddd'));

    const first = watchdog.watch('dddddddddddd');
    const second = watchdog.watch('dddddddddddd');
    spawner.finish('dddddddddddd', {
      reason: 'vanished',
      message: 'container agentsmith-dddddddddddd is gone',
    });
    await Promise.all([first, second]);

    expect(reporter.reports).toEqual([
      ['dddddddddddd', 'container agentsmith-dddddddddddd is gone', 'vanished'],
    ]);
  });
});
