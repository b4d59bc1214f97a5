import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock, systemClock } from '../../src/clock';
import { GUILDS_KEY, guildIdFromKey, guildKeys, historyKey, interactionKey, parseGuildKey } from '../../src/state/keys';
import { type Lease, LeaseClient } from '../../src/state/lease';
import { HISTORY_LENGTH, newTrackId, type Track } from '../../src/state/schema';
import { GuildStore } from '../../src/state/store';
import { useRedis } from '../support/redis';

let guildSeq = 100;
/** A fresh guild per test, so tests never see each other's keys. */
function newGuild(): string {
  return String(guildSeq++);
}

function track(n: number, extra: Partial<Track> = {}): Track {
  return { id: newTrackId(), url: `https://media.example/${n}.ogg`, title: `track ${n}`, ...extra };
}

describe('state/keys', () => {
  it('builds the schema keys and inverts them', () => {
    const k = guildKeys('123');
    assert.equal(k.playlist, 'hiqty:server:123:playlist');
    assert.equal(k.text_channel, 'hiqty:server:123:text_channel');
    assert.equal(k.player_lock, 'hiqty:server:123:player_lock');
    assert.equal(GUILDS_KEY, 'hiqty:guilds');
    assert.equal(interactionKey('9'), 'hiqty:interaction:9');
    for (const key of Object.values(k)) assert.equal(guildIdFromKey(key), '123');
    assert.deepEqual(parseGuildKey(k.quarantine), { guild: '123', kind: 'quarantine' });
    assert.equal(guildIdFromKey('hiqty:guilds'), undefined);
    assert.equal(guildIdFromKey('hiqty:server:123:unknown'), undefined);
    assert.equal(guildIdFromKey('other:server:123:playlist'), undefined);
    assert.equal(guildIdFromKey('hiqty:interaction:5'), undefined);
  });
});

