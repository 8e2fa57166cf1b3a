export * from './eval-functions.js';
export * from './eval-oracle.js';
export * from './eval-report.js';
export * from './eval-run.js';
export * from './eval-tasks.js';
