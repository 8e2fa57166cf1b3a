import { parseDuration } from '@agentsmith/kit';
import { z } from 'zod';

/** A positive duration such as `90s`, `10m` or `1h30m` (kit's `parseDuration` reads it). */
export const Duration = z
  .string()
  .refine(
    (text) => {
      try {
        return parseDuration(text) > 0;
      } catch {
        return false;
      }
    },
    { message: 'Use a duration such as 90s, 10m or 1h' },
  )
  .describe('A duration such as 90s, 10m or 1h');
