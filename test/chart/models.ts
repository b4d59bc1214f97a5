/**
 * Kubernetes schemas from kubernetes-models (generated from the upstream OpenAPI), keyed by apiVersion and kind.
 * The package is ESM-only, so it is loaded with import() from these CommonJS tests.
 */
import type { TypeMeta, TypeMetaGuard } from '@kubernetes-models/base';

interface ModelClass<T extends TypeMeta> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly is: TypeMetaGuard<T>;
  new (data: T): { validate(): void };
}

export type Validate = (value: unknown) => void;

function validator<T extends TypeMeta>(model: ModelClass<T>): [string, Validate] {
  return [
    `${model.apiVersion}/${model.kind}`,
    (value) => {
      if (!model.is(value)) throw new Error(`not a ${model.apiVersion} ${model.kind}`);
      new model(value).validate();
    },
  ];
}

/** Validators for every kind the chart may render; an unknown kind is a test failure, not a pass. */
export async function loadValidators(): Promise<ReadonlyMap<string, Validate>> {
  const [core, apps, rbac, policy, networking, admission, monitoring] = await Promise.all([
    import('kubernetes-models/v1'),
    import('kubernetes-models/apps/v1'),
    import('kubernetes-models/rbac.authorization.k8s.io/v1'),
    import('kubernetes-models/policy/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
    import('kubernetes-models/admissionregistration.k8s.io/v1'),
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
  ]);
  return new Map([
    validator(core.ConfigMap),
    validator(core.Pod),
    validator(core.Secret),
    validator(core.Service),
    validator(core.ServiceAccount),
    validator(apps.Deployment),
    validator(apps.StatefulSet),
    validator(rbac.Role),
    validator(rbac.RoleBinding),
    validator(policy.PodDisruptionBudget),
    validator(networking.NetworkPolicy),
    validator(networking.Ingress),
    validator(admission.ValidatingAdmissionPolicy),
    validator(admission.ValidatingAdmissionPolicyBinding),
    validator(monitoring.ServiceMonitor),
  ]);
}
