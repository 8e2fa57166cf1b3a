/**
 * LLM calls a job has open in this broker process. The budget is checked before a call and billed
 * after it, so parallel calls could all pass one check; capping them at
 * {@link MAX_LLM_CALLS_IN_FLIGHT} bounds the overshoot to that many calls' cost.
 */
export const MAX_LLM_CALLS_IN_FLIGHT = 2;

const inFlight = new Map<string, number>();

/** Takes a slot for `jobId`: a release function, or undefined when the job's slots are all taken. */
export function takeLlmSlot(jobId: string): (() => void) | undefined {
  const open = inFlight.get(jobId) ?? 0;
  if (open >= MAX_LLM_CALLS_IN_FLIGHT) return undefined;
  inFlight.set(jobId, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (inFlight.get(jobId) ?? 1) - 1;
    if (left <= 0) inFlight.delete(jobId);
    else inFlight.set(jobId, left);
  };
}
