export * from './build-output-exclude.js';
export * from './detect-test-command.js';
export * from './failures/index.js';
export * from './project-environment.js';
export * from './test-runner.js';
