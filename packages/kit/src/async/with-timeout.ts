/** A signal that aborts when any of `signals` does or after `timeoutMs`. */
export function timeoutSignal(
  timeoutMs: number,
  ...signals: (AbortSignal | undefined)[]
): AbortSignal {
  return AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...signals.filter((signal): signal is AbortSignal => signal !== undefined),
  ]);
}
