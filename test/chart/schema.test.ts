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
    assert.match(await renderFailure(['redis.bundled.enabled=false']), /enable redis.bundled, or set redis.external.url/);
    assert.match(await renderFailure(['redis.external.url=redis://r:6379']), /not both/);
    assert.match(await renderFailure(['secrets.existingSecret=s', 'discord.token=abc']), /existingSecret is set/);
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
