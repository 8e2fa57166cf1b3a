export * from './errors/index.js';
export * from './logging/index.js';
export * from './async/index.js';
export * from './http/index.js';
export * from './config/index.js';
export * from './ids.js';
export * from './doctor/index.js';
