export * from './github-token-scopes.js';
export * from './llm-key-check.js';
export * from './provider-access-check.js';
export * from './project-groups.js';
