/** The label every agent container carries; the gate acts only on containers that have it. */
export const MANAGED_BY_LABEL = 'managed-by';
export const MANAGED_BY_VALUE = 'agentsmith-dispatcher';
export const MANAGED_BY_FILTER = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** What the gate lets through; built from its environment (see `gateConfigFromEnv`). */
export interface GatePolicy {
  /** Agent images a container may be created from: exact names, `*` matching any characters. */
  images: readonly string[];
  /** The one network agent containers join. */
  network: string;
  /** Directories an archive may be uploaded into (the agent's configuration directory). */
  archiveDirectories: readonly string[];
}

/** A decision the gate refuses, with the reason it tells the caller. */
export interface Refusal {
  refused: true;
  reason: string;
}

export function refuse(reason: string): Refusal {
  return { refused: true, reason };
}

export function isRefusal(value: unknown): value is Refusal {
  return (value as Refusal | null)?.refused === true;
}

/** True when `image` is one of the allowed names (`*` in a name matches any characters). */
export function imageAllowed(image: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${escaped}$`).test(image);
  });
}
