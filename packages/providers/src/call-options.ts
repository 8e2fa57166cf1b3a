/** Options every I/O method of a provider accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}
