import { AuthorizationV1Api } from '@kubernetes/client-node';
import type { KubeconfigSource } from '../../config/spawner-settings.js';
import { loadKubeConfig } from './kubernetes-job-spawner.js';

/** Every verb on every resource the Kubernetes spawner and its watch use (deploy/k8s/base/rbac.yaml grants them). */
export const SPAWNER_ACCESS: readonly { group: string; resource: string; verb: string }[] = [
  ...['create', 'get', 'list', 'watch', 'delete'].map((verb) => ({
    group: 'batch',
    resource: 'jobs',
    verb,
  })),
  ...['list', 'watch', 'deletecollection'].map((verb) => ({ group: '', resource: 'pods', verb })),
  { group: '', resource: 'configmaps', verb: 'create' },
  { group: '', resource: 'secrets', verb: 'create' },
  { group: '', resource: 'events', verb: 'list' },
];

/** The answer for one `<verb> <resource>`. */
export interface AccessAnswer {
  /** `create jobs`, `deletecollection pods`. */
  permission: string;
  allowed: boolean;
}

/**
 * Asks the API server, with SelfSubjectAccessReviews, whether the dispatcher's own identity may do
 * everything in {@link SPAWNER_ACCESS} in `namespace` (all asked at once).
 */
export async function reviewSpawnerAccess(
  kubeconfig: Readonly<KubeconfigSource>,
  namespace: string,
  signal: AbortSignal,
): Promise<{ cluster: string; answers: AccessAnswer[] }> {
  const config = loadKubeConfig(kubeconfig);
  const api = config.makeApiClient(AuthorizationV1Api);
  // The client takes no abort signal here; doctor's runner turns a hang into a FAIL line and
  // the process exits after printing, so a late answer is simply dropped.
  signal.throwIfAborted();
  const answers = await Promise.all(
    SPAWNER_ACCESS.map(async ({ group, resource, verb }): Promise<AccessAnswer> => {
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { group, resource, verb, namespace } },
        },
      });
      return { permission: `${verb} ${resource}`, allowed: review.status?.allowed === true };
    }),
  );
  return { cluster: config.getCurrentCluster()?.server ?? 'the cluster', answers };
}
