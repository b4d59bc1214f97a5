import { strict as assert } from 'node:assert';
import { helm, templateArgs } from './helm';

/** helm checks values against values.schema.json before rendering; these must stop there. */
async function renderFailure(set: readonly string[], setString: readonly string[] = []): Promise<string> {
  const result = await helm(templateArgs({ set, setString }));
  assert.notEqual(result.code, 0, `helm template accepted ${[...set, ...setString].join(' ')}`);
  return result.stderr;
}

describe('chart: values.schema.json rejects wrong values', () => {
  it('a wrong type', async () => {
    const message = await renderFailure(['replicaCount=three']);
    assert.match(message, /schema/);
    assert.match(message, /\/replicaCount': got string, want integer/);
  });

  it('an unknown top-level key (a typo)', async () => {
    assert.match(await renderFailure(['replicas=3']), /additional properties 'replicas' not allowed/);
  });

  it('an unknown nested key', async () => {
    assert.match(await renderFailure(['redis.bundled.persistance.enabled=true']), /additional properties 'persistance' not allowed/);
  });

  it('a value outside its range or enum', async () => {
    assert.match(await renderFailure(['terminationGracePeriodSeconds=5']), /terminationGracePeriodSeconds/);
    assert.match(await renderFailure(['logLevel=verbose']), /logLevel/);
    assert.match(await renderFailure(['networkPolicy.clusterCIDRs={10.0.0.0}']), /clusterCIDRs/);
    assert.match(await renderFailure(['redis.external.url=http://redis:6379']), /redis\/external\/url/);
  });

  it('a drain margin that leaves no drain time (checked by the template)', async () => {
    assert.match(await renderFailure(['terminationGracePeriodSeconds=60', 'drain.marginSeconds=60']), /drain.marginSeconds \(60\) must be below terminationGracePeriodSeconds \(60\)/);
  });

  it('contradictory Redis and Secret settings', async () => {
    assert.match(await renderFailure(['redis.bundled.enabled=false']), /enable redis.bundled, or set redis.external.url or redis.external.sentinels/);
    assert.match(await renderFailure(['redis.external.url=redis://r:6379']), /not both/);
    assert.match(await renderFailure(['secrets.existingSecret=s', 'discord.token=abc']), /existingSecret is set/);
  });

  describe('the Redis modes', () => {
    const external = ['redis.bundled.enabled=false'];
    const sentinels = [...external, 'redis.external.sentinels={sentinel-0.redis:26379,10.0.0.5:26379}'];

    it('an unknown bundled mode, too few Sentinels, an unknown anti-affinity or a primary name with a space', async () => {
      assert.match(await renderFailure(['redis.bundled.mode=cluster']), /'\/redis\/bundled\/mode': value must be one of 'standalone', 'sentinel'/);
      assert.match(await renderFailure(['redis.bundled.mode=sentinel', 'redis.bundled.sentinel.replicas=2']), /'\/redis\/bundled\/sentinel\/replicas': minimum: got 2, want 3/);
      assert.match(await renderFailure(['redis.bundled.sentinel.antiAffinity=always']), /'\/redis\/bundled\/sentinel\/antiAffinity': value must be one of 'soft', 'hard'/);
      assert.match(await renderFailure(['redis.bundled.sentinel.name=my master']), /'\/redis\/bundled\/sentinel\/name'/);
      assert.match(await renderFailure(['redis.bundled.sentinel.quorum=2']), /additional properties 'quorum' not allowed/);
    });

    it('a URL and Sentinels at once', async () => {
      assert.match(await renderFailure([...sentinels, 'redis.external.url=redis://r:6379']), /'\/redis\/external\/sentinels': maxItems: got 2, want 0/);
    });

    it('a Sentinel that is not host:port', async () => {
      for (const entry of ['sentinel-0.redis', 'redis://sentinel-0:26379', 'fd00::5:26379', 'sentinel 0:26379']) {
        assert.match(await renderFailure([...external, `redis.external.sentinels={${entry}}`]), /'\/redis\/external\/sentinels\/0'/, entry);
      }
    });

    it('a CA from both a Secret and a ConfigMap, or under a key that is not a file name', async () => {
      assert.match(await renderFailure([...sentinels, 'redis.external.tls.ca.secretName=a', 'redis.external.tls.ca.configMapName=b']), /'\/redis\/external\/tls\/ca\/configMapName': maxLength: got 1, want 0/);
      assert.match(await renderFailure([...sentinels, 'redis.external.tls.ca.secretName=a', 'redis.external.tls.ca.key=../ca.crt']), /'\/redis\/external\/tls\/ca\/key'/);
    });

    it('Sentinel settings without Sentinels, or with the bundled Redis (checked by the template)', async () => {
      for (const setting of ['redis.external.tls.enabled=true', 'redis.external.username=u', 'redis.external.password=p', 'redis.external.sentinelPassword=p']) {
        assert.match(await renderFailure([...external, 'redis.external.url=redis://r:6379', setting]), /go with redis.external.sentinels; a URL carries its user and password itself, and rediss:\/\/ turns TLS on/, setting);
      }
      assert.match(await renderFailure(['redis.external.sentinels={s:26379}']), /set either redis.bundled.enabled or redis.external \(url or sentinels\), not both/);
      assert.match(await renderFailure([...sentinels, 'secrets.existingSecret=creds', 'redis.external.sentinelPassword=p']), /existingSecret is set/);
    });

    it('a CA where no TLS connection would use it (hiqty would exit 2; checked by the template)', async () => {
      assert.match(await renderFailure([...sentinels, 'redis.external.tls.ca.secretName=ca']), /the Sentinel connection is not TLS: set redis.external.tls.enabled=true/);
      assert.match(await renderFailure([...external, 'redis.external.url=redis://r:6379', 'redis.external.tls.ca.configMapName=ca']), /redis.external.url is redis:\/\/: write it as rediss:\/\//);
      assert.match(await renderFailure(['redis.external.tls.ca.secretName=ca']), /the bundled one speaks plain TCP/);
    });

    it('accepts what the README shows (so the refusals above are about the values, not the mode)', async () => {
      for (const set of [['redis.bundled.mode=sentinel'], [...sentinels, 'redis.external.tls.enabled=true', 'redis.external.tls.ca.secretName=redis-ca', 'redis.external.password=p'], [...external, 'redis.external.sentinels={[fd00::5]:26379}']]) {
        const result = await helm(templateArgs({ set }));
        assert.equal(result.code, 0, `${set.join(' ')}: ${result.stderr}`);
      }
    });
  });

  describe('the dashboard', () => {
    const CLIENT_ID = '123456789012345678';
    const valid = ['discord.token=abc', 'dashboard.enabled=true', 'dashboard.clientSecret=s'];
    const withUrl = (url: string) => [...valid, `dashboard.url=${url}`];
    async function accepted(set: readonly string[], setString: readonly string[] = [`dashboard.clientId=${CLIENT_ID}`]): Promise<void> {
      const result = await helm(templateArgs({ set, setString }));
      assert.equal(result.code, 0, result.stderr);
    }

    it('a missing url or client id when enabled', async () => {
      assert.match(await renderFailure(valid, [`dashboard.clientId=${CLIENT_ID}`]), /'\/dashboard\/url': minLength: got 0, want 1/);
      const message = await renderFailure(withUrl('https://music.example.com'));
      assert.match(message, /'\/dashboard\/clientId': minLength/);
      assert.doesNotMatch(message, /dashboard\/url/);
    });

    it('a url that is not an https origin (http only for localhost)', async () => {
      for (const url of ['http://music.example.com', 'https://music.example.com/', 'https://music.example.com/hiqty', 'https://music.example.com?x=1', 'ftp://music.example.com', 'music.example.com', 'https://user@music.example.com']) {
        assert.match(await renderFailure(withUrl(url), [`dashboard.clientId=${CLIENT_ID}`]), /'\/dashboard\/url': .* does not match pattern/, url);
      }
      for (const url of ['https://music.example.com', 'https://music.example.com:8443', 'http://localhost:8080', 'http://127.0.0.1:8080']) await accepted(withUrl(url));
    });

    it('a client id that is not a snowflake string', async () => {
      // --set turns digits into a number, which would lose precision: it has to be --set-string.
      assert.match(await renderFailure([...withUrl('https://music.example.com'), `dashboard.clientId=${CLIENT_ID}`]), /'\/dashboard\/clientId': got number, want string/);
      assert.match(await renderFailure(withUrl('https://music.example.com'), ['dashboard.clientId=my-app']), /'\/dashboard\/clientId': .* does not match pattern/);
    });

    it('an Ingress path that is not a path, or an unknown Ingress key', async () => {
      const ingress = [...withUrl('https://music.example.com'), 'dashboard.ingress.enabled=true'];
      assert.match(await renderFailure([...ingress, 'dashboard.ingress.extraPaths={api}'], [`dashboard.clientId=${CLIENT_ID}`]), /extraPaths\/0/);
      assert.match(await renderFailure([...ingress, 'dashboard.ingress.hosts={a.example.com}'], [`dashboard.clientId=${CLIENT_ID}`]), /additional properties 'hosts' not allowed/);
    });
  });
});
