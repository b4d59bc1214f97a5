import { strict as assert } from 'node:assert';
import { helm, templateArgs } from './helm';

/** helm checks values against values.schema.json before rendering; these must stop there. */
async function renderFailure(set: readonly string[]): Promise<string> {
  const result = await helm(templateArgs({ set }));
  assert.notEqual(result.code, 0, `helm template accepted ${set.join(' ')}`);
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
});
