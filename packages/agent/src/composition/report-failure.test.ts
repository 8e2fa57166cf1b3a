import { AppError, CancelledError, ConfigError, silentLogger } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { RecordingReporter } from '../../test/fakes/fake-run-context.js';
import { reportFailure } from './report-failure.js';

describe('composition/report-failure', () => {
  it.each`
    case                       | error                                                    | aborted  | exitCode | code                        | outcome
    ${'a config error'}        | ${new ConfigError('bad', ['x: bad'])}                    | ${false} | ${2}     | ${'config_invalid'}         | ${'failed'}
    ${'an unknown project'}    | ${new ConfigError('nope', [], 'config_unknown_project')} | ${false} | ${2}     | ${'config_unknown_project'} | ${'failed'}
    ${'bad input'}             | ${new AppError('usage_invalid_input', 'what?')}          | ${false} | ${2}     | ${'usage_invalid_input'}    | ${'failed'}
    ${'a crash'}               | ${new TypeError('x is undefined')}                       | ${false} | ${1}     | ${'agent_crashed'}          | ${'failed'}
    ${'a coded failure'}       | ${new AppError('llm_unavailable', 'down')}               | ${false} | ${1}     | ${'llm_unavailable'}        | ${'failed'}
    ${'a cancellation'}        | ${new CancelledError()}                                  | ${false} | ${130}   | ${'run_cancelled'}          | ${'cancelled'}
    ${'any error after abort'} | ${new Error('git killed')}                               | ${true}  | ${130}   | ${'run_cancelled'}          | ${'cancelled'}
  `(
    'reports $case as $code with exit $exitCode',
    async ({ error, aborted, exitCode, code, outcome }) => {
      const reporter = new RecordingReporter();
      const controller = new AbortController();
      if (aborted) controller.abort();

      const result = await reportFailure(reporter, error, {
        logger: silentLogger(),
        signal: controller.signal,
      });

      expect(result).toBe(exitCode);
      expect(reporter.of('failed')).toEqual([
        {
          kind: 'failed',
          failure: expect.objectContaining({ step: 0, total: 0, stepName: 'Setup', code, outcome }),
        },
      ]);
    },
  );
});
