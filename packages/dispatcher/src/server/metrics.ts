import { JOB_PHASES, type PhaseMarks } from '@agentsmith/contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The dispatcher's Prometheus counters and gauges. */
export interface Metrics {
  jobsStarted: number;
  jobsFinished: number;
  jobsFailed: number;
  slackApiErrors: number;
  relayErrors: number;
  /** Milliseconds between an entry's write and its delivery to Slack (last seen). */
  relayLagMs: number;
  relayEntries: number;
  jobsActive: number;
  /** Requests refused by the access policy or because the job is someone else's. */
  accessRefusals: number;
  /** Requests that had to wait in the admission queue. */
  jobsQueued: number;
}

export function createMetrics(): Metrics {
  return {
    jobsStarted: 0,
    jobsFinished: 0,
    jobsFailed: 0,
    slackApiErrors: 0,
    relayErrors: 0,
    relayLagMs: 0,
    relayEntries: 0,
    jobsActive: 0,
    accessRefusals: 0,
    jobsQueued: 0,
  };
}

const descriptions: Record<keyof Metrics, [string, 'counter' | 'gauge', string]> = {
  jobsStarted: ['agentsmith_jobs_started_total', 'counter', 'Jobs spawned'],
  jobsFinished: ['agentsmith_jobs_finished_total', 'counter', 'Jobs that ended with Done'],
  jobsFailed: [
    'agentsmith_jobs_failed_total',
    'counter',
    'Jobs that ended with Error, failed to spawn or were lost',
  ],
  slackApiErrors: [
    'agentsmith_slack_api_errors_total',
    'counter',
    'Slack Web API calls that failed',
  ],
  relayErrors: ['agentsmith_relay_errors_total', 'counter', 'Relay loop errors (Redis, decoding)'],
  relayLagMs: [
    'agentsmith_relay_lag_milliseconds',
    'gauge',
    'Time from an entry being written to reaching Slack (last entry)',
  ],
  relayEntries: ['agentsmith_relay_entries_total', 'counter', 'Stream entries relayed'],
  jobsActive: ['agentsmith_jobs_active', 'gauge', 'Jobs this replica relays'],
  accessRefusals: [
    'agentsmith_access_refusals_total',
    'counter',
    "Requests refused by the access policy or because the job was someone else's",
  ],
  jobsQueued: [
    'agentsmith_jobs_queued_total',
    'counter',
    'Fix requests that waited in the admission queue (a cap, or a stopping job in the way)',
  ],
};

/** Phase timings span a quarter second (an acknowledgement) to an hour (a long coding loop). */
const PHASE_BUCKETS_SECONDS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

interface MetricsRegistry {
  registry: Registry;
  phaseSeconds: Histogram<'phase'>;
}

// Callers keep incrementing plain numeric fields; the registry reads them when scraped.
const registries = new WeakMap<Metrics, MetricsRegistry>();

function registryOf(metrics: Metrics): MetricsRegistry {
  let entry = registries.get(metrics);
  if (entry) return entry;
  const registry = new Registry();
  for (const key of Object.keys(descriptions) as Array<keyof Metrics>) {
    const [name, type, help] = descriptions[key];
    if (type === 'counter') {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(metrics[key]);
        },
      });
    } else {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(metrics[key]);
        },
      });
    }
  }
  const phaseSeconds = new Histogram({
    name: 'agentsmith_job_phase_seconds',
    help: 'Seconds from the chat message reaching the dispatcher to each phase of a finished job',
    labelNames: ['phase'],
    buckets: PHASE_BUCKETS_SECONDS,
    registers: [registry],
  });
  entry = { registry, phaseSeconds };
  registries.set(metrics, entry);
  return entry;
}

/** Records a finished job's phases (seconds since `received`) in the phase histogram. */
export function observePhases(metrics: Metrics, marks: PhaseMarks): void {
  const origin = marks.received;
  if (origin === undefined) return;
  const { phaseSeconds } = registryOf(metrics);
  for (const phase of JOB_PHASES) {
    const at = marks[phase];
    if (phase === 'received' || at === undefined) continue;
    phaseSeconds.observe({ phase }, Math.max(0, at - origin) / 1000);
  }
}

/** The content type of {@link renderMetrics}' text. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Renders the metrics in the Prometheus text exposition format. */
export function renderMetrics(metrics: Metrics): Promise<string> {
  return registryOf(metrics).registry.metrics();
}
