import { evaluate } from '@marcbachmann/cel-js';
import { join } from 'node:path';
import { readYamlDocuments, type Manifest } from './render-kustomization.js';

const k8sRoot = join(import.meta.dirname, '../../../../deploy/k8s');

interface PolicySpec {
  variables: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; message: string }>;
}

/** What the API server hands a ValidatingAdmissionPolicy besides the object. */
export interface AdmissionRequest {
  username: string;
  namespace: string;
  /** The `data` of the parameter ConfigMap. */
  params: Record<string, string>;
}

/** The agent-Job ValidatingAdmissionPolicy of deploy/k8s/admission, as plain data. */
export async function readAgentJobPolicy(): Promise<Manifest & { spec: PolicySpec }> {
  const objects = await readYamlDocuments(join(k8sRoot, 'admission/admission-policy.yaml'));
  const policy = objects.find((object) => object.kind === 'ValidatingAdmissionPolicy');
  if (!policy) throw new Error('no ValidatingAdmissionPolicy in deploy/k8s/admission');
  return policy as Manifest & { spec: PolicySpec };
}

/**
 * Evaluates the policy's CEL the way the API server does for a CREATE: `variables` in order, then
 * every validation; returns the messages of the validations that fail (false, or an evaluation
 * error — the policy's failurePolicy is Fail). An empty list means admitted.
 */
export function denials(
  policy: { spec: PolicySpec },
  job: unknown,
  request: AdmissionRequest,
): string[] {
  const context: Record<string, unknown> = {
    object: job,
    oldObject: null,
    params: { data: request.params },
    request: {
      operation: 'CREATE',
      namespace: request.namespace,
      userInfo: { username: request.username },
    },
  };
  const variables: Record<string, unknown> = {};
  for (const variable of policy.spec.variables)
    variables[variable.name] = evaluate(variable.expression, { ...context, variables });
  return policy.spec.validations.flatMap((validation) => {
    try {
      return evaluate(validation.expression, { ...context, variables }) === true
        ? []
        : [validation.message];
    } catch (error) {
      return [`${validation.message} (evaluation error: ${(error as Error).message})`];
    }
  });
}
