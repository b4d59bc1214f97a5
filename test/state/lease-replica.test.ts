/**
 * Leases on a primary with a replica (README, "Redis failover"): claims and renewals are acted on only
 * once a replica acknowledged them (WAIT), epochs never repeat after a failover that lost the last claim,
 * and a primary restarted without persistence (every lock gone) is a lost lease, not a second holder.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { guildKeys } from '../../src/state/keys';
import { LeaseClient, LeaseKeeper, type Lease, type LossReason } from '../../src/state/lease';
import { startPrimaryReplica, type PrimaryReplica } from '../support/redis-topology';
import { waitFor } from '../support/wait';

const now = (): number => systemClock.monotonic();

describe('state/lease with a replica', function () {
  this.timeout(60_000);
  let topology: PrimaryReplica;
  let primary: Redis;
  let leaseConnection: Redis;

  beforeEach(async () => {
    topology = await startPrimaryReplica({ persistence: false });
    primary = topology.client(topology.primary);
    leaseConnection = topology.client(topology.primary);
  });
  afterEach(async () => {
    // A test may leave the replica stopped (SIGSTOP): let it go before killing everything.
    if (topology.replica.running()) await topology.kill(topology.replica, 'SIGCONT').catch(() => undefined);
    await topology.stop();
  });

  it('a claim and a renewal are confirmed by the replica; the replica has the lock when the claimer acts', async () => {
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs: 3000, waitMs: 1000 });
    const claimed = await leases.claim('g1');
    assert.equal(claimed.kind, 'claimed');
    if (claimed.kind !== 'claimed') return;
    // WAIT returned: the replica holds the lock now, not "soon".
    const replica = topology.client(topology.replica);
    assert.equal(await replica.get(guildKeys('g1').player_lock), claimed.lease.value);
    const before = claimed.lease.deadline;
    const renewed = await leases.renew(claimed.lease);
    assert.equal(renewed.kind, 'renewed');
    assert.ok(claimed.lease.deadline > before, 'a confirmed renewal moves the deadline');
  });

  it('with the replica stalled, a claim is unconfirmed (not played) and a renewal keeps the old deadline', async () => {
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs: 3000, waitMs: 200 });
    const first = await leases.claim('g1');
    assert.equal(first.kind, 'claimed');
    if (first.kind !== 'claimed') return;
    await topology.kill(topology.replica, 'SIGSTOP');
    const deadline = first.lease.deadline;
    const renewed = await leases.renew(first.lease);
    assert.equal(renewed.kind, 'unconfirmed');
    assert.equal(first.lease.deadline, deadline, 'an unconfirmed renewal does not extend the deadline');
    // The lock itself was extended on the primary: only the holder's own deadline stays, which is the safe side.
    assert.equal(await primary.get(guildKeys('g1').player_lock), first.lease.value);

    const second = await leases.claim('g2');
    assert.equal(second.kind, 'unconfirmed');
    if (second.kind !== 'unconfirmed') return;
    assert.match(second.because, /no replica acknowledged within 200 ms/);
    assert.ok(second.retryMs > 0);

    // The replica catches up: claiming again takes our own lock over and is confirmed, with a new epoch.
    await topology.kill(topology.replica, 'SIGCONT');
    const again = await waitFor('a confirmed claim once the replica answers', async () => {
      const r = await leases.claim('g2');
      return r.kind === 'claimed' ? r : undefined;
    });
    // It replaced our own unconfirmed lock (this one, or a later unconfirmed try's), under a larger epoch.
    assert.match(again.replaced ?? '', /^a:\d+$/);
    assert.ok(again.lease.epoch > Number(second.value.split(':')[1]), `epoch ${again.lease.epoch} after ${second.value}`);
  });

  it('a keeper whose renewals go unconfirmed reports the lease expired at its deadline, while the lock still lives', async () => {
    const ttlMs = 1500;
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs, waitMs: 100 });
    const lost: { guild: string; reason: LossReason; at: number }[] = [];
    const keeper = new LeaseKeeper(leases, systemClock, { onLost: (guild, reason) => lost.push({ guild, reason, at: now() }) });
    try {
      const claimed = await keeper.claim('g1');
      assert.equal(claimed.kind, 'claimed');
      if (claimed.kind !== 'claimed') return;
      const lease: Lease = claimed.lease;
      await topology.kill(topology.replica, 'SIGSTOP');
      const stalledAt = now();
      await waitFor('the lease reported expired', () => lost.length > 0, { timeoutMs: 3 * ttlMs + 2000 });
      assert.deepEqual(lost.map((l) => [l.guild, l.reason]), [['g1', 'expired']]);
      // It stopped on its own deadline, which lies within one TTL of the last confirmed renewal.
      assert.ok(lost[0] !== undefined && lost[0].at >= lease.deadline, 'not before the deadline');
      assert.ok(lost[0] !== undefined && lost[0].at - stalledAt <= ttlMs + 1000, `stopped ${lost[0]?.at ?? NaN - stalledAt} ms after the stall`);
      // The primary still has the lock (renewals reached it): the holder gave up without Redis telling it to.
      assert.equal(await primary.get(guildKeys('g1').player_lock), lease.value);
    } finally {
      keeper.stop();
    }
  });

  it('a failover that lost the INCR of the last claim never hands its epoch out again (status or replaced lock)', async () => {
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'b', ttlMs: 3000 });
    const keys = guildKeys('g1');
    // The new primary kept the status a holder wrote at epoch 7 but lost the epoch counter (it reads 3).
    await primary.set(keys.epoch, '3');
    await primary.set(keys.status, JSON.stringify({ instance: 'a', epoch: 7, trackId: null, positionMs: 0, state: 'stopped', updatedAt: 0 }));
    const fromStatus = await leases.claim('g1');
    assert.equal(fromStatus.kind === 'claimed' && fromStatus.lease.epoch, 8);
    assert.equal(await primary.get(keys.epoch), '8', 'the counter moves past it too');

    // Our own lock at epoch 12 survived, the counter did not: the claim that replaces it goes above it.
    await primary.set(keys.player_lock, 'b:12');
    await primary.del(keys.epoch);
    const fromLock = await leases.claim('g1');
    assert.equal(fromLock.kind === 'claimed' && fromLock.lease.epoch, 13);
    assert.equal(fromLock.kind === 'claimed' && fromLock.replaced, 'b:12');

    // A status that is not JSON does not break claiming.
    await primary.set(keys.status, 'not json');
    await primary.del(keys.player_lock);
    const plain = await leases.claim('g1');
    assert.equal(plain.kind === 'claimed' && plain.lease.epoch, 14);
  });

  it('a primary restarted without persistence: the holder loses at its next renewal, before its deadline, and the new claim differs', async () => {
    const ttlMs = 3000;
    const a = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs, waitMs: 250 });
    const lost: { reason: LossReason; at: number }[] = [];
    const keeper = new LeaseKeeper(a, systemClock, { onLost: (_guild, reason) => lost.push({ reason, at: now() }) });
    try {
      const claimed = await keeper.claim('g1');
      assert.equal(claimed.kind, 'claimed');
      if (claimed.kind !== 'claimed') return;
      // Both nodes lose everything: the primary restarts empty, and the replica resyncs from it.
      await topology.kill(topology.primary, 'SIGKILL');
      await topology.restart(topology.primary);
      await topology.waitForReplication();
      assert.equal(await primary.get(guildKeys('g1').player_lock), null);
      await waitFor('the old holder to lose the lease', () => lost.length > 0, { timeoutMs: 2 * ttlMs });
      assert.equal(lost[0]?.reason, 'taken', 'the renewal found no lock: lost at once, not at the deadline');
      assert.ok(lost[0] !== undefined && lost[0].at < claimed.lease.deadline, 'stopped before its deadline');
      assert.equal(keeper.size, 0);

      // Another instance claims; its value differs from the old holder's in instance (the epoch restarted).
      const b = new LeaseClient(topology.client(topology.primary), systemClock, { instance: 'b', ttlMs, waitMs: 250 });
      const taken = await b.claim('g1');
      assert.equal(taken.kind, 'claimed');
      assert.notEqual(taken.kind === 'claimed' && taken.lease.value, claimed.lease.value);
      // The old holder's fenced writes and renewals find someone else's value.
      assert.equal((await a.renew(claimed.lease)).kind, 'lost');
    } finally {
      keeper.stop();
    }
  });

  it('renewSoon renews at once instead of at the next period (after a reconnect)', async () => {
    const ttlMs = 30_000;
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs, waitMs: 250 });
    const keeper = new LeaseKeeper(leases, systemClock, { onLost: () => undefined });
    try {
      const claimed = await keeper.claim('g1');
      assert.equal(claimed.kind, 'claimed');
      if (claimed.kind !== 'claimed') return;
      const before = claimed.lease.deadline;
      // The period is 10 s: a deadline that moves within 5 s was moved by renewSoon.
      keeper.renewSoon();
      await waitFor('the deadline to move', () => claimed.lease.deadline > before, { timeoutMs: 5000 });
    } finally {
      keeper.stop();
    }
  });

  it('without replicas no WAIT is sent: a claim is confirmed at once', async () => {
    // The replica leaves: the primary has none, as after a failover whose old primary is gone.
    await topology.kill(topology.replica, 'SIGKILL');
    await waitFor('the primary to see no replica', async () => /connected_slaves:0/.test(await primary.info('replication')), { timeoutMs: 10_000, intervalMs: 50 });
    const leases = new LeaseClient(leaseConnection, systemClock, { instance: 'a', ttlMs: 3000, waitMs: 5000 });
    const sentAt = now();
    const claimed = await leases.claim('g1');
    assert.equal(claimed.kind, 'claimed');
    // A WAIT would have blocked for its full 5 s: the claim answered well before.
    assert.ok(now() - sentAt < 4000, `took ${now() - sentAt} ms`);
  });
});
