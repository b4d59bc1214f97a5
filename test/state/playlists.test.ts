import { strict as assert } from 'node:assert';
import { isLeft, isRight } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import {
  MAX_PLAYLIST_NAME_LENGTH,
  MAX_PLAYLIST_TRACKS,
  MAX_PLAYLISTS_PER_OWNER,
  type PlaylistName,
  type PlaylistOwner,
  PlaylistStore,
  type PlaylistTrack,
  playlistName,
  playlistsKey,
  playlistsQuarantineKey,
  playlistTrackOf,
} from '../../src/state/playlists';
import { parseGuildKey } from '../../src/state/keys';
import { newTrackId } from '../../src/state/schema';
import { useRedis } from '../support/redis';

const alice = { id: '201', name: 'alice' };
const bob = { id: '202', name: 'bob' };

function name(raw: string): PlaylistName {
  const n = playlistName(raw);
  if (isLeft(n)) throw new Error(`not a name: ${raw} (${n.left.kind})`);
  return n.right;
}

function tracks(n: number, from = 0): PlaylistTrack[] {
  return Array.from({ length: n }, (_, i) => ({ url: `https://media.example/${from + i}.ogg`, title: `track ${from + i}`, durationMs: 1000 }));
}

let ownerSeq = 300;
function user(): PlaylistOwner {
  ownerSeq += 1;
  return { kind: 'user', user: String(ownerSeq) };
}

describe('state/playlists: names', () => {
  it('trims, keeps the written case for display and folds it for lookups', () => {
    assert.deepEqual(name('  Road Trip '), { display: 'Road Trip', key: 'road trip' });
    assert.equal(name('ＲＯＡＤ').key, 'road', 'full-width letters fold to the same key (NFKC)');
    assert.equal(name('Été').key, name('ÉTÉ').key);
  });

  it('refuses empty names, control and invisible characters, and names over the limit', () => {
    const problem = (raw: string) => {
      const n = playlistName(raw);
      return isLeft(n) ? n.left.kind : 'ok';
    };
    assert.equal(problem('   '), 'empty');
    assert.equal(problem('a\u0000b'), 'control-characters');
    assert.equal(problem('a\nb'), 'control-characters');
    assert.equal(problem('a\u200bb'), 'control-characters', 'a zero-width space would make two names look alike');
    assert.equal(problem('x'.repeat(MAX_PLAYLIST_NAME_LENGTH)), 'ok');
    assert.equal(problem('x'.repeat(MAX_PLAYLIST_NAME_LENGTH + 1)), 'too-long');
    assert.equal(problem('🎵'.repeat(MAX_PLAYLIST_NAME_LENGTH)), 'ok', 'characters are counted, not UTF-16 units');
  });

  it('states its defaults', () => {
    assert.deepEqual([MAX_PLAYLISTS_PER_OWNER, MAX_PLAYLIST_TRACKS, MAX_PLAYLIST_NAME_LENGTH], [25, 500, 32]);
    assert.equal(playlistsKey({ kind: 'user', user: '7' }), 'hiqty:user:7:playlists');
    assert.equal(playlistsKey({ kind: 'server', guild: '8' }), 'hiqty:server:8:playlists');
    assert.equal(playlistsQuarantineKey({ kind: 'server', guild: '8' }), 'hiqty:server:8:playlists_quarantine');
    // Not desired state: the keyspace hints of the Player and the now-playing loop pass these keys over.
    assert.equal(parseGuildKey(playlistsKey({ kind: 'server', guild: '8' })), undefined);
    assert.equal(parseGuildKey(playlistsQuarantineKey({ kind: 'server', guild: '8' })), undefined);
  });

  it('keeps what a queue entry says about the track, not what belongs to one enqueue', () => {
    const saved = playlistTrackOf({ id: newTrackId(), url: 'https://a.example/1', title: 't', requester: alice, addedAt: 5, startMs: 1000, isrc: 'X', live: false });
    assert.deepEqual(saved, { url: 'https://a.example/1', title: 't', isrc: 'X', live: false });
  });
});

