/**
 * Error codes that cross the process boundary (agent → dispatcher → user). Codes are snake_case
 * with an area prefix. The wire accepts any string so that an older dispatcher can still relay a
 * code a newer agent invented; use {@link isKnownErrorCode} to branch.
 */
export const ERROR_CODES = [
  'config_invalid',
  'config_unknown_project',
  'config_unknown_pipeline',
  'usage_invalid_input',
  'tracker_ticket_not_found',
  'tracker_request_failed',
  'tracker_access_denied',
  'source_access_denied',
  'source_checkout_failed',
  'source_no_changes',
  'git_push_rejected',
  'host_pull_request_failed',
  'llm_rate_limited',
  'llm_unavailable',
  'llm_invalid_response',
  'llm_iteration_limit',
  'budget_exhausted',
  'tests_failed',
  'approval_rejected',
  'run_cancelled',
  'run_deadline_exceeded',
  'agent_crashed',
  'agent_out_of_memory',
  'agent_image_missing',
  'agent_lost',
  'spawner_unavailable',
  'spawner_failed',
  'spawner_quota_exceeded',
  'protocol_version_unsupported',
  'protocol_entry_malformed',
  'unknown_error',
] as const;

/** One of the codes this build knows. */
export type KnownErrorCode = (typeof ERROR_CODES)[number];

/** Any error code on the wire: a known one, or one from a newer peer. */
export type ErrorCode = KnownErrorCode | (string & {});

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
