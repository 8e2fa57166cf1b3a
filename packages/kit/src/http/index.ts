export * from './http-client.js';
export * from './answer-unread-request.js';