describe('state/store', function () {
  const redis = useRedis();
  let client: Redis;
  let store: GuildStore;
  let clock: ManualClock;
  let leases: LeaseClient;

  before(() => {
    client = redis.current.client();
    clock = new ManualClock();
    store = new GuildStore(client, clock);
    leases = new LeaseClient(client, systemClock, { instance: 'store-test', ttlMs: 30_000 });
  });

  async function ids(guild: string): Promise<string[]> {
    const { snapshot, corrupt } = await store.snapshot(guild);
    assert.deepEqual(corrupt, []);
    return snapshot.playlist.map((t) => t.id);
  }

  async function claim(guild: string): Promise<Lease> {
    const r = await leases.claim(guild);
    assert.equal(r.kind, 'claimed');
    return r.lease;
  }

  /** How often Redis has run a command (scripts' calls included), from INFO commandstats. */
  async function calls(command: string): Promise<number> {
    const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await client.info('commandstats'));
    return m ? Number(m[1]) : 0;
  }

  async function indexed(guild: string): Promise<boolean> {
    return (await client.sismember(GUILDS_KEY, guild)) === 1;
  }

  describe('enqueue', () => {
    it('appends in order, returns positions and indexes the guild', async () => {
      const g = newGuild();
      const a = [track(1), track(2)];
      assert.deepEqual(await store.enqueue(g, a), { kind: 'enqueued', positions: [0, 1] });
      const b = [track(3)];
      assert.deepEqual(await store.enqueue(g, b), { kind: 'enqueued', positions: [2] });
      assert.deepEqual(await ids(g), [...a, ...b].map((t) => t.id));
      assert.ok(await indexed(g));
      const { snapshot } = await store.snapshot(g);
      assert.deepEqual(snapshot.playlist[0], a[0]);
    });

    it('inserts right after the head with next, in the given order', async () => {
      const g = newGuild();
      const q = [track(1), track(2), track(3)];
      await store.enqueue(g, q);
      const n = [track(10), track(11)];
      assert.deepEqual(await store.enqueue(g, n, { next: true }), { kind: 'enqueued', positions: [1, 2] });
      assert.deepEqual(await ids(g), [q[0], n[0], n[1], q[1], q[2]].map((t) => t!.id));
    });

    it('with next on an empty queue, the first track becomes the head', async () => {
      const g = newGuild();
      const n = [track(1), track(2)];
      assert.deepEqual(await store.enqueue(g, n, { next: true }), { kind: 'enqueued', positions: [0, 1] });
      assert.deepEqual(await ids(g), n.map((t) => t.id));
    });

    it('refuses when the queue would exceed maxLength, writing nothing', async () => {
      const g = newGuild();
      assert.equal((await store.enqueue(g, [track(1), track(2)], { maxLength: 3 })).kind, 'enqueued');
      assert.deepEqual(await store.enqueue(g, [track(3), track(4)], { maxLength: 3 }), { kind: 'queue-full', limit: 3 });
      assert.equal((await ids(g)).length, 2);
      assert.equal((await store.enqueue(g, [track(3)], { maxLength: 3 })).kind, 'enqueued');
      assert.deepEqual(await store.enqueue(g, [track(4)], { maxLength: 3, next: true }), { kind: 'queue-full', limit: 3 });
      assert.equal((await ids(g)).length, 3);
    });

    it('refuses when one requester would exceed maxPerUser, counting the head', async () => {
      const g = newGuild();
      const alice = { id: '1', name: 'alice' };
      const bob = { id: '2', name: 'bob' };
      await store.enqueue(g, [track(1, { requester: alice }), track(2, { requester: bob }), track(3)]);
      assert.equal((await store.enqueue(g, [track(4, { requester: alice })], { maxPerUser: 2 })).kind, 'enqueued');
      assert.deepEqual(await store.enqueue(g, [track(5, { requester: alice })], { maxPerUser: 2 }), { kind: 'user-limit', limit: 2 });
      assert.deepEqual(await store.enqueue(g, [track(6, { requester: bob }), track(7, { requester: bob })], { maxPerUser: 2 }), {
        kind: 'user-limit',
        limit: 2,
      });
      assert.equal((await store.enqueue(g, [track(8, { requester: bob })], { maxPerUser: 2 })).kind, 'enqueued');
      // Tracks without a requester count for nobody.
      assert.equal((await store.enqueue(g, [track(9), track(10)], { maxPerUser: 1 })).kind, 'enqueued');
      assert.equal((await ids(g)).length, 7);
    });

    it('rejects a track that would not decode, writing nothing', async () => {
      const g = newGuild();
      const r = await store.enqueue(g, [track(1), { id: '', url: 'x' }]);
      assert.equal(r.kind, 'invalid');
      assert.match(r.kind === 'invalid' ? r.problems.join() : '', /track 1: id: got "", expected a non-empty string/);
      assert.equal(await client.exists(guildKeys(g).playlist), 0);
      assert.equal(await indexed(g), false);
    });

    // Lua's unpack gives up near 8000 values, and one push per track made 10,000 commands: the scripts push in chunks.
    it('enqueues a 10,000-track playlist in one call, in order, at the end and after the head', async function () {
      this.timeout(60_000);
      const g = newGuild();
      const head = [track(0), track(1)];
      await store.enqueue(g, head);
      const many = Array.from({ length: 10_000 }, (_, i) => track(100 + i));
      const rpushBefore = await calls('rpush');
      assert.deepEqual(await store.enqueue(g, many), { kind: 'enqueued', positions: many.map((_, i) => 2 + i) });
      assert.equal((await calls('rpush')) - rpushBefore, 10, 'ten pushes of 1000, not one per track');
      const next = Array.from({ length: 8_500 }, (_, i) => track(20_000 + i));
      const lpushBefore = await calls('lpush');
      assert.deepEqual(await store.enqueue(g, next, { next: true }), { kind: 'enqueued', positions: next.map((_, i) => 1 + i) });
      assert.equal((await calls('lpush')) - lpushBefore, 9 + 1, 'nine chunks, then the head back on top');
      assert.deepEqual(await ids(g), [head[0], ...next, head[1], ...many].map((t) => t!.id));
    });

    it('enqueueAndPlay takes 9,000 tracks in one call as well', async function () {
      this.timeout(60_000);
      const g = newGuild();
      const many = Array.from({ length: 9_000 }, (_, i) => track(i));
      const r = await store.enqueueAndPlay(g, many, { channel: '123456789012345678' });
      assert.deepEqual(r, { kind: 'enqueued', positions: many.map((_, i) => i) });
      assert.deepEqual(await ids(g), many.map((t) => t.id));
    });
  });

  describe('queuePage', () => {
    it('returns one page with queue indexes and the totals of the whole queue, garbage reported', async () => {
      const g = newGuild();
      const q = Array.from({ length: 25 }, (_, i) => track(i, i % 2 === 0 ? { durationMs: 10_000 } : {}));
      await store.enqueue(g, q);
      await client.lset(guildKeys(g).playlist, 11, 'garbage');
      await client.lset(guildKeys(g).playlist, 12, JSON.stringify({ ...track(99), durationMs: 10_000, startMs: 4000 }));
      const page = await store.queuePage(g, 10, 10);
      assert.equal(page.length, 25);
      assert.deepEqual(page.entries.map((e) => e.index), [10, 12, 13, 14, 15, 16, 17, 18, 19]);
      assert.deepEqual(page.corrupt.map((c) => [c.index, c.raw]), [[11, 'garbage']]);
      // 13 even indexes carry 10 s; index 12 (even) now starts at 4 s: 12 × 10 s + 6 s.
      assert.deepEqual([page.knownDurationMs, page.knownDurations], [126_000, 13]);
      const last = await store.queuePage(g, 20, 10);
      assert.deepEqual(last.entries.map((e) => e.track.id), q.slice(20).map((t) => t.id));
      assert.deepEqual((await store.queuePage(newGuild(), 0, 10)).length, 0);
    });
  });

  describe('snapshot head form', () => {
    it("{ queue: 'head' } reads the head and the whole length, and the rest as the full form", async () => {
      const g = newGuild();
      const q = Array.from({ length: 50 }, (_, i) => track(i));
      await store.enqueue(g, q);
      await store.setChannel(g, '123456789012345678');
      await store.setState(g, 'playing');
      const full = await store.snapshot(g);
      const head = await store.snapshot(g, { queue: 'head' });
      assert.deepEqual(head.snapshot.playlist, [q[0]]);
      assert.equal(head.snapshot.playlistLength, 50);
      assert.deepEqual(head.snapshot.head, full.snapshot.head);
      assert.deepEqual({ ...head.snapshot, playlist: [] }, { ...full.snapshot, playlist: [] }, 'everything but the list is the same');
      const two = await store.snapshot(g, { queue: { first: 2 } });
      assert.deepEqual(two.snapshot.playlist, [q[0], q[1]]);
      assert.equal(two.snapshot.playlistLength, 50);
    });

    it('an undecodable head is the head (to quarantine) and counts in the length; entries past the head are not read', async () => {
      const g = newGuild();
      await client.rpush(guildKeys(g).playlist, 'garbage', JSON.stringify(track(1)), 'more garbage');
      const { snapshot, corrupt } = await store.snapshot(g, { queue: 'head' });
      assert.equal(snapshot.head?.kind, 'corrupt');
      assert.deepEqual(snapshot.playlist, []);
      assert.equal(snapshot.playlistLength, 3);
      assert.deepEqual(corrupt.map((c) => [c.where, c.index, c.raw]), [['playlist', 0, 'garbage']]);
    });

    it('an empty queue: no head, length 0; a playlist of the wrong type is reported, not fatal', async () => {
      const g = newGuild();
      const empty = await store.snapshot(g, { queue: 'head' });
      assert.equal(empty.snapshot.head, undefined);
      assert.equal(empty.snapshot.playlistLength, 0);
      await client.set(guildKeys(g).playlist, 'not a list');
      const wrong = await store.snapshot(g, { queue: 'head' });
      assert.equal(wrong.snapshot.playlistLength, 0);
      assert.equal(wrong.corrupt.filter((c) => c.where === 'playlist').length, 2, 'the LRANGE and the LLEN both refuse');
    });
  });

  describe('isIdle', () => {
    it('answers idle only when the guild surely wants no player, and not idle whenever in doubt', async () => {
      const g = 'idle-guild';
      const k = guildKeys(g);
      const idle = (): Promise<boolean> => store.isIdle(g);
      assert.equal(await idle(), true, 'nothing at all');
      await client.rpush(k.playlist, JSON.stringify({ id: 'a', url: 'https://example.org/a.ogg' }));
      assert.equal(await idle(), true, 'a queue but no channel');
      await client.set(k.channel, '123456789012345678');
      assert.equal(await idle(), true, 'a queue in a channel, no state (stopped by default)');
      await client.set(k.state, 'playing');
      assert.equal(await idle(), false, 'playing a queue in a channel');
      await client.set(k.state, 'stopped');
      assert.equal(await idle(), true, 'stopped');
      await client.hset(k.settings, 'stay', '1');
      assert.equal(await idle(), false, 'stopped but 24/7');
      await client.hset(k.settings, 'stay', 'maybe');
      assert.equal(await idle(), false, 'an odd stay is for the snapshot to report');
      await client.hset(k.settings, 'stay', 'false');
      await client.set(k.state, 'paused');
      assert.equal(await idle(), false, 'paused holds the guild');
      await client.del(k.playlist);
      assert.equal(await idle(), true, 'an empty queue');
      await client.sadd(k.playlist, 'x');
      assert.equal(await idle(), false, 'a queue of the wrong type is for the snapshot to report');
    });
  });

  describe('idleAmong and lockedBy (one round trip for a resync slice)', () => {
    it('idleAmong answers as isIdle does, guild by guild', async () => {
      const guilds = ['among-1', 'among-2', 'among-3', 'among-4'];
      const [stopped, playing, stay, wrongType] = guilds.map((g) => guildKeys(g));
      await client.set(stopped!.channel, '1');
      await client.set(stopped!.state, 'stopped');
      await client.set(playing!.channel, '1');
      await client.set(playing!.state, 'playing');
      await client.rpush(playing!.playlist, JSON.stringify({ id: 'a', url: 'https://example.org/a.ogg' }));
      await client.set(stay!.channel, '1');
      await client.hset(stay!.settings, 'stay', '1');
      await client.set(wrongType!.channel, '1');
      await client.sadd(wrongType!.playlist, 'x');
      await client.set(wrongType!.state, 'playing');
      const idle = await store.idleAmong([...guilds, 'among-nothing']);
      assert.deepEqual([...idle].sort(), ['among-1', 'among-nothing']);
      for (const g of [...guilds, 'among-nothing']) assert.equal(idle.has(g), await store.isIdle(g), g);
    });

    it('lockedBy keeps the guilds whose lock names the instance, and nothing for an odd lock value', async () => {
      await client.set(guildKeys('locked-1').player_lock, 'me:3');
      await client.set(guildKeys('locked-2').player_lock, 'other:4');
      await client.set(guildKeys('locked-3').player_lock, 'not a lock value');
      const held = await store.lockedBy('me', ['locked-1', 'locked-2', 'locked-3', 'locked-4']);
      assert.deepEqual([...held], ['locked-1']);
    });

    it('an empty list is answered without a round trip', async () => {
      assert.equal((await store.idleAmong([])).size, 0);
      assert.equal((await store.lockedBy('me', [])).size, 0);
    });
  });

  describe('history', () => {
    it('keeps tracks that ended or were skipped, newest first, with when; not a track looping on itself', async () => {
      const g = newGuild();
      const q = [{ ...track(1), extra: { keep: 'me' } }, track(2), track(3)];
      await store.enqueue(g, q);
      const lease = await claim(g);
      const t0 = clock.now();
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'advanced' });
      await clock.advance(5_000);
      assert.deepEqual(await store.skipIfHead(g, q[1]!.id), { kind: 'skipped', requeued: false });
      await store.setSettings(g, { loop: 'track' });
      assert.equal((await store.advanceIfHead(g, q[2]!.id, lease)).kind, 'looped');
      const h = await store.history(g);
      assert.deepEqual(h.corrupt, []);
      assert.deepEqual(h.entries.map((e) => [e.index, e.entry.track.id, e.entry.playedAt]), [[0, q[1]!.id, t0 + 5_000], [1, q[0]!.id, t0]]);
      // The whole entry is kept, fields hiqty does not know included.
      assert.deepEqual(h.entries[1]!.entry.track, q[0]);
      assert.deepEqual((await store.history(g, 1)).entries.map((e) => e.entry.track.id), [q[1]!.id]);
    });

    it(`keeps only the last ${HISTORY_LENGTH}; a corrupt element is reported where it is and left in place`, async () => {
      const g = newGuild();
      const q = Array.from({ length: HISTORY_LENGTH + 5 }, (_, i) => track(i));
      await store.enqueue(g, q);
      for (const t of q) assert.deepEqual(await store.skipIfHead(g, t.id), { kind: 'skipped', requeued: false });
      assert.equal(await client.llen(historyKey(g)), HISTORY_LENGTH);
      const h = await store.history(g);
      assert.equal(h.entries[0]!.entry.track.id, q[q.length - 1]!.id);
      assert.equal(h.entries[HISTORY_LENGTH - 1]!.entry.track.id, q[5]!.id);
      await client.lset(historyKey(g), 1, '{"playedAt":"yesterday"}');
      const damaged = await store.history(g, 3);
      assert.deepEqual(damaged.entries.map((e) => e.index), [0, 2]);
      assert.equal(damaged.corrupt.length, 1);
      assert.equal(damaged.corrupt[0]!.where, 'history');
      assert.equal(damaged.corrupt[0]!.index, 1);
      assert.equal(await client.llen(historyKey(g)), HISTORY_LENGTH);
    });
  });

  describe('advanceIfHead', () => {
    it('removes the head only if it is the ended track: two calls remove one entry', async () => {
      const g = newGuild();
      const q = [track(1), track(2), track(3)];
      await store.enqueue(g, q);
      const lease = await claim(g);
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'advanced' });
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'not-head' });
      assert.deepEqual(await ids(g), [q[1]!.id, q[2]!.id]);
      assert.deepEqual(await store.advanceIfHead(g, q[2]!.id, lease), { kind: 'not-head' });
      assert.equal((await ids(g)).length, 2);
    });

    it('removes exactly one entry when many calls for the same track race, from several clients', async () => {
      const g = newGuild();
      const q = [track(1), track(2), track(3)];
      await store.enqueue(g, q);
      const lease = await claim(g);
      const stores = [store, ...Array.from({ length: 4 }, () => new GuildStore(redis.current.client(), clock))];
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.advanceIfHead(g, q[0]!.id, lease)));
      assert.equal(results.filter((r) => r.kind === 'advanced').length, 1);
      assert.equal(results.filter((r) => r.kind === 'not-head').length, 19);
      assert.deepEqual(await ids(g), [q[1]!.id, q[2]!.id]);
    });

    it('loop track: restarts the head under a new id, once, keeping its other fields', async () => {
      const g = newGuild();
      const head = { ...track(1, { requester: { id: '7', name: 'x' }, durationMs: 1000 }), extra: { nested: [1, 2], keep: 'me' } };
      const second = track(2);
      await store.enqueue(g, [head, second]);
      await store.setSettings(g, { loop: 'track' });
      const lease = await claim(g);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.advanceIfHead(g, head.id, lease)));
      assert.equal(results.filter((r) => r.kind === 'looped').length, 1);
      assert.deepEqual(results.find((r) => r.kind === 'looped'), { kind: 'looped', mode: 'track' });
      const { snapshot } = await store.snapshot(g);
      assert.equal(snapshot.playlist.length, 2);
      const looped = snapshot.playlist[0]!;
      assert.notEqual(looped.id, head.id);
      assert.deepEqual({ ...looped, id: head.id }, head);
      assert.equal(snapshot.playlist[1]!.id, second.id);
    });

    it('loop queue: moves the head to the back under a new id', async () => {
      const g = newGuild();
      const q = [track(1), track(2), track(3)];
      await store.enqueue(g, q);
      await store.setSettings(g, { loop: 'queue' });
      const lease = await claim(g);
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'looped', mode: 'queue' });
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'not-head' });
      const { snapshot } = await store.snapshot(g);
      assert.deepEqual(
        snapshot.playlist.slice(0, 2).map((t) => t.id),
        [q[1]!.id, q[2]!.id],
      );
      const back = snapshot.playlist[2]!;
      assert.notEqual(back.id, q[0]!.id);
      assert.deepEqual({ ...back, id: q[0]!.id }, q[0]);
    });

    it('loop queue with one track plays it again under a new id', async () => {
      const g = newGuild();
      const only = track(1);
      await store.enqueue(g, [only]);
      await store.setSettings(g, { loop: 'queue' });
      const lease = await claim(g);
      assert.deepEqual(await store.advanceIfHead(g, only.id, lease), { kind: 'looped', mode: 'queue' });
      const [id] = await ids(g);
      assert.ok(id && id !== only.id);
    });

    it('treats an empty queue and a corrupt head as not-head', async () => {
      const g = newGuild();
      const lease = await claim(g);
      assert.deepEqual(await store.advanceIfHead(g, 'nope', lease), { kind: 'not-head' });
      await client.rpush(guildKeys(g).playlist, 'not json', JSON.stringify(track(1)));
      assert.deepEqual(await store.advanceIfHead(g, 'nope', lease), { kind: 'not-head' });
      assert.equal(await client.llen(guildKeys(g).playlist), 2);
    });

    it('is refused without the current lock value', async () => {
      const g = newGuild();
      const q = [track(1)];
      await store.enqueue(g, q);
      const lease = await claim(g);
      await client.set(guildKeys(g).player_lock, 'someone-else:99');
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'lease-lost' });
      assert.deepEqual(await ids(g), [q[0]!.id]);
      await client.del(guildKeys(g).player_lock);
      assert.deepEqual(await store.advanceIfHead(g, q[0]!.id, lease), { kind: 'lease-lost' });
    });
  });

  describe('skipIfHead', () => {
    it('skips the head once, unfenced', async () => {
      const g = newGuild();
      const q = [track(1), track(2)];
      await store.enqueue(g, q);
      const results = await Promise.all([store.skipIfHead(g, q[0]!.id), store.skipIfHead(g, q[0]!.id)]);
      assert.deepEqual(
        results.map((r) => r.kind).sort(),
        ['not-head', 'skipped'],
      );
      assert.deepEqual(await ids(g), [q[1]!.id]);
      assert.deepEqual(await store.skipIfHead(g, 'other'), { kind: 'not-head' });
    });

    it('with loop track skips anyway; with loop queue sends the track to the back under a new id', async () => {
      const g = newGuild();
      const q = [track(1), track(2), track(3)];
      await store.enqueue(g, q);
      await store.setSettings(g, { loop: 'track' });
      assert.deepEqual(await store.skipIfHead(g, q[0]!.id), { kind: 'skipped', requeued: false });
      await store.setSettings(g, { loop: 'queue' });
      assert.deepEqual(await store.skipIfHead(g, q[1]!.id), { kind: 'skipped', requeued: true });
      const { snapshot } = await store.snapshot(g);
      assert.deepEqual(
        snapshot.playlist.map((t) => t.url),
        [q[2]!.url, q[1]!.url],
      );
      assert.notEqual(snapshot.playlist[1]!.id, q[1]!.id);
    });
  });

  describe('remove, move, shuffle, clear', () => {
    it('removes by 0-based index and reports out-of-range', async () => {
      const g = newGuild();
      const q = [track(0), track(1), track(2), track(3)];
      await store.enqueue(g, q);
      const r = await store.remove(g, 2);
      assert.equal(r.kind, 'removed');
      assert.deepEqual(r.kind === 'removed' && r.entry.kind === 'track' ? r.entry.track : undefined, q[2]);
      assert.deepEqual(await store.remove(g, 3), { kind: 'out-of-range', length: 3 });
      assert.deepEqual(await store.remove(g, -1), { kind: 'out-of-range', length: 3 });
      assert.deepEqual(await store.remove(g, 1.5), { kind: 'out-of-range', length: 3 });
      const head = await store.remove(g, 0);
      assert.equal(head.kind === 'removed' && head.entry.kind === 'track' ? head.entry.track.id : '', q[0]!.id);
      assert.deepEqual(await ids(g), [q[1]!.id, q[3]!.id]);
      assert.deepEqual(await store.remove(newGuild(), 0), { kind: 'out-of-range', length: 0 });
    });

    it('removes by position even when another entry has the same bytes', async () => {
      const g = newGuild();
      await client.rpush(guildKeys(g).playlist, 'dup', 'x', 'dup');
      const r = await store.remove(g, 2);
      assert.deepEqual(r, { kind: 'removed', entry: { kind: 'corrupt', raw: 'dup', reason: r.kind === 'removed' && r.entry.kind === 'corrupt' ? r.entry.reason : '' } });
      assert.deepEqual(await client.lrange(guildKeys(g).playlist, 0, -1), ['dup', 'x']);
    });

    it('moves entries (0-based, the entry ends up at to) and checks bounds', async () => {
      const g = newGuild();
      const q = [0, 1, 2, 3, 4].map((n) => track(n));
      await store.enqueue(g, q);
      const order = async (): Promise<number[]> => (await ids(g)).map((id) => q.findIndex((t) => t.id === id));
      assert.equal((await store.move(g, 1, 3)).kind, 'moved');
      assert.deepEqual(await order(), [0, 2, 3, 1, 4]);
      await store.move(g, 4, 1);
      assert.deepEqual(await order(), [0, 4, 2, 3, 1]);
      await store.move(g, 2, 0);
      assert.deepEqual(await order(), [2, 0, 4, 3, 1]);
      await store.move(g, 0, 4);
      assert.deepEqual(await order(), [0, 4, 3, 1, 2]);
      const same = await store.move(g, 2, 2);
      assert.equal(same.kind === 'moved' && same.entry.kind === 'track' ? same.entry.track.id : '', q[3]!.id);
      assert.deepEqual(await store.move(g, 5, 0), { kind: 'out-of-range', length: 5 });
      assert.deepEqual(await store.move(g, 0, 5), { kind: 'out-of-range', length: 5 });
      assert.deepEqual(await store.move(g, -1, 0), { kind: 'out-of-range', length: 5 });
      assert.deepEqual(await order(), [0, 4, 3, 1, 2]);
    });

    it('moves by position among duplicate raw values', async () => {
      const g = newGuild();
      await client.rpush(guildKeys(g).playlist, 'a', 'b', 'a', 'c');
      await store.move(g, 3, 1);
      assert.deepEqual(await client.lrange(guildKeys(g).playlist, 0, -1), ['a', 'c', 'b', 'a']);
      await store.move(g, 0, 2);
      assert.deepEqual(await client.lrange(guildKeys(g).playlist, 0, -1), ['c', 'b', 'a', 'a']);
    });

    it('shuffles everything but the head, as a permutation', async () => {
      const g = newGuild();
      const q = Array.from({ length: 60 }, (_, n) => track(n));
      await store.enqueue(g, q);
      assert.deepEqual(await store.shuffle(g), { kind: 'shuffled', count: 59 });
      const after = await ids(g);
      assert.equal(after[0], q[0]!.id);
      assert.deepEqual([...after].sort(), q.map((t) => t.id).sort());
      assert.notDeepEqual(after, q.map((t) => t.id));
      const orders = new Set<string>();
      for (let i = 0; i < 5; i++) {
        await store.shuffle(g);
        orders.add((await ids(g)).join());
      }
      assert.ok(orders.size > 1, 'shuffles should differ');
      const small = newGuild();
      assert.deepEqual(await store.shuffle(small), { kind: 'shuffled', count: 0 });
      await store.enqueue(small, [track(1), track(2)]);
      assert.deepEqual(await store.shuffle(small), { kind: 'shuffled', count: 1 });
    });

    it('clear empties the queue, head included, and leaves the state alone', async () => {
      const g = newGuild();
      await store.enqueue(g, [track(1), track(2), track(3)]);
      await store.setState(g, 'playing');
      assert.deepEqual(await store.clear(g), { kind: 'cleared', removed: 3 });
      const { snapshot } = await store.snapshot(g);
      assert.equal(snapshot.playlistLength, 0);
      assert.equal(snapshot.head, undefined);
      assert.equal(snapshot.state, 'playing');
      assert.deepEqual(await store.clear(g), { kind: 'cleared', removed: 0 });
    });
  });

  describe('desired state and settings', () => {
    it('sets state, channels and settings, indexing the guild', async () => {
      const g = newGuild();
      assert.deepEqual(await store.setState(g, 'paused'), { kind: 'set' });
      assert.ok(await indexed(g));
      await store.setChannel(g, '111');
      await store.setTextChannel(g, '222');
      await store.setSettings(g, { loop: 'queue', volume: 150, stay: true, autoplay: true, dj_role: '333', max_queue: 50, max_per_user: 5 });
      let { snapshot, corrupt } = await store.snapshot(g);
      assert.deepEqual(corrupt, []);
      assert.equal(snapshot.state, 'paused');
      assert.equal(snapshot.channel, '111');
      assert.equal(snapshot.textChannel, '222');
      assert.deepEqual(snapshot.settings, { loop: 'queue', volume: 150, stay: true, autoplay: true, dj_role: '333', max_queue: 50, max_per_user: 5, filters: {} });
      assert.equal(await client.hget(guildKeys(g).settings, 'stay'), '1');
      assert.equal(await client.hget(guildKeys(g).settings, 'autoplay'), '1');

      await store.setSettings(g, { volume: 0, dj_role: null, max_queue: null });
      await store.setTextChannel(g, null);
      ({ snapshot, corrupt } = await store.snapshot(g));
      assert.deepEqual(corrupt, []);
      assert.equal(snapshot.textChannel, undefined);
      assert.deepEqual(snapshot.settings, { loop: 'queue', volume: 0, stay: true, autoplay: true, dj_role: undefined, max_queue: undefined, max_per_user: 5, filters: {} });
    });

    it('refuses invalid values and writes none of them', async () => {
      const g = newGuild();
      const r = await store.setSettings(g, { volume: 201, loop: 'track' });
      assert.equal(r.kind, 'invalid');
      assert.match(r.kind === 'invalid' ? r.problems.join() : '', /volume: .*expected an integer from 0 to 200/);
      assert.equal(await client.exists(guildKeys(g).settings), 0);
      assert.equal((await store.setSettings(g, { max_per_user: 0 })).kind, 'invalid');
      assert.equal((await store.setChannel(g, 'general')).kind, 'invalid');
      assert.equal(await client.exists(guildKeys(g).channel), 0);
    });

    it('decodes a hand-written settings hash with defaults, reporting bad fields without failing', async () => {
      const g = newGuild();
      await client.hset(guildKeys(g).settings, { loop: 'sometimes', volume: '80', stay: 'true', max_queue: 'lots', unknown: 'ignored' });
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.deepEqual(snapshot.settings, { loop: 'off', volume: 80, stay: true, autoplay: false, dj_role: undefined, max_queue: undefined, max_per_user: undefined, filters: {} });
      assert.deepEqual(
        corrupt.map((c) => [c.where, c.raw]),
        [
          ['settings.loop', 'sometimes'],
          ['settings.max_queue', 'lots'],
        ],
      );
      assert.match(corrupt[0]!.reason, /expected one of off, track, queue/);
      await client.hset(guildKeys(g).settings, { stay: 'false', volume: '' });
      const again = await store.snapshot(g);
      assert.equal(again.snapshot.settings.stay, false);
      assert.equal(again.snapshot.settings.volume, 100);
    });

    it('forgetIfEmpty drops a guild only when its queue is empty and it need not stay', async () => {
      const g = newGuild();
      await store.enqueue(g, [track(1)]);
      await store.setChannel(g, '5');
      assert.deepEqual(await store.forgetIfEmpty(g), { kind: 'kept', because: 'queue' });
      await store.clear(g);
      await store.setSettings(g, { stay: true });
      assert.deepEqual(await store.forgetIfEmpty(g), { kind: 'kept', because: 'stay' });
      assert.ok(await indexed(g));
      await store.setSettings(g, { stay: false });
      assert.deepEqual(await store.forgetIfEmpty(g), { kind: 'forgotten' });
      assert.equal(await indexed(g), false);
      assert.deepEqual(await store.forgetIfEmpty(g), { kind: 'not-indexed' });
      await store.setState(g, 'playing');
      assert.ok(await indexed(g));
    });
  });

  describe('status', () => {
    it('writes the status fenced by the lease and reads it back', async () => {
      const g = newGuild();
      const t1 = track(1);
      await store.enqueue(g, [t1]);
      const lease = await claim(g);
      const r = await store.writeStatus(g, { trackId: t1.id, positionMs: 1234, state: 'playing' }, lease);
      assert.equal(r.kind, 'written');
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.deepEqual(corrupt, []);
      assert.deepEqual(snapshot.status, { instance: 'store-test', epoch: lease.epoch, trackId: t1.id, positionMs: 1234, state: 'playing', updatedAt: clock.now() });
      assert.deepEqual(snapshot.lock, { instance: 'store-test', epoch: lease.epoch, value: lease.value });
      assert.equal(snapshot.epoch, lease.epoch);
      assert.ok(snapshot.lockTtlMs !== undefined && snapshot.lockTtlMs > 0);

      await client.set(guildKeys(g).player_lock, 'other:1000', 'PX', 10_000);
      assert.deepEqual(await store.writeStatus(g, { trackId: null, positionMs: 0, state: 'stopped' }, lease), { kind: 'lease-lost' });
      assert.equal((await store.snapshot(g)).snapshot.status?.positionMs, 1234);
    });
  });

  describe('snapshot of garbage', () => {
    it('reports corrupt entries with a readable reason; quarantine removes exactly them and keeps the queue in order', async () => {
      const g = newGuild();
      const k = guildKeys(g);
      const good = [track(1), track(2), track(3)];
      await client.rpush(
        k.playlist,
        '{"id": "broken',
        JSON.stringify(good[0]),
        JSON.stringify({ id: 'x', title: 'no url' }),
        JSON.stringify(good[1]),
        JSON.stringify({ id: 5, url: 'https://a' }),
        '42',
        JSON.stringify(good[2]),
      );
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.deepEqual(
        snapshot.playlist.map((t) => t.id),
        good.map((t) => t.id),
      );
      assert.equal(snapshot.playlistLength, 7);
      assert.equal(snapshot.head?.kind, 'corrupt');
      assert.deepEqual(
        corrupt.map((c) => [c.where, c.index]),
        [
          ['playlist', 0],
          ['playlist', 2],
          ['playlist', 4],
          ['playlist', 5],
        ],
      );
      assert.match(corrupt[0]!.reason, /^not JSON: /);
      assert.equal(corrupt[1]!.reason, 'url: got missing, expected a non-empty string');
      assert.equal(corrupt[2]!.reason, 'id: got 5, expected a non-empty string');
      assert.match(corrupt[3]!.reason, /got 42, expected/);

      for (const c of corrupt) {
        const r = await store.quarantine(g, c.raw, c.reason, { source: 'playlist' });
        assert.equal(r.kind, 'quarantined');
      }
      assert.deepEqual(await store.quarantine(g, corrupt[0]!.raw, 'again'), { kind: 'not-found' });
      const after = await store.snapshot(g);
      assert.deepEqual(after.corrupt, []);
      assert.deepEqual(
        after.snapshot.playlist.map((t) => t.id),
        good.map((t) => t.id),
      );
      assert.equal(after.snapshot.quarantineLength, 4);
      const list = await store.listQuarantine(g);
      assert.deepEqual(list.corrupt, []);
      assert.deepEqual(
        list.entries.map((e) => [e.index, e.entry.raw, e.entry.reason, e.entry.source]),
        corrupt.map((c, i) => [i, c.raw, c.reason, 'playlist']),
      );
    });

    it('fenced quarantine is refused without the lock', async () => {
      const g = newGuild();
      await client.rpush(guildKeys(g).playlist, 'junk');
      const lease = await claim(g);
      await client.set(guildKeys(g).player_lock, 'other:1');
      assert.deepEqual(await store.quarantine(g, 'junk', 'bad', { lease }), { kind: 'lease-lost' });
      assert.equal(await client.llen(guildKeys(g).playlist), 1);
    });

    it('requeues a quarantined entry only if it decodes', async () => {
      const g = newGuild();
      const ok = track(1);
      await store.enqueue(g, [track(0), ok]);
      await client.rpush(guildKeys(g).playlist, 'junk');
      assert.equal((await store.quarantine(g, JSON.stringify(ok), 'source failed: 404', { source: 'http' })).kind, 'quarantined');
      assert.equal((await store.quarantine(g, 'junk', 'not JSON')).kind, 'quarantined');
      const bad = await store.requeueFromQuarantine(g, 1);
      assert.equal(bad.kind, 'invalid');
      assert.match(bad.kind === 'invalid' ? bad.reason : '', /not JSON/);
      assert.deepEqual(await store.requeueFromQuarantine(g, 2), { kind: 'out-of-range', length: 2 });
      assert.deepEqual(await store.requeueFromQuarantine(g, 0), { kind: 'requeued', track: ok });
      assert.equal((await ids(g)).at(-1), ok.id);
      const list = await store.listQuarantine(g);
      assert.deepEqual(
        list.entries.map((e) => e.entry.raw),
        ['junk'],
      );
      await client.rpush(guildKeys(g).quarantine, 'not an entry');
      assert.equal((await store.listQuarantine(g)).corrupt.length, 1);
      const r = await store.requeueFromQuarantine(g, 1);
      assert.match(r.kind === 'invalid' ? r.reason : '', /^quarantine entry: not JSON/);
    });

    it('decodes corrupt scalars to safe defaults and reports them', async () => {
      const g = newGuild();
      const k = guildKeys(g);
      await client.set(k.state, 'banana');
      await client.set(k.channel, 'general');
      await client.set(k.status, '{"instance":');
      await client.set(k.epoch, 'twelve');
      await client.set(k.player_lock, 'no-epoch-here');
      await client.set(k.text_channel, '9');
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.equal(snapshot.state, 'stopped');
      assert.equal(snapshot.channel, undefined);
      assert.equal(snapshot.status, undefined);
      assert.equal(snapshot.epoch, 0);
      assert.equal(snapshot.lock, undefined);
      assert.equal(snapshot.textChannel, '9');
      assert.deepEqual(
        corrupt.map((c) => c.where).sort(),
        ['channel', 'epoch', 'player_lock', 'state', 'status'],
      );
      assert.match(corrupt.find((c) => c.where === 'state')?.reason ?? '', /got "banana", expected one of playing, paused, stopped/);
      assert.match(corrupt.find((c) => c.where === 'status')?.reason ?? '', /^not JSON/);
    });

    it('reports a key of the wrong type instead of failing', async () => {
      const g = newGuild();
      await client.set(guildKeys(g).playlist, 'a string, not a list');
      await client.rpush(guildKeys(g).settings, 'a list, not a hash');
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.equal(snapshot.playlistLength, 0);
      assert.deepEqual(snapshot.settings.volume, 100);
      assert.deepEqual(
        corrupt.map((c) => c.where),
        ['playlist', 'settings'],
      );
      assert.match(corrupt[0]!.reason, /WRONGTYPE/);
    });
  });

  describe('public contract', () => {
    it('RPUSH of a Track, the channel and state=playing written directly make a valid snapshot', async () => {
      const g = '987654321098765432';
      const k = `hiqty:server:${g}`;
      const raw = '{"id":"ext-1","url":"https://media.example/a.ogg","title":"A","requester":{"id":"42","name":"cli"},"addedAt":1700000000000,"custom":true}';
      await client.rpush(`${k}:playlist`, raw);
      await client.set(`${k}:channel`, '123456789');
      await client.set(`${k}:state`, 'playing');
      const { snapshot, corrupt } = await store.snapshot(g);
      assert.deepEqual(corrupt, []);
      assert.equal(snapshot.state, 'playing');
      assert.equal(snapshot.channel, '123456789');
      assert.deepEqual(snapshot.head, { kind: 'track', raw, track: JSON.parse(raw) });
      assert.deepEqual(snapshot.playlist, [JSON.parse(raw)]);
      assert.deepEqual(snapshot.settings, { loop: 'off', volume: 100, stay: false, autoplay: false, dj_role: undefined, max_queue: undefined, max_per_user: undefined, filters: {} });
      assert.equal(snapshot.lock, undefined);
      assert.equal(snapshot.status, undefined);
      assert.equal(snapshot.epoch, 0);
    });
  });
});
