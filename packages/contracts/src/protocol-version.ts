/**
 * Version of the wire contract between dispatcher and agent. Every bus entry and job spec carries
 * it. Bump it when an entry changes shape in a way an older reader cannot understand; a reader
 * rejects entries from a newer version with a clear, non-retryable error.
 */
export const PROTOCOL_VERSION = 1;
