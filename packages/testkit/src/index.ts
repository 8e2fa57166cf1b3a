export * from './fake-server.js';
export * from './sign-slack-request.js';
export * from './redis-test-context.js';
export * from './git-test-repo.js';
export * from './docker-test-helpers.js';
