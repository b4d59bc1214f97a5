import { strict as assert } from 'node:assert';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import * as ops from '../../src/ops';
import { DEFAULT_OPS_LIMITS, playlistErrorMessage, type OpsDeps, type PlaylistError } from '../../src/ops';
import { GuildStore, guildKeys, PlaylistStore, playlistsKey, type Track } from '../../src/state';
import { useRedis } from '../support/redis';
import { startToneLinks, type ToneLinks } from '../support/tone-links';

const G = '111111111111111112';
const alice = { id: '201', name: 'alice' };
const bob = { id: '202', name: 'bob' };
const mine = { kind: 'user', user: alice.id } as const;
const server = { kind: 'server', guild: G } as const;

function right<A>(e: Either<PlaylistError, A>): A {
  if (isLeft(e)) throw new Error(`expected success, got ${JSON.stringify(e.left)}`);
  return e.right;
}
function left<A>(e: Either<PlaylistError, A>): PlaylistError {
  if (isRight(e)) throw new Error(`expected an error, got ${JSON.stringify(e.right)}`);
  return e.left;
}

describe('ops: saved playlists against a real Redis', () => {
  const redis = useRedis();
  let db: Redis;
  let clock: ManualClock;
  let deps: OpsDeps;
  let links: ToneLinks;
  const k = guildKeys(G);

  before(async () => {
    db = redis.current.client();
    clock = new ManualClock(2_000_000);
    links = await startToneLinks(db, clock);
    deps = { store: new GuildStore(db, clock), redis: db, clock, resolver: links.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: 6 }, playlists: new PlaylistStore(db, clock, { maxPlaylists: 2, maxTracks: 4 }) };
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await links.stop();
  });

  const play = async (names: readonly string[], requester = alice) => {
    const queries = await Promise.all(names.map((n) => links.link(n)));
    right(await ops.playMany(deps)({ guild: G, queries, requester, channel: '301', textChannel: '401' })());
    return queries;
  };
  const queue = async (): Promise<Track[]> => (await db.lrange(k.playlist, 0, -1)).map((raw) => JSON.parse(raw));

  it('save stores the queue, head included, in order; load appends it with fresh ids, the loader as requester, and plays', async () => {
    const urls = await play(['a.ogg', 'b.ogg', 'c.ogg']);
    const saved = right(await ops.savePlaylist(deps)({ guild: G, owner: mine, name: ' Evening ', by: alice })());
    assert.deepEqual({ ...saved.playlist, durationMs: 0 }, { name: 'Evening', tracks: 3, durationMs: 0, knownDurations: 3, createdAt: 2_000_000, updatedAt: 2_000_000, createdBy: alice });
    assert.equal(saved.skipped, 0);

    await db.del(k.playlist, k.state, k.channel);
    clock.advance(1000);
    // No channel yet: like /play, load needs one.
    assert.equal(left(await ops.loadPlaylist(deps)({ guild: G, owner: mine, name: 'evening', requester: bob })()).kind, 'no-channel');
    const loaded = right(await ops.loadPlaylist(deps)({ guild: G, owner: mine, name: 'EVENING', requester: bob, channel: '302', textChannel: '402' })());
    assert.equal(loaded.startsNow, true);
    assert.equal(loaded.position, 1);
    const q = await queue();
    assert.deepEqual(q.map((t) => t.url), urls);
    assert.ok(q.every((t) => t.requester?.id === bob.id && t.addedAt === 2_001_000));
    assert.equal(new Set(q.map((t) => t.id)).size, 3);
    assert.equal(await db.get(k.channel), '302');
    assert.equal(await db.get(k.state), 'playing');

    // Loading again appends, under new ids.
    const again = right(await ops.loadPlaylist(deps)({ guild: G, owner: mine, name: 'evening', requester: bob })());
    assert.equal(again.position, 4);
    const q2 = await queue();
    assert.equal(q2.length, 6);
    assert.equal(new Set(q2.map((t) => t.id)).size, 6);
  });

  it('load keeps the queue limits of /play: max_queue (or the default) and max_per_user, all or nothing', async () => {
    await play(['a.ogg', 'b.ogg', 'c.ogg', 'd.ogg']);
    right(await ops.savePlaylist(deps)({ guild: G, owner: server, name: 'four', by: alice })());
    assert.deepEqual(left(await ops.loadPlaylist(deps)({ guild: G, owner: server, name: 'four', requester: bob })()), { kind: 'queue-full', limit: 6 });
    assert.equal((await queue()).length, 4, 'nothing was added');
    await db.hset(k.settings, 'max_queue', '100', 'max_per_user', '3');
    assert.deepEqual(left(await ops.loadPlaylist(deps)({ guild: G, owner: server, name: 'four', requester: bob })()), { kind: 'user-limit', limit: 3 });
    assert.equal((await queue()).length, 4);
  });

  it('save refuses an empty queue, a bad name, a name in use, and past the limits; add appends the current track', async () => {
    assert.equal(left(await ops.savePlaylist(deps)({ guild: G, owner: mine, name: 'x', by: alice })()).kind, 'queue-empty');
    assert.equal(left(await ops.addToPlaylist(deps)({ guild: G, owner: mine, name: 'x', by: alice })()).kind, 'queue-empty');
    await play(['a.ogg', 'b.ogg', 'c.ogg', 'd.ogg', 'e.ogg']);
    assert.deepEqual(left(await ops.savePlaylist(deps)({ guild: G, owner: mine, name: 'x', by: alice })()), { kind: 'playlist-too-long', limit: 4, size: 5 });
    assert.deepEqual(left(await ops.savePlaylist(deps)({ guild: G, owner: mine, name: '', by: alice })()), { kind: 'bad-playlist-name', problem: { kind: 'empty' } });
    assert.deepEqual(left(await ops.savePlaylist(deps)({ guild: G, owner: mine, name: 'y'.repeat(33), by: alice })()), { kind: 'bad-playlist-name', problem: { kind: 'too-long', max: 32 } });
    assert.equal(left(await ops.savePlaylist(deps)({ guild: G, owner: { kind: 'user', user: 'me' }, name: 'x', by: alice })()).kind, 'invalid-input');

    const added = right(await ops.addToPlaylist(deps)({ guild: G, owner: mine, name: 'Faves', by: alice })());
    assert.equal(added.created, true);
    assert.equal(added.playlist.tracks, 1);
    const again = right(await ops.addToPlaylist(deps)({ guild: G, owner: mine, name: 'faves', by: alice })());
    assert.equal(again.created, false);
    assert.equal(again.playlist.tracks, 2);
    right(await ops.addToPlaylist(deps)({ guild: G, owner: mine, name: 'other', by: alice })());
    assert.deepEqual(left(await ops.addToPlaylist(deps)({ guild: G, owner: mine, name: 'third', by: alice })()), { kind: 'too-many-playlists', limit: 2 });
    assert.deepEqual(left(await ops.renamePlaylist(deps)({ owner: mine, name: 'other', newName: 'FAVES' })()), { kind: 'playlist-exists', name: 'Faves' });
    assert.match(playlistErrorMessage({ kind: 'too-many-playlists', limit: 2 }), /Delete one first/);
  });

  it('list, show, rename, delete; a damaged playlist is reported as set aside, not as missing', async () => {
    await play(['a.ogg', 'b.ogg']);
    right(await ops.savePlaylist(deps)({ guild: G, owner: server, name: 'Mix', by: alice })());
    await db.hset(playlistsKey(server), 'junk', '[1,2]');
    const list = right(await ops.listPlaylists(deps)({ owner: server })());
    assert.deepEqual(list.playlists.map((p) => [p.name, p.tracks]), [['Mix', 2]]);
    assert.deepEqual(list.quarantined.map((q) => q.key), ['junk']);
    assert.equal(list.maxPlaylists, 2);
    const shown = right(await ops.showPlaylist(deps)({ owner: server, name: 'mix' })());
    assert.equal(shown.playlist.tracks.length, 2);
    assert.deepEqual(right(await ops.playlistKeys(deps)({ owner: server })()), ['mix']);

    right(await ops.renamePlaylist(deps)({ owner: server, name: 'mix', newName: 'Morning Mix' })());
    assert.equal(left(await ops.showPlaylist(deps)({ owner: server, name: 'mix' })()).kind, 'playlist-not-found');
    assert.deepEqual(right(await ops.deletePlaylist(deps)({ owner: server, name: 'morning mix' })()), { kind: 'deleted', name: 'morning mix' });
    assert.deepEqual(left(await ops.deletePlaylist(deps)({ owner: server, name: 'morning mix' })()), { kind: 'playlist-not-found', name: 'morning mix' });

    await db.hset(playlistsKey(server), 'broken', '{"name":"broken"}');
    const e = left(await ops.loadPlaylist(deps)({ guild: G, owner: server, name: 'Broken', requester: bob })());
    assert.equal(e.kind, 'playlist-corrupt');
    assert.match(playlistErrorMessage(e), /set aside in quarantine/);
    assert.equal(await db.llen(`${playlistsKey(server)}_quarantine`), 2);
  });
});
