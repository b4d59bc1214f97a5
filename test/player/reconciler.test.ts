/**
 * The Player's reconciler against fakes of its ports (test/player/fakes.ts): every branch where a
 * fenced write answers `lease-lost` must end in the one loss path, and none may re-adopt the lease from
 * memory or spin. The end-to-end tests (lock-vanish, drain-faults) prove the same against the real parts.
 */
import { strict as assert } from 'node:assert';
import { settle } from '../../src/clock';
import { Lease } from '../../src/state';
import { CHANNEL, GUILD, INSTANCE, TTL_MS } from './fakes';
import { harness, playHead, type Harness } from './harness';

/** Everything the one loss path must have done, exactly once. */
function assertLostOnce(h: Harness, reason: 'taken' | 'expired' = 'taken'): void {
  assert.equal(h.reconciler.held().size, 0, 'the session is gone');
  assert.equal(h.leases.held.size, 0, 'the keeper forgot the lease');
  assert.deepEqual(h.counted.lost, [reason], 'the loss was counted once');
  assert.equal(h.lossLines().length, 1, 'the loss was logged once');
  const voice = h.voice.current();
  assert.ok(voice.closed, 'audio stopped and voice dropped');
  assert.equal(voice.leaves, 0, 'no leave payload: it would kick the new owner');
  assert.deepEqual(h.delayed, [{ guild: GUILD, ms: TTL_MS }], 'one wake-up after the cooldown, no immediate re-poke');
}

/** After the loss, with another instance holding the lock: no claim, no join, and no spin. */
async function assertStaysAway(h: Harness): Promise<void> {
  const claims = h.leases.claims;
  const joins = h.voice.joins();
  const opens = h.plays();
  const early = await h.reconcile();
  assert.ok(early.requeueAfterMs !== undefined && early.requeueAfterMs > 0, 'inside the cooldown the guild waits');
  assert.equal(h.leases.claims, claims, 'no claim inside the cooldown');
  await h.clock.advance(TTL_MS);
  const later = await h.reconcile();
  assert.equal(h.leases.claims, claims + 1, 'after the cooldown, one fresh claim in Redis');
  assert.ok(later.requeueAfterMs !== undefined && later.requeueAfterMs >= 100, 'held by the other instance: retry about a TTL later');
  assert.equal(h.reconciler.held().size, 0, 'the lease was not adopted from memory');
  assert.equal(h.voice.joins(), joins, 'no voice join: it would kick the owner');
  assert.equal(h.plays(), opens, 'nothing new was opened');
}

describe('player reconciler: one lease-loss path', () => {
  it('a status checkpoint that answers lease-lost', async () => {
    const h = harness();
    h.world.track('a');
    const track = await playHead(h);
    h.world.lock = 'other:7';
    await h.reconciler.checkpoint();
    assertLostOnce(h);
    assert.ok(track.stopped, 'the stream was closed');
    await assertStaysAway(h);
  });

  it('an advance that answers lease-lost does not replay or start anything', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('b');
    const track = await playHead(h);
    h.store.loseNext('advanceIfHead');
    h.world.lock = 'other:7';
    track.finish();
    // The snapshot still showed our lock (the change raced the script), so the fenced advance is what finds out.
    h.world.lock = `${INSTANCE}:1`;
    await h.reconcile();
    h.world.lock = 'other:7';
    assertLostOnce(h);
    assert.equal(h.world.playlist.length, 2, 'the head stays for the new owner');
    assert.equal(h.plays(), 1, 'the next track was not started');
    await assertStaysAway(h);
  });

  it('a quarantine of a failed track that answers lease-lost', async () => {
    const h = harness();
    h.world.track('bad');
    await h.reconcile();
    h.voice.current().lastPlay().answer({ kind: 'unplayable', reason: 'not audio' });
    await settle();
    h.store.loseNext('quarantine');
    await h.reconcile();
    h.world.lock = 'other:7';
    assertLostOnce(h);
    assert.equal(h.counted.unplayable, 0, 'nobody was told the track failed: it was not quarantined');
    assert.equal(h.world.playlist.length, 1);
    await assertStaysAway(h);
  });

  it('a corrupt head whose quarantine answers lease-lost does not spin', async () => {
    const h = harness();
    h.world.playlist.push('{"not a track": true}');
    h.store.loseNext('quarantine');
    await h.reconcile();
    h.world.lock = 'other:7';
    assertLostOnce(h);
    assert.deepEqual(h.pokes, [], 'no immediate re-poke');
    const reads = h.store.calls.length;
    const again = await h.reconcile();
    assert.ok(again.requeueAfterMs !== undefined && again.requeueAfterMs > 0);
    assert.equal(h.store.calls.length, reads, 'inside the cooldown a reconcile costs no Redis call');
    await assertStaysAway(h);
  });

  it('the first status write of a new track that answers lease-lost', async () => {
    const h = harness();
    h.world.track('a');
    await h.reconcile();
    h.store.loseNext('writeStatus');
    const track = h.voice.current().lastPlay();
    track.answer();
    await settle();
    h.world.lock = 'other:7';
    assertLostOnce(h);
    assert.ok(track.stopped);
    await assertStaysAway(h);
  });

  it('a lock overwritten under the holder is noticed by the next reconcile, before any write', async () => {
    const h = harness();
    h.world.track('a');
    await playHead(h);
    h.world.lock = 'other:7';
    const writes = h.store.calls.filter((c) => c !== 'snapshot').length;
    await h.reconcile();
    assertLostOnce(h);
    assert.equal(h.store.calls.filter((c) => c !== 'snapshot').length, writes, 'found out from the snapshot alone');
    await assertStaysAway(h);
  });

  it('a deleted lock is given back only by a fresh claim in Redis, with a new epoch', async () => {
    const h = harness();
    h.world.track('a');
    await playHead(h);
    h.world.lock = undefined;
    await h.reconcile();
    assertLostOnce(h);
    await h.clock.advance(TTL_MS);
    await h.reconcile();
    assert.equal(h.world.lock, `${INSTANCE}:2`, 'claimed afresh: epoch 2');
    assert.equal(h.reconciler.held().get(GUILD)?.lease.epoch, 2);
  });

  it('a lease the keeper reports lost (renewal or deadline) takes the same path; a stale report is ignored', async () => {
    const h = harness();
    h.world.track('a');
    await playHead(h);
    const session = h.reconciler.held().get(GUILD);
    assert.ok(session);
    const stale = new Lease(GUILD, INSTANCE, 0, `${INSTANCE}:0`, TTL_MS, 0);
    h.reconciler.lose(GUILD, 'expired', stale);
    assert.equal(h.reconciler.held().size, 1, 'a report about another lease changes nothing');
    h.leases.forget(GUILD); // the real keeper forgets before it reports
    h.reconciler.lose(GUILD, 'expired', session.lease);
    h.world.lock = 'other:7';
    assertLostOnce(h, 'expired');
    await assertStaysAway(h);
  });

  it('a dropped voice connection is joined again only after a fenced write proves the lease', async () => {
    const h = harness();
    h.world.track('a');
    await playHead(h);
    h.voice.current().setLink('lost');
    await h.reconcile();
    assert.equal(h.voice.joins(), 2, 'still ours: joined again');
    h.voice.current().setLink('lost');
    h.store.loseNext('writeStatus');
    await h.reconcile();
    h.world.lock = 'other:7';
    assert.equal(h.voice.joins(), 2, 'the drop was Discord handing voice to the new owner: no join back');
    assertLostOnce(h);
  });
});

