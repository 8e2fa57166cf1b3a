export * from './session-format.js';
export { SessionRecorder, type SessionRecorderSettings } from './session-recorder.js';
export { ReplayDivergedError, SessionReplayer } from './session-replayer.js';
export { withModelSession, type ModelSession } from './model-session.js';
