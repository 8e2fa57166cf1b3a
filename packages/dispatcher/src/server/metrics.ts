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

/** Renders the metrics in the Prometheus text exposition format. */
export function renderMetrics(metrics: Metrics): string {
  return (Object.keys(descriptions) as Array<keyof Metrics>)
    .map((key) => {
      const [name, type, help] = descriptions[key];
      return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${metrics[key]}\n`;
    })
    .join('');
}