describe('player reconciler: drains', () => {
  it('a skip during a drain hands the guild over instead of starting the next track', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('b');
    const track = await playHead(h);
    h.reconciler.startDraining();
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 1, 'the track playing at the drain goes on');
    h.world.playlist.shift();
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 0, 'handed over');
    assert.equal(h.world.lock, undefined, 'the lock was released for the next owner');
    assert.equal(h.plays(), 1, 'b was never opened here');
    assert.ok(track.stopped);
    assert.equal(h.counted.handedOver, 1);
    assert.equal(h.voice.current().leaves, 0, 'stays in the channel for the next owner');
  });

  it('the track playing at the drain plays to its end, then the guild is handed over', async () => {
    const h = harness();
    h.world.track('a');
    h.world.track('b');
    const track = await playHead(h);
    h.reconciler.startDraining();
    track.finish();
    await h.reconcile();
    assert.equal(h.world.playlist.length, 1, 'a advanced');
    assert.equal(h.reconciler.held().size, 0);
    assert.equal(h.plays(), 1, 'b is the next owner’s');
  });

  it('releaseAll settles every guild even when releasing fails (Redis away)', async () => {
    const h = harness();
    h.world.track('a');
    await playHead(h);
    h.leases.releaseFails = true;
    const result = await h.reconciler.releaseAll();
    assert.equal(result.released, 1);
    assert.equal(h.reconciler.held().size, 0);
    assert.ok(h.lines.some((l) => l.msg === 'could not release the lease: it expires after its TTL'));
  });
});

describe('player reconciler: a guild this session cannot see', () => {
  it('backs off exponentially without reading Redis, and reconciles at once when Discord delivers it', async () => {
    const h = harness();
    h.world.track('a');
    h.voice.visible.clear();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await h.reconcile();
      waits.push(r.requeueAfterMs ?? 0);
      const reads = h.store.calls.length;
      const early = await h.reconcile();
      assert.equal(h.store.calls.length, reads, 'a reconcile inside the backoff reads nothing');
      assert.ok((early.requeueAfterMs ?? 0) > 0);
      await h.clock.advance(r.requeueAfterMs ?? 0);
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000]);
    assert.equal(h.lines.filter((l) => l.msg.startsWith('guild not visible')).length, 1, 'logged once');
    h.voice.deliver(GUILD);
    h.reconciler.guildSeen(GUILD);
    assert.deepEqual(h.pokes, [GUILD], 'woken at once');
    await h.reconcile();
    assert.equal(h.reconciler.held().size, 1, 'claimed');
    assert.deepEqual(h.voice.current().joins, [CHANNEL]);
  });
});

describe('player reconciler: what a resync reconciles', () => {
  it('leaves out guilds that are surely idle and not held here, in one batched read; keeps every guild it holds', async () => {
    const h = harness();
    h.world.track('a');
    h.world.state = 'stopped';
    assert.deepEqual(await h.reconciler.worthReconciling([GUILD, 'other']), [], 'idle and not held: nothing to reconcile');
    assert.deepEqual(h.store.calls, ['idleAmong'], 'one read for the lot');
    h.world.state = 'playing';
    assert.deepEqual(await h.reconciler.worthReconciling([GUILD, 'other']), [GUILD, 'other'], 'not idle: reconciled');
    await playHead(h);
    h.world.state = 'stopped';
    assert.deepEqual(await h.reconciler.worthReconciling([GUILD, 'other']), [GUILD], 'held here: reconciled even when idle (it must stop and let go)');
  });
});
