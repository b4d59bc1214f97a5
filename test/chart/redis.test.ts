import { strict as assert } from 'node:assert';
import { dryRunInstallArgs, helm, only, ofKind, renderCases, type RenderOptions } from './helm';

// The guards come from kubernetes-models (ESM-only, so import()); render.test.ts validates the full objects.
type Models = Awaited<ReturnType<typeof loadModels>>;
async function loadModels() {
  const [core, apps, networking, policy] = await Promise.all([
    import('kubernetes-models/v1'),
    import('kubernetes-models/apps/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
    import('kubernetes-models/policy/v1'),
  ]);
  return { core, apps, networking, policy };
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };
function envOf(container: { env?: EnvVar[] } | undefined): Map<string, EnvVar> {
  return new Map((container?.env ?? []).map((e) => [e.name, e]));
}

const REDIS_LABELS = { 'app.kubernetes.io/name': 'hiqty', 'app.kubernetes.io/instance': 'hq', 'app.kubernetes.io/component': 'redis' };
const DOMAIN = 'hq-hiqty-redis-headless.music.svc.cluster.local';
const SENTINELS = [0, 1, 2].map((i) => `hq-hiqty-redis-${i}.${DOMAIN}:26379`).join(',');

describe('chart: the Redis modes', () => {
  let models: Models;
  const cases: Record<string, RenderOptions> = {
    standalone: {},
    sentinel: { set: ['redis.bundled.mode=sentinel'] },
    sentinelAlways: { set: ['redis.bundled.mode=sentinel', 'redis.bundled.appendfsync=always'] },
    sentinelHard: { set: ['redis.bundled.mode=sentinel', 'redis.bundled.sentinel.antiAffinity=hard', 'redis.bundled.persistence.enabled=false', 'redis.bundled.sentinel.replicas=5', 'redis.bundled.sentinel.name=music', 'redis.bundled.sentinel.clusterDomain=k8s.example'] },
    external: {
      set: ['redis.bundled.enabled=false', 'redis.external.sentinels={sentinel-a.redis:26379,sentinel-b.redis:26379,[fd00::5]:26380}', 'redis.external.sentinelName=hiqty',
        'redis.external.username=hiqty', 'redis.external.password=node-pw', 'redis.external.sentinelPassword=sentinel-pw', 'redis.external.tls.enabled=true',
        'redis.external.tls.ca.configMapName=redis-ca', 'redis.external.tls.ca.key=ca.pem'],
    },
    externalNoPasswords: { set: ['redis.bundled.enabled=false', 'redis.external.sentinels={s:26379}'] },
    externalExisting: { set: ['redis.bundled.enabled=false', 'redis.external.sentinels={s:26379}', 'secrets.existingSecret=creds', 'redis.external.tls.enabled=true', 'redis.external.tls.ca.secretName=redis-tls'] },
    urlWithCa: { set: ['redis.bundled.enabled=false', 'redis.external.url=rediss://hiqty:pw@redis.example.com:6380', 'redis.external.tls.ca.secretName=redis-tls'] },
  };
  before(async () => {
    models = await loadModels();
  });
  const objects = renderCases(cases);
  const deployment = (name: string) => only(objects(name), models.apps.Deployment.is, 'Deployment');
  const hiqty = (name: string) => {
    const found = deployment(name).spec?.template.spec?.containers.find((c) => c.name === 'hiqty');
    assert.ok(found, 'no hiqty container');
    return found;
  };
  const statefulSet = (name: string) => only(objects(name), models.apps.StatefulSet.is, 'StatefulSet');
  const redisContainer = (name: string, container: string) => {
    const found = statefulSet(name).spec?.template.spec?.containers.find((c) => c.name === container);
    assert.ok(found, `no ${container} container`);
    return found;
  };
  const policy = (name: string, policyName: string) => {
    const found = ofKind(objects(name), models.networking.NetworkPolicy.is).find((p) => p.metadata?.name === policyName);
    assert.ok(found, `no NetworkPolicy ${policyName}`);
    return found;
  };
  const secret = (name: string) => only(objects(name), models.core.Secret.is, 'Secret');

  describe('bundled, mode sentinel', () => {
    it('is a StatefulSet of 3 pods, each a Redis and a Sentinel, behind a headless Service that publishes them before they are ready', () => {
      const sts = statefulSet('sentinel');
      assert.equal(sts.spec?.replicas, 3);
      assert.equal(sts.spec?.podManagementPolicy, 'OrderedReady');
      assert.deepEqual(sts.spec?.template.spec?.containers.map((c) => [c.name, c.ports?.map((p) => [p.name, p.containerPort])]), [['redis', [['redis', 6379]]], ['sentinel', [['sentinel', 26379]]]]);
      const services = ofKind(objects('sentinel'), models.core.Service.is).filter((s) => s.spec?.selector?.['app.kubernetes.io/component'] === 'redis');
      assert.equal(services.length, 1, 'only the headless Service: a ClusterIP over all nodes would send writes to replicas');
      const [headless] = services;
      assert.equal(headless?.metadata?.name, sts.spec?.serviceName);
      assert.equal(headless?.spec?.clusterIP, 'None');
      assert.equal(headless?.spec?.publishNotReadyAddresses, true);
      assert.deepEqual(headless?.spec?.ports?.map((p) => [p.name, p.port]), [['redis', 6379], ['sentinel', 26379]]);
      assert.deepEqual(headless?.spec?.selector, sts.spec?.selector.matchLabels);
    });

    it('gives hiqty the Sentinels by their stable names, the primary\'s name and both passwords from the Secret, and no REDIS_URL', () => {
      const env = envOf(hiqty('sentinel'));
      assert.equal(env.get('REDIS_URL'), undefined);
      assert.equal(env.get('BUNDLED_REDIS_PASSWORD'), undefined);
      assert.equal(env.get('REDIS_SENTINELS')?.value, SENTINELS);
      assert.equal(env.get('REDIS_SENTINEL_NAME')?.value, 'mymaster');
      const ref = { secretKeyRef: { name: 'hq-hiqty', key: 'redis-password' } };
      assert.deepEqual(env.get('REDIS_PASSWORD')?.valueFrom, ref);
      assert.deepEqual(env.get('REDIS_SENTINEL_PASSWORD')?.valueFrom, ref);
      // Each name is a pod of the StatefulSet under its headless Service.
      const sts = statefulSet('sentinel');
      for (const [i, entry] of SENTINELS.split(',').entries()) assert.ok(entry.startsWith(`${sts.metadata?.name}-${i}.${sts.spec?.serviceName}.music.svc.`), entry);
      assert.match(secret('sentinel').stringData?.['redis-password'] ?? '', /^[A-Za-z0-9]{32}$/);
      for (const container of ['redis', 'sentinel']) assert.deepEqual(envOf(redisContainer('sentinel', container)).get('REDIS_PASSWORD')?.valueFrom, ref, container);
    });

    it('follows replicas, the primary\'s name and the cluster domain: a quorum of a majority, one Sentinel per pod', () => {
      const env = envOf(hiqty('sentinelHard'));
      const five = [0, 1, 2, 3, 4].map((i) => `hq-hiqty-redis-${i}.hq-hiqty-redis-headless.music.svc.k8s.example:26379`).join(',');
      assert.equal(env.get('REDIS_SENTINELS')?.value, five);
      assert.equal(env.get('REDIS_SENTINEL_NAME')?.value, 'music');
      assert.equal(statefulSet('sentinelHard').spec?.replicas, 5);
      const scripts = envOf(redisContainer('sentinelHard', 'sentinel'));
      assert.equal(scripts.get('QUORUM')?.value, '3');
      assert.equal(scripts.get('REPLICAS')?.value, '5');
      assert.equal(scripts.get('SENTINEL_NAME')?.value, 'music');
      assert.equal(envOf(redisContainer('sentinel', 'sentinel')).get('QUORUM')?.value, '2');
    });

    it('announces hostnames: Sentinels resolve and announce them, replicas announce theirs', () => {
      const data = only(objects('sentinel'), models.core.ConfigMap.is, 'ConfigMap').data ?? {};
      assert.match(data['start-sentinel.sh'] ?? '', /^sentinel resolve-hostnames yes$/m);
      assert.match(data['start-sentinel.sh'] ?? '', /^sentinel announce-hostnames yes$/m);
      assert.match(data['start-sentinel.sh'] ?? '', /^sentinel announce-ip \$SELF$/m);
      assert.match(data['start-redis.sh'] ?? '', /replica-announce-ip %s/);
      assert.match(data['find-primary.sh'] ?? '', /^SELF="\$\{POD_NAME\}\.\$\{HEADLESS_DOMAIN\}"$/m);
      assert.equal(envOf(redisContainer('sentinel', 'redis')).get('HEADLESS_DOMAIN')?.value, DOMAIN);
      assert.equal(envOf(redisContainer('sentinel', 'redis')).get('STATEFULSET')?.value, statefulSet('sentinel').metadata?.name);
      // Replicas carry the keyspace notifications too, so a promoted one already sends them.
      assert.match(data['redis.conf'] ?? '', /^notify-keyspace-events K\$lgxh$/m);
      assert.match(data['redis.conf'] ?? '', /^appendonly yes$/m);
    });

    it('keeps at most one pod away (PDB) and spreads the pods over nodes: preferred by default, required as an option', () => {
      const pdb = ofKind(objects('sentinel'), models.policy.PodDisruptionBudget.is).find((p) => p.metadata?.name === 'hq-hiqty-redis');
      assert.ok(pdb, 'no PodDisruptionBudget for the Redis pods');
      assert.equal(pdb.spec?.maxUnavailable, 1);
      assert.deepEqual(pdb.spec?.selector?.matchLabels, REDIS_LABELS);
      const soft = statefulSet('sentinel').spec?.template.spec?.affinity?.podAntiAffinity;
      assert.equal(soft?.requiredDuringSchedulingIgnoredDuringExecution, undefined);
      const [preferred] = soft?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      assert.equal(preferred?.podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
      assert.deepEqual(preferred?.podAffinityTerm.labelSelector?.matchLabels, REDIS_LABELS);
      const hard = statefulSet('sentinelHard').spec?.template.spec?.affinity?.podAntiAffinity;
      assert.equal(hard?.preferredDuringSchedulingIgnoredDuringExecution, undefined);
      const [required] = hard?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      assert.equal(required?.topologyKey, 'kubernetes.io/hostname');
      assert.deepEqual(required?.labelSelector?.matchLabels, REDIS_LABELS);
      assert.deepEqual(statefulSet('sentinel').spec?.template.metadata?.labels, REDIS_LABELS);
      // The standalone pod has neither.
      assert.equal(ofKind(objects('standalone'), models.policy.PodDisruptionBudget.is).length, 0);
    });

    it('rolls the pods when the configuration or a script changes (a checksum of the ConfigMap\'s data)', () => {
      const checksum = (name: string) => statefulSet(name).spec?.template.metadata?.annotations?.['checksum/config'];
      assert.match(checksum('sentinel') ?? '', /^[0-9a-f]{64}$/);
      assert.match(only(objects('sentinelAlways'), models.core.ConfigMap.is, 'ConfigMap').data?.['redis.conf'] ?? '', /^appendfsync always$/m);
      assert.notEqual(checksum('sentinelAlways'), checksum('sentinel'));
    });

    it('persists each node\'s data as the standalone Redis does, or uses an emptyDir when persistence is off', () => {
      const withVolume = statefulSet('sentinel');
      assert.equal(withVolume.spec?.volumeClaimTemplates?.[0]?.metadata?.name, 'data');
      assert.equal(withVolume.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage, '1Gi');
      const without = statefulSet('sentinelHard');
      assert.equal(without.spec?.volumeClaimTemplates, undefined);
      assert.ok(without.spec?.template.spec?.volumes?.find((v) => v.name === 'data')?.emptyDir);
      for (const name of ['sentinel', 'sentinelHard']) {
        for (const container of statefulSet(name).spec?.template.spec?.containers ?? []) {
          assert.equal(container.securityContext?.readOnlyRootFilesystem, true, container.name);
          // Everything a container writes is a volume: the data, and the configuration the start script writes.
          const writable = (container.volumeMounts ?? []).filter((m) => m.readOnly !== true).map((m) => m.mountPath).sort();
          assert.deepEqual(writable, container.name === 'redis' ? ['/data', '/run/redis'] : ['/run/sentinel']);
        }
      }
    });

    it('lets hiqty reach the Redis and Sentinel ports, and the nodes reach each other and DNS', () => {
      const bot = policy('sentinel', 'hq-hiqty');
      const toRedis = bot.spec?.egress?.find((rule) => rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'redis'));
      assert.deepEqual(toRedis?.ports?.map((p) => p.port), [6379, 26379]);
      const redis = policy('sentinel', 'hq-hiqty-redis');
      const [ingress] = redis.spec?.ingress ?? [];
      assert.deepEqual(ingress?.ports?.map((p) => p.port), [6379, 26379]);
      assert.deepEqual(ingress?.from?.map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component']), ['bot', 'redis']);
      const egress = redis.spec?.egress ?? [];
      assert.ok(egress.some((rule) => rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'redis') && rule.ports?.some((p) => p.port === 26379)), 'Sentinels cannot reach each other');
      assert.ok(egress.some((rule) => rule.ports?.some((p) => p.port === 53 && p.protocol === 'UDP')), 'no DNS for the announced names');
      // The standalone Redis stays closed: port 6379 from hiqty only, no egress.
      const standalone = policy('standalone', 'hq-hiqty-redis');
      assert.deepEqual(standalone.spec?.egress, []);
      assert.deepEqual(standalone.spec?.ingress?.[0]?.ports?.map((p) => p.port), [6379]);
      const botStandalone = policy('standalone', 'hq-hiqty').spec?.egress?.find((rule) => rule.to?.some((peer) => peer.podSelector !== undefined && peer.namespaceSelector === undefined));
      assert.deepEqual(botStandalone?.ports?.map((p) => p.port), [6379]);
    });
  });

  describe('external Sentinels', () => {
    it('renders REDIS_SENTINELS, the name, the user, both passwords from the Secret and TLS with the CA mounted read-only', () => {
      const container = hiqty('external');
      const env = envOf(container);
      assert.equal(env.get('REDIS_URL'), undefined);
      assert.equal(env.get('REDIS_SENTINELS')?.value, 'sentinel-a.redis:26379,sentinel-b.redis:26379,[fd00::5]:26380');
      assert.equal(env.get('REDIS_SENTINEL_NAME')?.value, 'hiqty');
      assert.equal(env.get('REDIS_USERNAME')?.value, 'hiqty');
      assert.deepEqual(env.get('REDIS_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'hq-hiqty', key: 'redis-password', optional: false } });
      assert.deepEqual(env.get('REDIS_SENTINEL_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'hq-hiqty', key: 'redis-sentinel-password', optional: false } });
      assert.equal(env.get('REDIS_TLS')?.value, 'true');
      assert.equal(env.get('REDIS_TLS_CA_FILE')?.value, '/etc/hiqty/redis-ca/ca.pem');
      const mount = container.volumeMounts?.find((m) => m.mountPath === '/etc/hiqty/redis-ca');
      assert.equal(mount?.readOnly, true);
      const volume = deployment('external').spec?.template.spec?.volumes?.find((v) => v.name === mount?.name);
      assert.deepEqual(volume?.configMap, { name: 'redis-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] });
      const data = secret('external').stringData ?? {};
      assert.equal(data['redis-password'], 'node-pw');
      assert.equal(data['redis-sentinel-password'], 'sentinel-pw');
      assert.equal(data['redis-url'], undefined);
      assert.equal(ofKind(objects('external'), models.apps.StatefulSet.is).length, 0, 'no bundled Redis');
      assert.equal(ofKind(objects('external'), models.networking.NetworkPolicy.is).length, 1, 'no policy for a bundled Redis');
    });

    it('sets no password, user or TLS that was not asked for', () => {
      const env = envOf(hiqty('externalNoPasswords'));
      for (const name of ['REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD', 'REDIS_USERNAME', 'REDIS_TLS', 'REDIS_TLS_CA_FILE', 'REDIS_URL']) assert.equal(env.get(name), undefined, name);
      assert.equal(env.get('REDIS_SENTINELS')?.value, 's:26379');
      assert.equal(env.get('REDIS_SENTINEL_NAME')?.value, 'mymaster');
      assert.deepEqual(Object.keys(secret('externalNoPasswords').stringData ?? {}), []);
    });

    it('with an existingSecret, takes the passwords from it when present there, and the CA from a Secret', () => {
      const container = hiqty('externalExisting');
      const env = envOf(container);
      assert.deepEqual(env.get('REDIS_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'creds', key: 'redis-password', optional: true } });
      assert.deepEqual(env.get('REDIS_SENTINEL_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'creds', key: 'redis-sentinel-password', optional: true } });
      assert.equal(ofKind(objects('externalExisting'), models.core.Secret.is).length, 0);
      const volume = deployment('externalExisting').spec?.template.spec?.volumes?.find((v) => v.name === 'redis-ca');
      assert.deepEqual(volume?.secret, { secretName: 'redis-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
      assert.equal(env.get('REDIS_TLS_CA_FILE')?.value, '/etc/hiqty/redis-ca/ca.crt');
    });

    it('a rediss:// URL takes the CA file too, and nothing of the Sentinel mode', () => {
      const env = envOf(hiqty('urlWithCa'));
      assert.deepEqual(env.get('REDIS_URL')?.valueFrom, { secretKeyRef: { name: 'hq-hiqty', key: 'redis-url' } });
      assert.equal(env.get('REDIS_TLS_CA_FILE')?.value, '/etc/hiqty/redis-ca/ca.crt');
      for (const name of ['REDIS_SENTINELS', 'REDIS_TLS', 'REDIS_PASSWORD']) assert.equal(env.get(name), undefined, name);
      assert.equal(envOf(hiqty('standalone')).get('REDIS_TLS_CA_FILE'), undefined, 'the bundled Redis has no TLS');
    });
  });

  it('NOTES.txt says which Redis mode runs, how to find the primary, and where a NetworkPolicy needs extraEgress', async () => {
    const notes = async (name: string): Promise<string> => {
      const result = await helm(dryRunInstallArgs(cases[name]));
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.slice(result.stdout.indexOf('NOTES:'));
    };
    const sentinel = await notes('sentinel');
    assert.match(sentinel, /^Redis: bundled with Sentinel: StatefulSet hq-hiqty-redis of 3 pods \(Redis and Sentinel each, quorum 2\), primary "mymaster"$/m);
    assert.match(sentinel, /exec hq-hiqty-redis-0 -c sentinel -- .*SENTINEL get-master-addr-by-name mymaster'$/m);
    assert.match(await notes('sentinelHard'), /quorum 3\), primary "music"\n {2}\(append-only file, NOT persisted: emptyDir, a restarted primary comes back empty\); anti-affinity hard\./);
    assert.match(await notes('standalone'), /^Redis: bundled single node hq-hiqty-redis \(append-only file\); a restart pauses every guild\n {2}\(redis.bundled.mode=sentinel for failover\)\.$/m);
    const external = await notes('external');
    assert.match(external, /^Redis: external through Sentinels sentinel-a\.redis:26379, sentinel-b\.redis:26379, \[fd00::5\]:26380, primary "hiqty", TLS with the CA from ConfigMap redis-ca key ca\.pem\.$/m);
    assert.match(external, /networkPolicy\.extraEgress/);
    assert.doesNotMatch(external, /node-pw|sentinel-pw/, 'a password in the notes');
    assert.match(await notes('urlWithCa'), /^Redis: external, URL from Secret hq-hiqty key redis-url, CA from Secret redis-tls key ca\.crt\.$/m);
  });
});
