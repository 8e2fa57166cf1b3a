/**
 * Version of the wire contract between dispatcher and agent: every bus entry carries it (field
 * `v`) and every job spec (`AGENTSMITH_JOB_SPEC_VERSION`). Bump it when an entry or the spec
 * changes in a way the other side cannot understand; additive optional fields do not need it.
 * A reader rejects bus entries of a newer version, and the agent refuses a job spec of another
 * version with an `Error` entry naming both (docs/architecture.md, "Versions").
 *
 * 2: the job spec's version, creation time, deadline, thread and requester cross the boundary
 * as environment variables; an agent needs them.
 */
export const PROTOCOL_VERSION = 2;
