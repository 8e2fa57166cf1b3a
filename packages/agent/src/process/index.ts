export * from './run-process.js';
export * from './scrub-environment.js';
