import { failed, passed, warned, type DoctorCheck } from '@agentsmith/kit';
import type { KubeconfigSource, KubernetesSpawnerSettings } from '../config/spawner-settings.js';
import { reviewSpawnerAccess } from '../spawners/kubernetes/kubernetes-access-review.js';

/**
 * The dispatcher's identity may do what the spawner does (SelfSubjectAccessReviews), and a line
 * on the image, which only the nodes can pull.
 */
export function kubernetesChecks(
  settings: KubernetesSpawnerSettings,
  kubeconfig: KubeconfigSource,
): DoctorCheck[] {
  const namespace = settings.namespace;
  return [
    {
      what: 'Kubernetes rights',
      unreachableFix:
        'check KUBECONFIG (or run inside the cluster) and that the API server is reachable',
      async run(signal) {
        const { cluster, answers } = await reviewSpawnerAccess(kubeconfig, namespace, signal);
        const denied = answers
          .filter((answer) => !answer.allowed)
          .map((answer) => answer.permission);
        if (denied.length > 0) {
          return failed(
            'Kubernetes rights',
            `in namespace ${namespace} on ${cluster} the dispatcher may not: ${denied.join(', ')}`,
            `apply the Role and RoleBinding of deploy/k8s/base/rbac.yaml (or the Helm chart's) to the dispatcher's service account in ${namespace}`,
          );
        }
        return passed(
          'Kubernetes rights',
          `all ${answers.length} permissions the spawner uses are granted in namespace ${namespace} on ${cluster}`,
        );
      },
    },
    {
      what: 'Agent image',
      unreachableFix: 'check AGENTSMITH_IMAGE',
      run: () =>
        Promise.resolve(
          warned(
            'Agent image',
            `${settings.image} (pull policy ${settings.imagePullPolicy}) is pulled by the nodes; the dispatcher cannot see their registries`,
            `run it once to prove the nodes can pull it: kubectl -n ${namespace} run agentsmith-pull-check --rm -i --restart=Never --image ${settings.image} -- --help`,
          ),
        ),
    },
  ];
}