describe('state/playlists: the store', function () {
  const redis = useRedis();
  let db: Redis;
  let clock: ManualClock;
  let store: PlaylistStore;

  before(() => {
    db = redis.current.client();
    clock = new ManualClock(1_000_000);
    store = new PlaylistStore(db, clock, { maxPlaylists: 3, maxTracks: 5 });
  });
  after(() => db.disconnect());

  it('saves, reads back, and refuses a second save under the same name in any case unless replacing', async () => {
    const owner = user();
    const saved = await store.save(owner, name('Road Trip'), tracks(2), alice);
    assert.equal(saved.kind, 'saved');
    const raw = await db.hget(playlistsKey(owner), 'road trip');
    assert.deepEqual(JSON.parse(raw ?? ''), { name: 'Road Trip', tracks: tracks(2), createdAt: 1_000_000, updatedAt: 1_000_000, createdBy: alice });

    assert.deepEqual(await store.save(owner, name('ROAD TRIP'), tracks(1), bob), { kind: 'exists', name: 'Road Trip' });
    clock.advance(5000);
    const replaced = await store.save(owner, name('road trip'), tracks(3, 10), bob, { replace: true });
    assert.ok(replaced.kind === 'saved' && replaced.replaced);
    const got = await store.get(owner, name('Road trip'));
    assert.ok(got.kind === 'found');
    assert.deepEqual(got.playlist, { name: 'road trip', tracks: tracks(3, 10), createdAt: 1_000_000, updatedAt: 1_005_000, createdBy: alice }, 'created stays, the rest is new');
    assert.deepEqual((await store.list(owner)).playlists.map((p) => p.name), ['road trip']);
    assert.deepEqual(await store.keys(owner), ['road trip']);
  });

  it('refuses more playlists than the limit and more tracks than the limit, writing nothing', async () => {
    const owner = user();
    for (const n of ['a', 'b', 'c']) assert.equal((await store.save(owner, name(n), tracks(1), alice)).kind, 'saved');
    assert.deepEqual(await store.save(owner, name('d'), tracks(1), alice), { kind: 'too-many', limit: 3 });
    assert.deepEqual(await store.add(owner, name('d'), tracks(1), alice), { kind: 'too-many', limit: 3 });
    assert.equal((await store.save(owner, name('a'), tracks(5), alice, { replace: true })).kind, 'saved', 'replacing is not one more');
    assert.deepEqual(await store.add(owner, name('a'), tracks(1), alice), { kind: 'too-long', limit: 5, size: 6 });
    assert.deepEqual(await store.save(owner, name('b'), tracks(6), alice, { replace: true }), { kind: 'too-long', limit: 5, size: 6 });
    assert.equal(await db.hlen(playlistsKey(owner)), 3);
    const b = await store.get(owner, name('b'));
    assert.ok(b.kind === 'found' && b.playlist.tracks.length === 1);
  });

  it('enforces the limits inside the script: a raw call past them is refused', async () => {
    const owner = user();
    for (const n of ['a', 'b', 'c']) await store.save(owner, name(n), tracks(1), alice);
    const value = JSON.stringify({ name: 'd', tracks: tracks(1), createdAt: 1, updatedAt: 1, createdBy: alice });
    assert.equal(await db.hiqtyPlaylistPut(playlistsKey(owner), 'd', '', value, 3, 5), 'too-many');
    const long = JSON.stringify({ name: 'a', tracks: tracks(6), createdAt: 1, updatedAt: 1, createdBy: alice });
    const current = await db.hget(playlistsKey(owner), 'a');
    assert.equal(await db.hiqtyPlaylistPut(playlistsKey(owner), 'a', current ?? '', long, 3, 5), 'too-long');
    assert.equal(await db.hiqtyPlaylistPut(playlistsKey(owner), 'a', 'stale bytes', value, 3, 5), 'changed');
  });

  it('concurrent saves from many clients never exceed the limit, and concurrent adds lose no track', async () => {
    const owner = user();
    const clients = Array.from({ length: 8 }, () => redis.current.client());
    try {
      const stores = clients.map((c) => new PlaylistStore(c, clock, { maxPlaylists: 3, maxTracks: 5 }));
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % stores.length]?.save(owner, name(`list ${i}`), tracks(1, i), alice)));
      assert.equal(results.filter((r) => r?.kind === 'saved').length, 3);
      assert.equal(results.filter((r) => r?.kind === 'too-many').length, 21);
      assert.equal(await db.hlen(playlistsKey(owner)), 3);

      // The same name from everywhere at once: exactly one creates it.
      const other = user();
      const same = await Promise.all(stores.map((s) => s.save(other, name('Same'), tracks(1), alice)));
      assert.equal(same.filter((r) => r.kind === 'saved').length, 1);
      assert.equal(same.filter((r) => r.kind === 'exists').length, 7);

      // Five adds at once to a playlist of 0: each is a compare-and-set, so all five land.
      const third = user();
      const adds = await Promise.all(stores.slice(0, 5).map((s, i) => s.add(third, name('grow'), tracks(1, 100 + i), alice)));
      assert.ok(adds.every((r) => r.kind === 'added'), JSON.stringify(adds));
      const grown = await store.get(third, name('grow'));
      assert.ok(grown.kind === 'found');
      assert.deepEqual(grown.playlist.tracks.map((t) => t.url).sort(), tracks(5, 100).map((t) => t.url).sort());
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('renames (also a change of case only), refuses a name in use, and deletes', async () => {
    const owner = user();
    await store.save(owner, name('one'), tracks(1), alice);
    await store.save(owner, name('two'), tracks(2), alice);
    assert.deepEqual(await store.rename(owner, name('one'), name('TWO')), { kind: 'exists', name: 'two' });
    const renamed = await store.rename(owner, name('one'), name('First'));
    assert.ok(renamed.kind === 'renamed' && renamed.playlist.name === 'First');
    assert.deepEqual(await store.keys(owner), ['first', 'two']);
    const recased = await store.rename(owner, name('two'), name('Two'));
    assert.ok(recased.kind === 'renamed');
    assert.deepEqual(await store.keys(owner), ['first', 'two']);
    assert.deepEqual(await store.rename(owner, name('nope'), name('x')), { kind: 'not-found' });
    assert.deepEqual(await store.delete(owner, name('FIRST')), { kind: 'deleted' });
    assert.deepEqual(await store.delete(owner, name('first')), { kind: 'not-found' });
    assert.deepEqual(await store.keys(owner), ['two']);
  });

  it('a corrupt playlist is quarantined with the reason and reported, never dropped; the rest still lists', async () => {
    const owner = user();
    await store.save(owner, name('good'), tracks(1), alice);
    await db.hset(playlistsKey(owner), 'broken', '{"name":"broken","tracks":[{"title":"no url"}]}');
    await db.hset(playlistsKey(owner), 'not json', '{oops');
    await db.hset(playlistsKey(owner), 'mismatch', JSON.stringify({ name: 'Other', tracks: [], createdAt: 1, updatedAt: 1, createdBy: alice }));
    const list = await store.list(owner);
    assert.deepEqual(list.playlists.map((p) => p.name), ['good']);
    assert.deepEqual(list.quarantined.map((q) => q.key), ['broken', 'mismatch', 'not json']);
    assert.match(list.quarantined[0]?.reason ?? '', /url/);
    assert.match(list.quarantined[1]?.reason ?? '', /"Other" is not the name of the field "mismatch"/);
    assert.match(list.quarantined[2]?.reason ?? '', /not JSON/);
    assert.deepEqual(await store.keys(owner), ['good'], 'moved out of the hash, so they no longer count against the limit');
    const q = await store.listQuarantine(owner);
    assert.deepEqual(q.entries.map((e) => [e.entry.source, e.entry.raw]), [
      ['broken', '{"name":"broken","tracks":[{"title":"no url"}]}'],
      ['mismatch', JSON.stringify({ name: 'Other', tracks: [], createdAt: 1, updatedAt: 1, createdBy: alice })],
      ['not json', '{oops'],
    ]);

    // Reading one by name reports it too.
    await db.hset(playlistsKey(owner), 'bad', '42');
    const got = await store.get(owner, name('Bad'));
    assert.ok(got.kind === 'quarantined' && /playlist object/.test(got.reason), JSON.stringify(got));
    assert.equal((await store.listQuarantine(owner)).entries.length, 4);
    assert.ok(isRight(playlistName('bad')));
  });
});
