import { strict as assert } from 'node:assert';
import { BlockList, isIPv6 } from 'node:net';
import { PRODUCTION_VALUES, render, only, ofKind, type RenderOptions, type RenderedObject } from './helm';

// The guards come from kubernetes-models (ESM-only, so import()); render.test.ts validates the full objects.
type Models = Awaited<ReturnType<typeof loadModels>>;
async function loadModels() {
  const [core, apps, rbac, networking, policy] = await Promise.all([
    import('kubernetes-models/v1'),
    import('kubernetes-models/apps/v1'),
    import('kubernetes-models/rbac.authorization.k8s.io/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
    import('kubernetes-models/policy/v1'),
  ]);
  return { core, apps, rbac, networking, policy };
}

function envOf(container: { env?: Array<{ name: string; value?: string; valueFrom?: unknown }> } | undefined) {
  return new Map((container?.env ?? []).map((e) => [e.name, e]));
}

/** Whether some ipBlock of the egress rules lets traffic to address through. */
function egressAllows(rules: ReadonlyArray<{ to?: Array<{ ipBlock?: { cidr: string; except?: string[] } }> }>, address: string): boolean {
  const family = isIPv6(address) ? 'ipv6' : 'ipv4';
  const contains = (cidr: string): boolean => {
    const [net, bits] = cidr.split('/');
    if (net === undefined || bits === undefined || isIPv6(net) !== (family === 'ipv6')) return false;
    const list = new BlockList();
    list.addSubnet(net, Number(bits), family);
    return list.check(address, family);
  };
  return rules.some((rule) => (rule.to ?? []).some((peer) => peer.ipBlock !== undefined && contains(peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(contains)));
}

describe('chart: the rendered Deployment and its companions', () => {
  let models: Models;
  const rendered = new Map<string, RenderedObject[]>();
  const cases: Record<string, RenderOptions> = {
    defaults: {},
    production: { valuesFiles: [PRODUCTION_VALUES] },
    short: { set: ['terminationGracePeriodSeconds=45', 'drain.marginSeconds=15', 'replicaCount=2'] },
  };
  before(async () => {
    models = await loadModels();
    for (const [name, options] of Object.entries(cases)) rendered.set(name, await render(options));
  });
  function objects(name: string): RenderedObject[] {
    const found = rendered.get(name);
    if (found === undefined) throw new Error(`no render ${name}`);
    return found;
  }
  const deployment = (name: string) => only(objects(name), models.apps.Deployment.is, 'Deployment');
  const container = (name: string) => {
    const found = deployment(name).spec?.template.spec?.containers.find((c) => c.name === 'hiqty');
    assert.ok(found, 'no hiqty container');
    return found;
  };

  it('rolls out one new pod at a time and never goes below the wanted count', () => {
    for (const name of Object.keys(cases)) {
      const strategy = deployment(name).spec?.strategy;
      assert.equal(strategy?.type, 'RollingUpdate');
      assert.equal(strategy?.rollingUpdate?.maxSurge, 1);
      assert.equal(strategy?.rollingUpdate?.maxUnavailable, 0);
    }
  });

  it('derives HIQTY_DRAIN_TIMEOUT_MS from the grace period so the drain ends inside it', () => {
    const expected: Record<string, [number, number]> = { defaults: [300, 280_000], production: [600, 570_000], short: [45, 30_000] };
    for (const [name, [grace, drainMs]] of Object.entries(expected)) {
      assert.equal(deployment(name).spec?.template.spec?.terminationGracePeriodSeconds, grace, name);
      assert.equal(envOf(container(name)).get('HIQTY_DRAIN_TIMEOUT_MS')?.value, String(drainMs), name);
      assert.ok(drainMs < grace * 1000, `${name}: drain ${drainMs} ms is not inside ${grace} s`);
    }
  });

  it('has separate startup, liveness (/livez) and readiness (/readyz) probes', () => {
    const c = container('defaults');
    assert.equal(c.startupProbe?.httpGet?.path, '/livez');
    assert.equal(c.livenessProbe?.httpGet?.path, '/livez');
    assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) assert.equal(probe?.httpGet?.port, 'http');
    assert.deepEqual(c.ports?.map((p) => [p.name, p.containerPort]), [['http', 8080]]);
    // The startup probe must allow for connecting to Redis and Discord; readiness must notice a drain quickly.
    assert.ok((c.startupProbe?.periodSeconds ?? 0) * (c.startupProbe?.failureThreshold ?? 0) >= 60);
    assert.ok((c.readinessProbe?.periodSeconds ?? 99) * (c.readinessProbe?.failureThreshold ?? 99) <= 5);
  });

  it('sets resources with a memory limit and no CPU limit', () => {
    const resources = container('defaults').resources;
    assert.ok(resources?.requests?.cpu);
    assert.ok(resources?.requests?.memory);
    assert.ok(resources?.limits?.memory);
    assert.equal(resources?.limits?.cpu, undefined);
  });

  it('runs non-root on a read-only root with every capability dropped; writable paths are emptyDirs', () => {
    for (const name of Object.keys(cases)) {
      const spec = deployment(name).spec?.template.spec;
      assert.equal(spec?.securityContext?.runAsNonRoot, true);
      assert.ok((spec?.securityContext?.runAsUser ?? 0) > 0);
      assert.equal(spec?.securityContext?.seccompProfile?.type, 'RuntimeDefault');
      const sc = container(name).securityContext;
      assert.equal(sc?.readOnlyRootFilesystem, true);
      assert.equal(sc?.allowPrivilegeEscalation, false);
      assert.deepEqual(sc?.capabilities?.drop, ['ALL']);
      const volumes = new Map((spec?.volumes ?? []).map((v) => [v.name, v]));
      const mounts = container(name).volumeMounts ?? [];
      assert.deepEqual(mounts.map((m) => m.mountPath).sort(), ['/tmp', '/var/lib/hiqty']);
      for (const mount of mounts) assert.ok(volumes.get(mount.name)?.emptyDir, `${mount.mountPath} is not an emptyDir`);
      assert.equal(envOf(container(name)).get('HIQTY_DATA_DIR')?.value, '/var/lib/hiqty');
    }
  });

  it('takes the token and Redis from the chart Secret, or from existingSecret', () => {
    const defaults = envOf(container('defaults'));
    assert.equal(defaults.get('DISCORD_TOKEN'), undefined, 'no token by default: the sandbox runs');
    // hiqty refuses REDIS_PASSWORD beside REDIS_URL: the bundled password goes by another name, only into the URL.
    assert.equal(defaults.get('REDIS_PASSWORD'), undefined);
    assert.deepEqual(defaults.get('BUNDLED_REDIS_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'hq-hiqty', key: 'redis-password' } });
    assert.equal(defaults.get('REDIS_URL')?.value, 'redis://:$(BUNDLED_REDIS_PASSWORD)@hq-hiqty-redis:6379/0');
    const names = [...defaults.keys()];
    assert.ok(names.indexOf('BUNDLED_REDIS_PASSWORD') < names.indexOf('REDIS_URL'), 'REDIS_URL refers to BUNDLED_REDIS_PASSWORD, which must come first');
    const secret = only(objects('defaults'), models.core.Secret.is, 'Secret');
    assert.match(secret.stringData?.['redis-password'] ?? '', /^[A-Za-z0-9]{32}$/);

    const production = envOf(container('production'));
    assert.deepEqual(production.get('DISCORD_TOKEN')?.valueFrom, { secretKeyRef: { name: 'hiqty-credentials', key: 'token' } });
    assert.deepEqual(production.get('REDIS_URL')?.valueFrom, { secretKeyRef: { name: 'hiqty-credentials', key: 'url' } });
    assert.equal(ofKind(objects('production'), models.core.Secret.is).length, 0);
    assert.equal(production.get('HIQTY_WORKERS')?.value, '32');
    assert.equal(production.get('HIQTY_KUBE')?.value, 'auto');
    assert.deepEqual(production.get('HIQTY_INSTANCE_ID')?.value, '$(POD_NAME)');
  });

  it('renders a PodDisruptionBudget only with more than one replica', () => {
    assert.equal(ofKind(objects('defaults'), models.policy.PodDisruptionBudget.is).length, 0);
    const pdb = only(objects('production'), models.policy.PodDisruptionBudget.is, 'PodDisruptionBudget');
    assert.equal(pdb.spec?.maxUnavailable, 1);
    assert.deepEqual(pdb.spec?.selector?.matchLabels, deployment('production').spec?.selector.matchLabels);
  });

  it('gives the service account only pod patches and Event creation', () => {
    const role = only(objects('defaults'), models.rbac.Role.is, 'Role');
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['pods'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const binding = only(objects('defaults'), models.rbac.RoleBinding.is, 'RoleBinding');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: deployment('defaults').spec?.template.spec?.serviceAccountName, namespace: 'music' }]);
    assert.equal(deployment('defaults').spec?.template.spec?.automountServiceAccountToken, true);
  });

  it('blocks egress to the metadata address and the cluster ranges, and allows DNS, Redis and the internet', () => {
    for (const name of ['defaults', 'production']) {
      const policy = ofKind(objects(name), models.networking.NetworkPolicy.is).find((p) => p.metadata?.name === 'hq-hiqty');
      assert.ok(policy, `${name}: no NetworkPolicy for the bot`);
      assert.deepEqual(policy.spec?.policyTypes, ['Ingress', 'Egress']);
      const egress = policy.spec?.egress ?? [];
      for (const blocked of ['169.254.169.254', '10.96.0.10', '172.16.5.5', '192.168.1.1', '100.64.0.1', 'fd00:ec2::254']) {
        assert.equal(egressAllows(egress, blocked), false, `${name}: egress to ${blocked} is allowed`);
      }
      for (const open of ['162.159.128.233', '1.1.1.1', '2606:4700::1111']) assert.ok(egressAllows(egress, open), `${name}: no egress to ${open}`);
      assert.ok(egress.some((rule) => rule.ports?.some((p) => p.port === 53 && p.protocol === 'UDP')), 'no DNS rule');
    }
    const defaults = ofKind(objects('defaults'), models.networking.NetworkPolicy.is).find((p) => p.metadata?.name === 'hq-hiqty');
    assert.ok(defaults?.spec?.egress?.some((rule) => rule.ports?.some((p) => p.port === 6379) && rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'redis')), 'no Redis rule');
    const production = ofKind(objects('production'), models.networking.NetworkPolicy.is).find((p) => p.metadata?.name === 'hq-hiqty');
    assert.ok(egressAllows(production?.spec?.egress ?? [], '10.96.0.1'), 'the API server is not reachable with apiServerCIDRs set');
    assert.ok(egressAllows(production?.spec?.egress ?? [], '10.40.0.7'), 'extraEgress is not rendered');
  });

  it('bundles a single-node Redis with AOF persistence and keyspace notifications', () => {
    const config = only(objects('defaults'), models.core.ConfigMap.is, 'ConfigMap').data?.['redis.conf'] ?? '';
    assert.match(config, /^appendonly yes$/m);
    assert.match(config, /^notify-keyspace-events K\$lgxh$/m);
    const redis = only(objects('defaults'), models.apps.StatefulSet.is, 'StatefulSet');
    assert.equal(redis.spec?.replicas, 1);
    assert.equal(redis.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage, '1Gi');
    assert.equal(redis.spec?.template.spec?.containers[0]?.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(ofKind(objects('production'), models.apps.StatefulSet.is).length, 0);
  });

  it('has a Service for metrics and the API, and a helm test pod that asks /readyz through it', () => {
    const service = only(objects('defaults'), (o): o is RenderedObject => models.core.Service.is(o) && o.metadata?.name === 'hq-hiqty', 'bot Service');
    assert.ok(models.core.Service.is(service));
    assert.deepEqual(service.spec?.selector, deployment('defaults').spec?.selector.matchLabels);
    const test = only(objects('defaults'), models.core.Pod.is, 'test Pod');
    assert.equal(test.metadata?.annotations?.['helm.sh/hook'], 'test');
    assert.ok(test.spec?.containers[0]?.command?.includes('http://hq-hiqty:8080/readyz'));
    assert.notEqual(test.metadata?.labels?.['app.kubernetes.io/component'], 'bot', 'the Service would route to the test pod');
  });
});
