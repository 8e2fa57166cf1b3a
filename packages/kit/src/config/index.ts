export * from './format-issues.js';
export * from './expand-env.js';
export * from './parse-duration.js';
