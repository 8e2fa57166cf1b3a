/**
 * Every error code of the system: `AppError.code` (in `@agentsmith/kit`) is typed with
 * {@link ErrorCode}, so a new code is added here first. Codes are snake_case with an area prefix.
 * The codes that reach people are listed in docs/errors.md.
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
  'slack_api_failed',
  'protocol_version_unsupported',
  'protocol_entry_malformed',
  'external_unreachable',
  'external_http_error',
  'external_invalid_response',
  'timeout',
  'unknown_error',
] as const;

/** One of the codes this build knows. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An error code as an `Error` entry carries it: one of ours, or one a newer agent invented (an
 * older dispatcher still relays it as it is).
 */
export type WireErrorCode = ErrorCode | (string & {});
