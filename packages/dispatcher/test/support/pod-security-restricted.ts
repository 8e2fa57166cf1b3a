/**
 * The checks of the Kubernetes Pod Security Standard `restricted` (which includes `baseline`), as
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ lists them for the latest
 * version, over a Pod spec. Returns what violates it; empty means the namespace label
 * `pod-security.kubernetes.io/enforce: restricted` admits the Pod.
 */
type Spec = Record<string, unknown>;
type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: { type?: string };
  capabilities?: { add?: string[]; drop?: string[] };
  procMount?: string;
  windowsOptions?: { hostProcess?: boolean };
};
type Container = {
  name: string;
  securityContext?: SecurityContext;
  ports?: Array<{ hostPort?: number }>;
};

const ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

export function restrictedViolations(podSpec: Spec): string[] {
  const violations: string[] = [];
  const pod = (podSpec['securityContext'] ?? {}) as SecurityContext & { sysctls?: unknown[] };
  const containers = [
    ...((podSpec['containers'] ?? []) as Container[]),
    ...((podSpec['initContainers'] ?? []) as Container[]),
    ...((podSpec['ephemeralContainers'] ?? []) as Container[]),
  ];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (podSpec[field] === true) violations.push(`${field} is true`);
  for (const volume of (podSpec['volumes'] ?? []) as Array<Record<string, unknown>>) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!type || !ALLOWED_VOLUMES.includes(type))
      violations.push(`volume ${String(volume['name'])} is of type ${type}`);
  }
  if ((pod.sysctls ?? []).length > 0) violations.push('pod sets sysctls');
  for (const container of containers) {
    const context = container.securityContext ?? {};
    const name = `container ${container.name}`;
    if (context.privileged) violations.push(`${name} is privileged`);
    if (context.windowsOptions?.hostProcess) violations.push(`${name} is a host process`);
    if (context.procMount && context.procMount !== 'Default')
      violations.push(`${name} sets procMount`);
    if ((container.ports ?? []).some((port) => port.hostPort))
      violations.push(`${name} uses a host port`);
    if (context.allowPrivilegeEscalation !== false)
      violations.push(`${name} does not set allowPrivilegeEscalation: false`);
    if (!(context.runAsNonRoot ?? pod.runAsNonRoot))
      violations.push(`${name} does not set runAsNonRoot: true`);
    if ((context.runAsUser ?? pod.runAsUser) === 0) violations.push(`${name} runs as uid 0`);
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      violations.push(`${name} has no RuntimeDefault or Localhost seccomp profile`);
    if (!(context.capabilities?.drop ?? []).includes('ALL'))
      violations.push(`${name} does not drop ALL capabilities`);
    const added = (context.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) violations.push(`${name} adds ${added.join(', ')}`);
  }
  return violations;
}
