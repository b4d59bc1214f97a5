/**
 * Every connection's way to Redis (src/state/redis.ts, redis-check.ts) against real servers: TLS with
 * a self-signed CA and an ACL user, the start-up check's verdicts, and Sentinel mode following a
 * SIGKILL of the primary (the command connection, the keyspace hub) and a demotion (READONLY).
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { KeyspaceHub } from '../../src/reconcile';
import { freePort } from '../../src/state/server';
import { connectRedis } from '../../src/state/redis';
import { checkRedis } from '../../src/state/redis-check';
import type { RedisEndpoint, SentinelEndpoint } from '../../src/state/redis-endpoint';
import { peerAddress, watchPrimaryAddress, type PrimaryChange } from '../../src/state/failover-watch';
import { makeTestCa, startPrimaryReplica, startSentinels, startTlsRedis, type PrimaryReplica, type Sentinels, type TestCa, type TlsRedis } from '../support/redis-topology';
import { waitFor } from '../support/wait';

describe('redis connections', function () {
  this.timeout(60_000);
  const opened: Redis[] = [];
  const open = (endpoint: RedisEndpoint, options: Parameters<typeof connectRedis>[1] = {}): Redis => {
    const c = connectRedis(endpoint, options);
    c.on('error', () => undefined);
    opened.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of opened.splice(0)) if (c.status !== 'end') c.disconnect();
  });

  describe('TLS with a self-signed CA and an ACL user', () => {
    let ca: TestCa;
    let other: TestCa;
    let server: TlsRedis;
    before(async () => {
      [ca, other] = await Promise.all([makeTestCa(), makeTestCa()]);
      server = await startTlsRedis({ caPem: ca.certPem, certPem: ca.certPem, keyPem: ca.keyPem, aclUser: 'hiqty-bot', aclPassword: 'tls pass/word' });
    });
    after(() => server.stop());

    it('connects through rediss:// with the CA, as the ACL user', async () => {
      const endpoint: RedisEndpoint = { kind: 'url', url: server.url, caPem: ca.certPem };
      assert.deepEqual(await checkRedis(endpoint), { kind: 'ok' });
      const c = open(endpoint);
      await c.set('tls-key', 'v');
      assert.equal(await c.get('tls-key'), 'v');
      assert.equal(await c.call('ACL', 'WHOAMI'), 'hiqty-bot');
    });

    it('a CA that does not sign the certificate, or none, is bad configuration naming REDIS_TLS_CA_FILE', async () => {
      const wrong = await checkRedis({ kind: 'url', url: server.url, caPem: other.certPem });
      assert.equal(wrong.kind, 'misconfigured');
      assert.match(wrong.kind === 'misconfigured' ? wrong.message : '', /is not signed by the CA in REDIS_TLS_CA_FILE \(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      const none = await checkRedis({ kind: 'url', url: server.url });
      assert.match(none.kind === 'misconfigured' ? none.message : JSON.stringify(none), /the system's CAs \(REDIS_TLS_CA_FILE is unset\)/);
      assert.ok(!JSON.stringify([wrong, none]).includes('pass/word') && !JSON.stringify([wrong, none]).includes('pass%2Fword'));
    });

    it('a wrong password is bad configuration naming REDIS_URL, without the password', async () => {
      const url = server.url.replace(/:[^:@]+@/, ':not-it@');
      const check = await checkRedis({ kind: 'url', url, caPem: ca.certPem });
      assert.equal(check.kind, 'misconfigured');
      assert.match(check.kind === 'misconfigured' ? check.message : '', /refused the user or password \(WRONGPASS\/NOAUTH\): fix the user and password in REDIS_URL/);
      assert.ok(!JSON.stringify(check).includes('not-it'));
    });

    it('a Redis that is merely away is unreachable, not misconfigured', async () => {
      const check = await checkRedis({ kind: 'url', url: `redis://127.0.0.1:${await freePort()}` }, 2000);
      assert.equal(check.kind, 'unreachable');
    });
  });

  describe('Sentinel mode', () => {
    let topology: PrimaryReplica & Parameters<typeof startSentinels>[0];
    let sentinels: Sentinels;
    let endpoint: SentinelEndpoint;
    before(async function () {
      this.timeout(60_000);
      topology = await startPrimaryReplica({ persistence: false, password: 'node-pass' });
      sentinels = await startSentinels(topology, { count: 3, name: 'hiqty', downAfterMs: 1000, failoverTimeoutMs: 10_000, password: 'sentinel-pass' });
      endpoint = sentinels.endpoint();
    });
    after(() => topology.stop());

    it('the start-up check names the setting to fix: an unknown name, the Sentinels\' password, the nodes\' password', async () => {
      assert.deepEqual(await checkRedis(endpoint), { kind: 'ok' });
      const unknown = await checkRedis({ ...endpoint, name: 'nope' });
      assert.match(unknown.kind === 'misconfigured' ? unknown.message : JSON.stringify(unknown), /monitor no primary named "nope": fix REDIS_SENTINEL_NAME/);
      const sentinelPass = await checkRedis({ ...endpoint, sentinelPassword: 'wrong-s' });
      assert.match(sentinelPass.kind === 'misconfigured' ? sentinelPass.message : JSON.stringify(sentinelPass), /fix REDIS_SENTINEL_PASSWORD/);
      const nodePass = await checkRedis({ ...endpoint, password: 'wrong-n' });
      assert.match(nodePass.kind === 'misconfigured' ? nodePass.message : JSON.stringify(nodePass), /fix REDIS_USERNAME and REDIS_PASSWORD/);
      assert.ok(!JSON.stringify([unknown, sentinelPass, nodePass]).includes('wrong-'));
    });

    it('follows a SIGKILL of the primary: commands work on the promoted replica, one change is seen, keyspace hints flow again', async function () {
      this.timeout(90_000);
      const redis = open(endpoint);
      await redis.ping();
      assert.equal(peerAddress(redis), topology.primary.address);
      const changes: PrimaryChange[] = [];
      watchPrimaryAddress(redis, (change) => changes.push(change));

      const hints: string[] = [];
      const subscriptions: boolean[] = [];
      const hub = new KeyspaceHub({ redis: () => open(endpoint, { maxRetriesPerRequest: null }), pattern: 'hiqty:server:*' });
      hub.listen({ onKey: (key) => hints.push(key), onSubscribed: ({ reconnect }) => subscriptions.push(reconnect) });
      hub.start();
      try {
        await waitFor('the hub subscribed', () => subscriptions.length >= 1, { timeoutMs: 10_000 });
        await redis.set('hiqty:server:1:state', 'playing');
        await waitFor('a hint from the first primary', () => hints.includes('hiqty:server:1:state'), { timeoutMs: 10_000 });

        await topology.kill(topology.primary, 'SIGKILL');
        const promoted = await sentinels.waitForPrimary({ not: topology.primary });
        assert.equal(promoted, topology.replica);
        // The same connection object writes to the new primary once it has moved there.
        await waitFor('a write through the command connection', async () => (await redis.set('after-failover', '1')) === 'OK', { timeoutMs: 30_000, intervalMs: 200 });
        assert.equal(await topology.client(promoted).get('after-failover'), '1');
        assert.equal(peerAddress(redis), promoted.address);
        assert.deepEqual(changes, [{ from: topology.primary.address, to: promoted.address }]);

        // The hub re-subscribed on the new primary, re-applied notify-keyspace-events there, and hints flow.
        await waitFor('the hub to re-subscribe', () => subscriptions.includes(true), { timeoutMs: 30_000 });
        const flags = await topology.client(promoted).config('GET', 'notify-keyspace-events');
        assert.ok(Array.isArray(flags) && typeof flags[1] === 'string' && flags[1].includes('K'), `notify-keyspace-events on the new primary: ${JSON.stringify(flags)}`);
        await waitFor(
          'a hint from the new primary',
          async () => {
            await redis.set('hiqty:server:2:state', 'playing');
            return hints.includes('hiqty:server:2:state');
          },
          { timeoutMs: 10_000, intervalMs: 200 },
        );
      } finally {
        await hub.stop();
      }
    });

    it('a connection left on a demoted primary reconnects on READONLY and resends the write to the new primary', async function () {
      this.timeout(90_000);
      // A fresh pair: after the SIGKILL above the old primary would first have to rejoin as a replica.
      const fresh = await startPrimaryReplica({ persistence: false, password: 'node-pass' });
      try {
        const freshSentinels = await startSentinels(fresh, { name: 'hiqty', password: 'sentinel-pass' });
        await demotion(fresh, freshSentinels, { ...endpoint, sentinels: freshSentinels.nodes.map((n) => ({ host: n.host, port: n.port })) });
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('Sentinel mode over TLS (REDIS_TLS with a CA file)', () => {
    let topology: PrimaryReplica & Parameters<typeof startSentinels>[0];
    let sentinels: Sentinels;
    let ca: TestCa;
    let other: TestCa;
    before(async function () {
      this.timeout(60_000);
      [ca, other] = await Promise.all([makeTestCa(), makeTestCa()]);
      topology = await startPrimaryReplica({ persistence: false, password: 'tls-node-pass', tls: { caPem: ca.certPem, certPem: ca.certPem, keyPem: ca.keyPem } });
      sentinels = await startSentinels(topology, { name: 'tls-primary' });
    });
    after(() => topology?.stop());

    it('connects through TLS Sentinels to the TLS primary; a wrong CA is bad configuration naming REDIS_TLS_CA_FILE', async () => {
      const endpoint: SentinelEndpoint = {
        kind: 'sentinel',
        sentinels: sentinels.nodes.map((n) => ({ host: n.host, port: n.port })),
        name: 'tls-primary',
        password: 'tls-node-pass',
        tls: true,
        caPem: ca.certPem,
      };
      assert.deepEqual(await checkRedis(endpoint), { kind: 'ok' });
      const redis = open(endpoint);
      await redis.set('over-tls', '1');
      assert.equal(peerAddress(redis), topology.primary.address);
      assert.equal(await topology.client(topology.primary).get('over-tls'), '1');
      const wrong = await checkRedis({ ...endpoint, caPem: other.certPem });
      assert.match(wrong.kind === 'misconfigured' ? wrong.message : JSON.stringify(wrong), /the Sentinels at .* is not signed by the CA in REDIS_TLS_CA_FILE/);
    });
  });
});

/** A write on a connection left on a primary that Sentinel demoted (SENTINEL FAILOVER) reaches the new primary. */
async function demotion(topology: PrimaryReplica, sentinels: Sentinels, endpoint: SentinelEndpoint): Promise<void> {
  const current = topology.primary;
  const other = topology.replica;
  const redis = connectRedis(endpoint, { failoverDetector: false });
  redis.on('error', () => undefined);
  try {
    // No failover detector: only the READONLY answer can tell this connection that its primary was demoted.
    await redis.set('before-demotion', '1');
    assert.equal(peerAddress(redis), current.address);
    const sentinel = topology.client(sentinels.nodes[0] ?? current, { password: 'sentinel-pass' });
    await sentinel.call('SENTINEL', 'FAILOVER', 'hiqty');
    await sentinels.waitForPrimary({ not: current, timeoutMs: 30_000 });
    // What Sentinel does to the old primary within its 10 s INFO period, done at once to keep the test short.
    await topology.client(current).call('REPLICAOF', other.host, String(other.port));
    await waitFor('the demoted node to say it is a replica', async () => {
      const role: unknown = await topology.client(current).call('ROLE');
      return Array.isArray(role) && role[0] === 'slave';
    }, { timeoutMs: 30_000, intervalMs: 200 });
    assert.equal(await redis.set('after-demotion', '1'), 'OK');
    assert.equal(peerAddress(redis), other.address);
    assert.equal(await topology.client(other).get('after-demotion'), '1');
  } finally {
    redis.disconnect();
  }
}
