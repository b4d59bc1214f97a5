/**
 * The topology harness itself (test/support/redis-topology.ts): Sentinels fail a SIGKILLed primary
 * over to the replica, which keeps the data written before; the TLS server admits only its ACL user.
 */
import { strict as assert } from 'node:assert';
import { waitFor } from '../support/wait';
import { makeTestCa, startPrimaryReplica, startSentinels, startTlsRedis } from '../support/redis-topology';

describe('redis topology harness', function () {
  this.timeout(60_000);

  it('a SIGKILL of the primary is followed by a Sentinel promotion of the replica', async () => {
    const topology = await startPrimaryReplica({ persistence: false, password: 'node-secret' });
    try {
      const sentinels = await startSentinels(topology, { count: 3, name: 'harness', downAfterMs: 1000, failoverTimeoutMs: 10_000 });
      assert.equal(await sentinels.waitForPrimary(), topology.primary);
      const primary = topology.client(topology.primary);
      await primary.set('before', 'kept');
      assert.equal(await primary.wait(1, 5000), 1, 'the replica acknowledges the write');
      primary.disconnect();

      await topology.kill(topology.primary, 'SIGKILL');
      const promoted = await sentinels.waitForPrimary({ not: topology.primary });
      assert.equal(promoted, topology.replica);
      assert.equal(await topology.client(promoted).get('before'), 'kept');
      assert.equal(sentinels.env().REDIS_SENTINEL_NAME, 'harness');

      // The old primary comes back as a replica of the new one.
      await topology.restart(topology.primary);
      const old = topology.client(topology.primary);
      await waitFor('the old primary to be made a replica', async () => {
        const role: unknown = await old.call('ROLE');
        return Array.isArray(role) && role[0] === 'slave';
      }, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await topology.stop();
    }
  });

  it('a TLS server with an ACL user admits that user with the CA and refuses the default user', async () => {
    const ca = await makeTestCa();
    const server = await startTlsRedis({ caPem: ca.certPem, certPem: ca.certPem, keyPem: ca.keyPem, aclUser: 'hiqty', aclPassword: 'p@ss word' });
    try {
      assert.equal(await server.client().ping(), 'PONG');
      const anonymous = server.client({ username: undefined, password: undefined, enableReadyCheck: false, retryStrategy: () => null });
      await assert.rejects(anonymous.ping(), /NOAUTH/);
      assert.match(server.url, /^rediss:\/\/hiqty:p%40ss%20word@127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
    }
  });
});
