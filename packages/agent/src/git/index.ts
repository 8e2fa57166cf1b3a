export * from './git-checkout.js';
export * from './git-cli.js';
export * from './git-commit.js';
export * from './git-credentials.js';
export * from './git-errors.js';
export * from './git-source-workspace.js';
