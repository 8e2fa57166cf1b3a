export * from './create-logger.js';
export * from './secret-sanitizer.js';
export * from './secret-patterns.js';
