import { z } from 'zod';

/** The `Status` object the API server answers a failed call with (the fields we act on). */
const KubernetesStatusBody = z.object({
  reason: z.string().optional(),
  message: z.string().optional(),
  details: z
    .object({ name: z.string().optional(), kind: z.string().optional() })
    .partial()
    .optional(),
});

/** A failed Kubernetes API call, by its structured fields. */
export interface KubernetesFailure {
  /** HTTP status; undefined when the API was not reached at all. */
  status: number | undefined;
  /** `Status.reason`, e.g. `Forbidden`, `NotFound`, `AlreadyExists`. */
  reason: string | undefined;
  /** `Status.details`: the object the server was deciding about, when it names one. */
  details: { name?: string | undefined; kind?: string | undefined } | undefined;
  /** `Status.message`, for people; never matched on. */
  message: string;
}

function statusBody(body: unknown): z.output<typeof KubernetesStatusBody> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  const parsed = KubernetesStatusBody.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/** Reads a client error (`ApiException`: `code` and `body`) into a {@link KubernetesFailure}. */
export function kubernetesFailure(error: unknown): KubernetesFailure {
  const raw = (error ?? {}) as { code?: unknown; body?: unknown };
  const status = typeof raw.code === 'number' ? raw.code : undefined;
  const body = status === undefined ? {} : statusBody(raw.body);
  return {
    status,
    reason: body.reason,
    details: body.details,
    message: body.message ?? (error instanceof Error ? error.message : String(error)),
  };
}

/** HTTP status of a failed Kubernetes API call; undefined when the API was not reached at all. */
export function kubernetesStatus(error: unknown): number | undefined {
  return kubernetesFailure(error).status;
}

/**
 * The namespace's admission (the ResourceQuota plugin) refused an object: 403 `Forbidden` about
 * a named object. RBAC refuses a create before the object is read, so its `Forbidden` names none.
 */
export function isQuotaRejection(failure: KubernetesFailure): boolean {
  return failure.status === 403 && failure.reason === 'Forbidden' && Boolean(failure.details?.name);
}

/**
 * A failed Kubernetes API call in words an operator can act on, chosen by status, reason and
 * details. Quota rejections start with "the namespace quota"; missing RBAC with "the dispatcher's
 * ServiceAccount".
 */
export function kubernetesApiProblem(error: unknown, namespace: string): string {
  const failure = kubernetesFailure(error);
  const { status, message } = failure;
  if (status === undefined) return `cannot reach the Kubernetes API: ${message}`;
  if (isQuotaRejection(failure))
    return `the namespace quota of ${namespace} is exhausted: ${message}`;
  if (status === 403)
    return `the dispatcher's ServiceAccount may not do this in namespace ${namespace} (403): ${message}`;
  if (status === 401) return "the Kubernetes API refused the dispatcher's credentials (401)";
  if (status === 404 && failure.reason === 'NotFound' && failure.details?.kind === 'namespaces')
    return `namespace ${namespace} does not exist`;
  return `the Kubernetes API answered ${status}: ${message}`.trim();
}
