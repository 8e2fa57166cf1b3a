/**
 * How long the job streams (`job:<id>:out`, `job:<id>:in`) are kept. Both sides write to them
 * (the agent its progress, the dispatcher answers, cancels and the deaths it reports), and both
 * cap and expire them with these values, so neither can trim what the other still needs.
 */

/** Every `XADD` to a job stream trims it to about this many entries. */
export const JOB_STREAM_MAX_ENTRIES = 10_000;

/** A finished job's streams expire after this long (operators can still `XRANGE` them). */
export const FINISHED_JOB_STREAM_TTL_SECONDS = 86_400;

/** The arguments that cap a job stream, between the key and the id of `XADD`. */
export const JOB_STREAM_CAP = ['MAXLEN', '~', String(JOB_STREAM_MAX_ENTRIES)] as const;
