import { AppError } from '@agentsmith/kit';
import type { RunState } from '../pipeline/run-context.js';

/**
 * Reads what an earlier step produced; a pipeline that leaves the producing step out is a
 * configuration error that names the missing step.
 */
export function requireState<Key extends keyof RunState>(
  state: RunState,
  key: Key,
  producedBy: string,
): NonNullable<RunState[Key]> {
  const value = state[key];
  if (value === undefined || value === null) {
    throw new AppError(
      'config_invalid',
      `This step needs the result of ${producedBy}; add ${producedBy} earlier in the pipeline.`,
    );
  }
  return value;
}
