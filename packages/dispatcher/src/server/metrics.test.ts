import { describe, expect, it } from 'vitest';
import { createMetrics, observePhases, renderMetrics } from './metrics.js';

describe('server/metrics', () => {
  it('exposes the numeric fields callers set, as counters and gauges, at every scrape', async () => {
    const metrics = createMetrics();
    metrics.jobsStarted += 2;
    metrics.relayLagMs = 37;

    const first = await renderMetrics(metrics);
    metrics.jobsStarted += 1;
    const second = await renderMetrics(metrics);

    expect(first).toContain('# TYPE agentsmith_jobs_started_total counter');
    expect(first).toContain('agentsmith_jobs_started_total 2\n');
    expect(first).toContain('# TYPE agentsmith_relay_lag_milliseconds gauge');
    expect(first).toContain('agentsmith_relay_lag_milliseconds 37\n');
    expect(second).toContain('agentsmith_jobs_started_total 3\n');
  });

  it('puts each phase of a finished job into the phase histogram, in seconds since received', async () => {
    const metrics = createMetrics();

    observePhases(metrics, { received: 10_000, spawned: 10_400, prOpened: 55_000 });
    observePhases(metrics, { spawned: 1 });
    const text = await renderMetrics(metrics);

    expect(text).toContain('# TYPE agentsmith_job_phase_seconds histogram');
    expect(text).toContain('agentsmith_job_phase_seconds_bucket{le="0.5",phase="spawned"} 1');
    expect(text).toContain('agentsmith_job_phase_seconds_bucket{le="30",phase="prOpened"} 0');
    expect(text).toContain('agentsmith_job_phase_seconds_bucket{le="60",phase="prOpened"} 1');
    expect(text).toContain('agentsmith_job_phase_seconds_sum{phase="prOpened"} 45');
    expect(text).toContain('agentsmith_job_phase_seconds_count{phase="spawned"} 1');
    expect(text).not.toContain('phase="received"');
  });
});
