import { describe, expect, it } from 'vitest';
import { RecordingReporter } from '../../test/fakes/fake-run-context.js';
import { FinalReportGuard } from './final-report-guard.js';

const failure = {
  step: 0,
  total: 0,
  stepName: 'Setup',
  code: 'agent_crashed',
  reason: 'boom',
  outcome: 'failed' as const,
};

describe('progress/final-report-guard', () => {
  it('lets exactly one final report through and drops details after it', async () => {
    const inner = new RecordingReporter();
    const guard = new FinalReportGuard(inner);

    await guard.done({ summary: 'ok', durationMs: 1, changedFiles: [] });
    await guard.failed(failure);
    guard.detail('late');

    expect(inner.events.map((event) => event.kind)).toEqual(['done']);
    expect(guard.finished).toBe(true);
  });

  it('passes phase marks on to the reporter it wraps', () => {
    const inner = new RecordingReporter();

    new FinalReportGuard(inner).markPhase('firstLlmToken');

    expect(inner.phases).toEqual(['firstLlmToken']);
  });

  it('remembers the step in progress', async () => {
    const guard = new FinalReportGuard(new RecordingReporter());
    const progress = {
      step: 3,
      total: 9,
      label: 'Loading',
      stepName: 'LoadCodingPrinciplesCommand',
    };

    await guard.stepStarted(progress);

    expect(guard.currentStep).toEqual(progress);
    expect(guard.finished).toBe(false);
  });
});
