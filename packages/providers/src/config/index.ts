export * from './agent-llm-config.js';
export * from './agentsmith-config.js';
export * from './command-names.js';
export * from './config-json-schema.js';
export * from './environment-config.js';
export * from './load-config.js';
export * from './resolve-project.js';
export * from './source-config.js';
