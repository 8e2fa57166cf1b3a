export { gateConfigFromEnv, type GateConfig } from './config/gate-config.js';
export {
  checkCreateContainer,
  type AgentContainerCreate,
  type ApprovedCreate,
} from './policy/create-policy.js';
export {
  MANAGED_BY_FILTER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  imageAllowed,
  isRefusal,
  type GatePolicy,
  type Refusal,
} from './policy/gate-policy.js';
export { withManagedByFilter } from './policy/label-filter.js';
export { routeRequest, type ContainerAction, type GateRoute } from './policy/request-routes.js';
export {
  DockerGate,
  startDockerGate,
  type DockerGateOptions,
  type RunningDockerGate,
} from './server/gate-server.js';
