export * from './sleep.js';
export * from './with-timeout.js';
export * from './retry.js';
