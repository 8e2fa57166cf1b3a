import { z } from 'zod';

/** How a job ended, as recorded by the agent and the dispatcher. */
export const RunOutcome = z.enum(['succeeded', 'failed', 'cancelled']);
export type RunOutcome = z.infer<typeof RunOutcome>;

/** Agent process exit codes (the container's exit status); see docs/interfaces. */
export const EXIT_CODES = {
  success: 0,
  failed: 1,
  usage: 2,
  cancelled: 130,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export function outcomeFromExitCode(exitCode: number): RunOutcome {
  if (exitCode === EXIT_CODES.success) return 'succeeded';
  if (exitCode === EXIT_CODES.cancelled || exitCode === 143) return 'cancelled';
  return 'failed';
}
