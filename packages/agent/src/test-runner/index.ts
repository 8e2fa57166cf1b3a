export * from './detect-test-command.js';
export * from './test-runner.js';
