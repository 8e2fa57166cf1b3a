export * from './session-format.js';
export { SessionRecorder } from './session-recorder.js';
export { SessionReplayer } from './session-replayer.js';
export { withModelSession, type ModelSession } from './model-session.js';
