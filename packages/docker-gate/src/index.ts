export { checkCreateContainer } from './policy/create-policy.js';
export { startDockerGate, type RunningDockerGate } from './server/gate-server.js';
