export * from './app-error.js';
export * from './to-app-error.js';
