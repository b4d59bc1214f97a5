import { strict as assert } from 'node:assert';
import { PRODUCTION_VALUES, render, type RenderOptions, type RenderedObject } from './helm';
import { loadValidators, type Validate } from './models';

/** Value sets that together render every template of the chart. */
const SCENARIOS: ReadonlyArray<{ name: string; options: RenderOptions; kinds: readonly string[] }> = [
  {
    name: 'default values',
    options: {},
    kinds: ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Pod', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet'],
  },
  {
    name: 'production-like values',
    options: { valuesFiles: [PRODUCTION_VALUES] },
    kinds: ['Deployment', 'Ingress', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ServiceMonitor', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  },
  {
    name: 'the dashboard behind an Ingress, its client secret in the chart Secret',
    options: {
      set: ['discord.token=abc', 'dashboard.enabled=true', 'dashboard.url=https://music.example.com', 'dashboard.clientSecret=s', 'dashboard.ingress.enabled=true', 'dashboard.ingress.tls.secretName=music-tls'],
      setString: ['dashboard.clientId=123456789012345678'],
    },
    kinds: ['ConfigMap', 'Deployment', 'Ingress', 'NetworkPolicy', 'Pod', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet'],
  },
  {
    name: 'bundled Redis without persistence, token in values, Kubernetes integration off',
    options: { set: ['replicaCount=2', 'discord.token=abc', 'redis.bundled.persistence.enabled=false', 'kubernetes.enabled=false', 'networkPolicy.enabled=false', 'tests.enabled=false'] },
    kinds: ['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet'],
  },
  {
    name: 'the bundled Redis with Sentinel, required anti-affinity, no persistence',
    options: { set: ['redis.bundled.mode=sentinel', 'redis.bundled.sentinel.antiAffinity=hard', 'redis.bundled.persistence.enabled=false'] },
    kinds: ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet'],
  },
  {
    name: 'the bundled Redis with Sentinel, 5 pods, persisted, replicated bot',
    options: { set: ['redis.bundled.mode=sentinel', 'redis.bundled.sentinel.replicas=5', 'replicaCount=2', 'discord.token=abc'] },
    kinds: ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet'],
  },
  {
    name: 'external Sentinels with TLS, a CA from a ConfigMap and passwords in the chart Secret',
    options: { set: ['redis.bundled.enabled=false', 'redis.external.sentinels={s-0.redis:26379,s-1.redis:26379}', 'redis.external.username=hiqty', 'redis.external.password=p', 'redis.external.sentinelPassword=q', 'redis.external.tls.enabled=true', 'redis.external.tls.ca.configMapName=redis-ca'] },
    kinds: ['Deployment', 'NetworkPolicy', 'Pod', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount'],
  },
  {
    name: 'external Sentinels over TLS, a CA from a Secret, passwords in an existingSecret',
    options: { set: ['redis.bundled.enabled=false', 'redis.external.sentinels={s:26379}', 'secrets.existingSecret=creds', 'redis.external.tls.enabled=true', 'redis.external.tls.ca.secretName=redis-tls'] },
    kinds: ['Deployment', 'NetworkPolicy', 'Pod', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'],
  },
];

describe('chart: helm template validated against the Kubernetes schemas', () => {
  let validators: ReadonlyMap<string, Validate>;
  before(async () => {
    validators = await loadValidators();
  });

  function validate(object: RenderedObject): void {
    const check = validators.get(`${object.apiVersion}/${object.kind}`);
    if (check === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}: add it to test/chart/models.ts`);
    try {
      check(object);
    } catch (err) {
      throw new Error(`${object.kind} ${object.metadata.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  for (const scenario of SCENARIOS) {
    it(`renders only valid objects with ${scenario.name}`, async () => {
      const objects = await render(scenario.options);
      assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [...scenario.kinds].sort());
      for (const object of objects) validate(object);
      const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      assert.equal(new Set(names).size, names.length, `duplicate objects: ${names.join(', ')}`);
    });
  }

  it('the validator rejects a malformed object (so the checks above can fail)', async () => {
    const [deployment] = (await render()).filter((o) => o.kind === 'Deployment');
    assert.ok(deployment);
    assert.doesNotThrow(() => validate(deployment));
    assert.throws(() => validate({ ...deployment, spec: { replicas: 'three' } }), /replicas must be integer|must have required property/);
    assert.throws(() => validate({ ...deployment, apiVersion: 'apps/v1beta0' }), /no schema/);
  });
});
