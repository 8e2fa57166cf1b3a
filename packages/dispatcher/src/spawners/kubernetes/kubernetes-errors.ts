/** HTTP status of a failed Kubernetes API call; undefined when the API was not reached at all. */
export function kubernetesStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function bodyText(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return String((JSON.parse(body) as { message?: string }).message ?? body);
    } catch {
      return body;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * A failed Kubernetes API call in words an operator can act on. Quota rejections (403 "exceeded
 * quota") start with "the namespace quota"; missing RBAC with "the dispatcher's ServiceAccount".
 */
export function kubernetesApiProblem(error: unknown, namespace: string): string {
  const status = kubernetesStatus(error);
  const detail = bodyText(error);
  if (status === 403 && /exceeded quota/i.test(detail))
    return `the namespace quota of ${namespace} is exhausted: ${detail}`;
  if (status === 403)
    return `the dispatcher's ServiceAccount may not do this in namespace ${namespace} (403): ${detail}`.trim();
  if (status === 401) return "the Kubernetes API refused the dispatcher's credentials (401)";
  if (status === 404 && /namespaces? .*not found/i.test(detail))
    return `namespace ${namespace} does not exist`;
  if (status !== undefined) return `the Kubernetes API answered ${status}: ${detail}`.trim();
  const cause = error instanceof Error ? error.message : String(error);
  return `cannot reach the Kubernetes API: ${cause}`;
}
