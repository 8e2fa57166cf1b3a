import { z } from 'zod';

/** How a job ended, as recorded by the agent and the dispatcher. */
export const RunOutcome = z.enum(['succeeded', 'failed', 'cancelled']);
export type RunOutcome = z.infer<typeof RunOutcome>;

/** Agent process exit codes (the container's exit status); see docs/cli.md. */
export const EXIT_CODES = {
  success: 0,
  failed: 1,
  usage: 2,
  cancelled: 130,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
