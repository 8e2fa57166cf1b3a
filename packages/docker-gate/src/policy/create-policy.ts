import { z } from 'zod';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  imageAllowed,
  refuse,
  type GatePolicy,
  type Refusal,
} from './gate-policy.js';

/*
 * The one container shape the dispatcher creates (packages/dispatcher/src/spawners/
 * docker-container-spec.ts). Every object is strict: the engine reads field names
 * case-insensitively, so an unknown key — `Privileged`, `Binds`, or `hostconfig` next to
 * `HostConfig` — is refused rather than ignored, and what is forwarded is the parsed value
 * re-serialised, never the caller's bytes.
 */

const absolutePath = z
  .string()
  .regex(/^\/[^:]*$/, 'must be an absolute path')
  .refine((path) => path !== '/' && !path.split('/').includes('..'), 'must not be / or contain ..');

const anonymousVolume = z.strictObject({
  Type: z.literal('volume', { error: 'only anonymous volumes are allowed' }),
  Source: z.literal('', { error: 'named volumes are not allowed, only anonymous ones' }).optional(),
  Target: absolutePath,
  ReadOnly: z.boolean().optional(),
});

const TMPFS_OPTION =
  /^(rw|ro|exec|noexec|nosuid|nodev|size=\d+[kmg%]?|uid=\d+|gid=\d+|mode=[0-7]{3,4})$/;

const tmpfsOptions = z
  .string()
  .refine(
    (text) => text.split(',').every((option) => TMPFS_OPTION.test(option)),
    'tmpfs options may only be rw, ro, exec, noexec, nosuid, nodev, size, uid, gid and mode',
  )
  .refine(
    (text) => text.split(',').some((option) => option.startsWith('size=')),
    'a tmpfs needs a size= limit',
  );

const positiveInteger = z.number().int().positive();

const hostConfig = z.strictObject({
  AutoRemove: z.boolean().optional(),
  Init: z.literal(true, { error: 'Init must be true (an init reaps what tool commands leave)' }),
  NetworkMode: z.string(),
  CapDrop: z
    .array(z.string())
    .refine((caps) => caps.length === 1 && caps[0] === 'ALL', 'CapDrop must be exactly ["ALL"]'),
  SecurityOpt: z
    .array(z.string())
    .refine(
      (options) =>
        options.length > 0 &&
        options.every((option) => /^no-new-privileges(?:[:=]true)?$/.test(option)),
      'SecurityOpt must be exactly no-new-privileges',
    ),
  ReadonlyRootfs: z.literal(true, { error: 'ReadonlyRootfs must be true' }),
  PidsLimit: positiveInteger,
  Memory: positiveInteger,
  MemorySwap: positiveInteger,
  NanoCpus: positiveInteger,
  Mounts: z.array(anonymousVolume).optional(),
  Tmpfs: z.record(absolutePath, tmpfsOptions).optional(),
});

const createBody = z.strictObject({
  /** dockerode repeats the query's `name` in the body; the engine ignores it there. */
  name: z.string().optional(),
  Image: z.string(),
  Cmd: z.array(z.string()).optional(),
  Labels: z.record(z.string(), z.string()),
  Env: z.array(z.string()).optional(),
  User: z
    .string()
    .regex(/^[1-9]\d*:[1-9]\d*$/, 'User must be a numeric non-root uid:gid, e.g. 1000:1000'),
  WorkingDir: absolutePath.optional(),
  StopSignal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/)
    .optional(),
  HostConfig: hostConfig,
  NetworkingConfig: z.strictObject({
    EndpointsConfig: z.record(z.string(), z.strictObject({})),
  }),
});

export type AgentContainerCreate = z.infer<typeof createBody>;

/** A create request the gate lets through: the container name and the body to forward. */
export interface ApprovedCreate {
  refused: false;
  name: string;
  body: AgentContainerCreate;
}

const CONTAINER_NAME = /^agentsmith-[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (!path && issue.code === 'invalid_type') return 'the create body must be a JSON object';
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((key) => (path ? `${path}.${key}` : key));
    return `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not allowed on an agent container`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `${path} is required on an agent container`;
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * Decides `POST /containers/create?name=<name>` with the parsed JSON `body`: only an agent
 * container of an allowed image on the agent network, with the hardening and limits the Docker
 * spawner sets, no host access of any kind, and the `managed-by` label.
 */
export function checkCreateContainer(
  name: string | undefined,
  body: unknown,
  policy: GatePolicy,
): ApprovedCreate | Refusal {
  if (!name || !CONTAINER_NAME.test(name))
    return refuse(`the container name must be agentsmith-<job id>, got ${JSON.stringify(name)}`);
  const parsed = createBody.safeParse(body);
  if (!parsed.success) return refuse(describeIssue(parsed.error.issues[0]!));
  const create = parsed.data;
  if (create.name !== undefined && create.name !== name)
    return refuse('the name in the body differs from the name in the query');
  if (!imageAllowed(create.Image, policy.images))
    return refuse(
      `image ${create.Image} is not an agent image this gate allows (${policy.images.join(', ')})`,
    );
  if (create.Labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
    return refuse(`the label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} is required`);
  const host = create.HostConfig;
  if (host.NetworkMode !== policy.network)
    return refuse(
      `NetworkMode ${host.NetworkMode} is not the agent network ${policy.network} (host, container: and other networks are refused)`,
    );
  const endpoints = Object.keys(create.NetworkingConfig.EndpointsConfig);
  if (endpoints.length !== 1 || endpoints[0] !== policy.network)
    return refuse(`the container may join only the agent network ${policy.network}`);
  if (host.MemorySwap !== host.Memory)
    return refuse('MemorySwap must equal Memory (no swap beyond the memory limit)');
  return { refused: false, name, body: create };
}
