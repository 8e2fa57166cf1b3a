export * from './protocol-version.js';
export * from './error-codes.js';
export * from './run-outcome.js';
export * from './redis-keys.js';
export * from './bus-entry.js';
export * from './bus-codec.js';
export * from './job-spec.js';
export * from './conversation-state.js';
