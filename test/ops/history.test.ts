/** The history ops (src/ops/history.ts) against a real Redis: /history pages, /previous, requeue from history, /skipto. */
import { strict as assert } from 'node:assert';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import { translator } from '../../src/i18n';
import * as ops from '../../src/ops';
import { DEFAULT_OPS_LIMITS, opErrorMessage, type OpError, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys, historyKey, newTrackId, type Track } from '../../src/state';
import { useRedis } from '../support/redis';
import { startToneLinks, type ToneLinks } from '../support/tone-links';

const G = '121212121212121212';
const alice = { id: '201', name: 'alice' };
const bob = { id: '202', name: 'bob' };

function right<A>(e: Either<OpError, A>): A {
  if (isLeft(e)) throw new Error(`expected success, got ${JSON.stringify(e.left)}`);
  return e.right;
}
function left<A>(e: Either<OpError, A>): OpError {
  if (isRight(e)) throw new Error(`expected an error, got ${JSON.stringify(e.right)}`);
  return e.left;
}

function track(n: number, extra: Partial<Track> = {}): Track {
  return { id: newTrackId(), url: `https://media.example/${n}.ogg`, title: `track ${n}`, requester: alice, ...extra };
}

describe('ops: history and back against a real Redis', () => {
  const redis = useRedis();
  let db: Redis;
  let clock: ManualClock;
  let deps: OpsDeps;
  let store: GuildStore;
  let links: ToneLinks;
  const k = guildKeys(G);

  before(async () => {
    db = redis.current.client();
    clock = new ManualClock(1_000_000);
    links = await startToneLinks(db, clock);
    store = new GuildStore(db, clock);
    deps = { store, redis: db, clock, resolver: links.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: 30 } };
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await links.stop();
  });

  /** n tracks played one after the other (each skipped a second later), then one playing. */
  async function played(n: number): Promise<Track[]> {
    const tracks = Array.from({ length: n + 1 }, (_, i) => track(i + 1));
    await store.enqueue(G, tracks);
    for (const t of tracks.slice(0, n)) {
      await clock.advance(1000);
      await store.skipIfHead(G, t.id);
    }
    await store.setChannel(G, '301');
    return tracks;
  }

  it('/history pages the history newest first, with when each was played, and reports an unreadable entry in its place', async () => {
    const tracks = await played(12);
    const first = right(await ops.historyPage(deps)({ guild: G })());
    assert.equal(first.pages, 2);
    assert.equal(first.length, 12);
    assert.deepEqual(first.entries.map((e) => e.track.id), tracks.slice(2, 12).reverse().map((t) => t.id));
    assert.deepEqual(first.entries.map((e) => e.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(first.entries[0]?.playedAt, clock.now());
    assert.equal(first.entries[1]?.playedAt, clock.now() - 1000);
    await db.lset(historyKey(G), 10, 'not json');
    const second = right(await ops.historyPage(deps)({ guild: G, page: 2 })());
    assert.deepEqual(second.entries.map((e) => e.index), [12]);
    assert.deepEqual(second.unreadable.map((u) => u.index), [11]);
    assert.deepEqual(left(await ops.historyPage(deps)({ guild: G, page: 3 })()), { kind: 'page-out-of-range', page: 3, pages: 2 });
    await db.del(historyKey(G));
    assert.equal(left(await ops.historyPage(deps)({ guild: G })()).kind, 'history-empty');
  });

  it('/previous plays the last track again before the current one, and again goes one further back', async () => {
    const tracks = await played(2);
    const r = right(await ops.previous(deps)({ guild: G, channel: '302', textChannel: '401' })());
    assert.equal(r.track.url, tracks[1]!.url);
    assert.equal(r.interrupted?.id, tracks[2]!.id);
    assert.equal(r.playedAt, clock.now(), 'the last skip was now');
    assert.equal(await db.get(k.channel), '302');
    assert.equal(await db.get(k.state), 'playing');
    const again = right(await ops.previous(deps)({ guild: G })());
    assert.equal(again.track.url, tracks[0]!.url);
    assert.equal(again.interrupted?.url, tracks[1]!.url);
    assert.equal(left(await ops.previous(deps)({ guild: G })()).kind, 'history-empty');
    assert.deepEqual((await store.snapshot(G)).snapshot.playlist.map((t) => t.url), tracks.map((t) => t.url));
  });

  it('/previous sets a corrupt newest entry aside in the quarantine and says so; the next try goes on past it', async () => {
    const tracks = await played(1);
    await db.lpush(historyKey(G), '{"playedAt":1,"track":{"url":""}}');
    const e = left(await ops.previous(deps)({ guild: G })());
    assert.equal(e.kind, 'history-corrupt');
    assert.match(opErrorMessage(e, translator('en'), 'en'), /set it aside in the quarantine/);
    const quarantined = right(await ops.quarantineList(deps)({ guild: G })());
    assert.equal(quarantined.entries[0]?.raw, '{"playedAt":1,"track":{"url":""}}');
    assert.equal(quarantined.entries[0]?.source, 'history');
    assert.equal(right(await ops.previous(deps)({ guild: G })()).track.url, tracks[0]!.url);
  });

  it('requeue from history appends like /play: new ids, the picker as requester, within max_queue and max_per_user; a stale pick is refused', async () => {
    const tracks = await played(3);
    const r = right(await ops.requeueFromHistory(deps)({ guild: G, trackIds: [tracks[0]!.id, tracks[2]!.id], requester: bob, channel: '301' })());
    assert.equal(r.position, 2);
    assert.equal(r.startsNow, false);
    const queue = (await store.snapshot(G)).snapshot.playlist;
    assert.deepEqual(queue.map((t) => t.url), [tracks[3]!.url, tracks[0]!.url, tracks[2]!.url]);
    assert.deepEqual(queue.slice(1).map((t) => t.requester), [bob, bob]);
    assert.ok(queue.slice(1).every((t) => t.id !== tracks[0]!.id && t.id !== tracks[2]!.id), 'new ids');
    assert.equal((await store.history(G)).entries.length, 3, 'the entries stay in the history');
    await store.setSettings(G, { max_per_user: 2 });
    assert.deepEqual(left(await ops.requeueFromHistory(deps)({ guild: G, trackIds: [tracks[1]!.id], requester: bob })()), { kind: 'user-limit', limit: 2 });
    await store.setSettings(G, { max_per_user: null, max_queue: 3 });
    assert.deepEqual(left(await ops.requeueFromHistory(deps)({ guild: G, trackIds: [tracks[1]!.id], requester: bob })()), { kind: 'queue-full', limit: 3 });
    assert.equal(left(await ops.requeueFromHistory(deps)({ guild: G, trackIds: [newTrackId()], requester: bob })()).kind, 'history-gone');
    assert.equal(left(await ops.requeueFromHistory(deps)({ guild: G, trackIds: [], requester: bob })()).kind, 'invalid-input');
  });

  it('/skipto jumps, sends only the current track to the history, and refuses positions that do not exist', async () => {
    const tracks = [1, 2, 3, 4].map((n) => track(n));
    await store.enqueue(G, tracks);
    const r = right(await ops.skipTo(deps)({ guild: G, index: 3 })());
    assert.ok(r.kind === 'skipped-to');
    assert.equal(r.track.id, tracks[2]!.id);
    assert.equal(r.dropped, 2);
    assert.deepEqual((await store.history(G)).entries.map((e) => e.entry.track.id), [tracks[0]!.id]);
    assert.equal(right(await ops.skipTo(deps)({ guild: G, index: 1 })()).kind, 'already-current');
    assert.deepEqual(left(await ops.skipTo(deps)({ guild: G, index: 5 })()), { kind: 'index-out-of-range', index: 5, length: 2 });
    assert.equal(left(await ops.skipTo(deps)({ guild: G, index: 0 })()).kind, 'index-out-of-range');
    await db.del(k.playlist);
    assert.equal(left(await ops.skipTo(deps)({ guild: G, index: 2 })()).kind, 'queue-empty');
  });
});
