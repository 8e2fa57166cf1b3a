export * from './check-result.js';
export * from './run-checks.js';
