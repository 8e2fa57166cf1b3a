export * from './create-logger.js';
export * from './secret-sanitizer.js';
