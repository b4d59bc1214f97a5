import { strict as assert } from 'node:assert';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import { parseM3u, parsePls, parseXspf } from '../../src/media/playlist';
import { titleFromUrl } from '../../src/sources/url/title';
import * as ops from '../../src/ops';
import { translator } from '../../src/i18n';
import { DEFAULT_OPS_LIMITS, opErrorMessage, parsePosition, type OpError, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { startToneLinks, type ToneLinks } from '../support/tone-links';

const G = '111111111111111111';
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

describe('ops: the shared state operations against a real Redis', () => {
  const redis = useRedis();
  let db: Redis;
  let clock: ManualClock;
  let deps: OpsDeps;
  const k = guildKeys(G);
  let links: ToneLinks;

  before(async () => {
    db = redis.current.client();
    clock = new ManualClock(1_000_000);
    links = await startToneLinks(db, clock);
    deps = { store: new GuildStore(db, clock), redis: db, clock, resolver: links.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: 5 } };
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await links.stop();
  });

  const play = (query: string, requester = alice, extra: { next?: boolean } = {}) => ops.play(deps)({ guild: G, query, requester, channel: '301', textChannel: '401', ...extra })();

  it('play writes tracks with new ids, requester, title from the file name, channel, text channel and playing', async () => {
    const url = `${await links.link('Some Song_Live.mp3')}?x=1`.replace('Some Song', 'Some%20Song');
    const r = right(await play(url));
    assert.equal(r.position, 1);
    assert.equal(r.startsNow, true);
    const [raw] = await db.lrange(k.playlist, 0, -1);
    const track: unknown = JSON.parse(raw ?? '');
    assert.ok(typeof track === 'object' && track !== null);
    // The file is read whole by the check (it is small), so its duration is known too.
    assert.ok('durationMs' in track && typeof track.durationMs === 'number' && Math.abs(track.durationMs - 1000) < 100, JSON.stringify(track));
    assert.deepEqual({ ...track, id: 'x', durationMs: 0 }, { id: 'x', url, title: 'Some Song Live', durationMs: 0, requester: alice, source: 'url', addedAt: 1_000_000 });
    assert.equal(await db.get(k.channel), '301');
    assert.equal(await db.get(k.text_channel), '401');
    assert.equal(await db.get(k.state), 'playing');
    assert.equal(await db.sismember('hiqty:guilds', G), 1);
    // A text channel chosen in the settings is not overwritten by the next /play elsewhere.
    await ops.play(deps)({ guild: G, query: await links.link('b.ogg'), requester: alice, textChannel: '402' })();
    assert.equal(await db.get(k.text_channel), '401');
  });

  it('play refuses other schemes, a link that does not play, an empty or too long query, and a guild with no channel', async () => {
    assert.equal(left(await play('ftp://example.org/a.mp3')).kind, 'link-refused');
    assert.equal(left(await play(`${links.server.origin}/status/404`)).kind, 'link-refused');
    assert.equal(left(await play('   ')).kind, 'empty-query');
    assert.deepEqual(left(await play(`https://e.org/${'a'.repeat(2000)}`)), { kind: 'query-too-long', length: 2014, max: 2000 });
    assert.equal(left(await ops.play(deps)({ guild: G, query: await links.link('a.ogg'), requester: alice })()).kind, 'no-channel');
    assert.equal(left(await ops.play(deps)({ guild: 'not-a-guild', query: await links.link('a.ogg'), requester: alice })()).kind, 'invalid-input');
    assert.equal(await db.llen(k.playlist), 0);
  });

  it('play enforces the queue limit (default and per guild) and the per-user limit', async () => {
    for (let i = 0; i < 5; i++) right(await play(await links.link(`${i}.ogg`)));
    assert.deepEqual(left(await play(await links.link('6.ogg'))), { kind: 'queue-full', limit: 5 });
    await db.del(k.playlist);
    await deps.store.setSettings(G, { max_per_user: 2 });
    right(await play(await links.link('1.ogg')));
    right(await play(await links.link('2.ogg')));
    assert.deepEqual(left(await play(await links.link('3.ogg'))), { kind: 'user-limit', limit: 2 });
    right(await play(await links.link('3.ogg'), bob));
    assert.match(opErrorMessage({ kind: 'user-limit', limit: 2 }, translator('en'), 'en'), /Wait for some of yours to play/);
  });

  it('remove and move are 1-based; removing someone else\'s track needs mayRemoveOthers', async () => {
    right(await play(await links.link('a.ogg')));
    right(await play(await links.link('b.ogg'), bob));
    right(await play(await links.link('c.ogg')));
    assert.deepEqual(left(await ops.remove(deps)({ guild: G, index: 2, by: alice.id, mayRemoveOthers: false })()), { kind: 'not-yours', index: 2, owner: 'bob' });
    assert.equal(right(await ops.remove(deps)({ guild: G, index: 3, by: alice.id, mayRemoveOthers: false })()).track?.title, 'c');
    assert.deepEqual(left(await ops.remove(deps)({ guild: G, index: 0 })()), { kind: 'index-out-of-range', index: 0, length: 2 });
    right(await ops.move(deps)({ guild: G, from: 2, to: 1 })());
    const titles = (await deps.store.snapshot(G)).snapshot.playlist.map((t) => t.title);
    assert.deepEqual(titles, ['b', 'a']);
    assert.deepEqual(left(await ops.move(deps)({ guild: G, from: 3, to: 1 })()), { kind: 'index-out-of-range', index: 3, length: 2 });
  });

  it('seek replaces the head under a new id with startMs, keeping unknown fields; refuses past the end and live streams', async () => {
    await db.rpush(k.playlist, JSON.stringify({ id: 'h1', url: 'https://e.org/a.ogg', durationMs: 60_000, custom: { kept: true } }), JSON.stringify({ id: 'h2', url: 'https://e.org/b.ogg' }));
    const r = right(await ops.seek(deps)({ guild: G, position: '0:45' })());
    assert.equal(r.positionMs, 45_000);
    assert.deepEqual(left(await ops.seek(deps)({ guild: G, position: '1:23' })()), { kind: 'position-beyond-end', positionMs: 83_000, durationMs: 60_000 });
    right(await ops.seek(deps)({ guild: G, position: 30 })());
    const head: unknown = JSON.parse((await db.lindex(k.playlist, 0)) ?? '');
    assert.ok(typeof head === 'object' && head !== null && 'id' in head && 'startMs' in head && 'custom' in head);
    assert.notEqual(head.id, 'h1');
    assert.notEqual(head.id, r.track.id);
    assert.equal(head.startMs, 30_000);
    assert.deepEqual(head.custom, { kept: true });
    assert.equal(await db.llen(k.playlist), 2);
    assert.equal(left(await ops.seek(deps)({ guild: G, position: '1:2:3:4' })()).kind, 'bad-position');
    await db.lset(k.playlist, 0, JSON.stringify({ id: 'radio', url: 'https://e.org/live', live: true }));
    assert.equal(left(await ops.seek(deps)({ guild: G, position: '10' })()).kind, 'not-seekable');
  });

  it('parsePosition reads seconds, m:ss and h:mm:ss, and nothing else', () => {
    assert.equal(parsePosition('83'), 83_000);
    assert.equal(parsePosition('1:23'), 83_000);
    assert.equal(parsePosition('1:02:03'), 3_723_000);
    assert.equal(parsePosition('90s'), 90_000);
    for (const bad of ['', 'abc', '1:60', '-5', '1:2', '1:60:00', '1e3']) assert.equal(parsePosition(bad), undefined, bad);
  });

  it('volume must be 0-200; loop, stay, settings and leave write what they say', async () => {
    assert.deepEqual(left(await ops.setVolume(deps)({ guild: G, percent: 201 })()), { kind: 'volume-out-of-range', percent: 201 });
    assert.deepEqual(left(await ops.setVolume(deps)({ guild: G, percent: -1 })()), { kind: 'volume-out-of-range', percent: -1 });
    right(await ops.setVolume(deps)({ guild: G, percent: 0 })());
    right(await ops.setLoop(deps)({ guild: G, mode: 'queue' })());
    right(await ops.setStay(deps)({ guild: G, enabled: true })());
    const v = right(await ops.updateSettings(deps)({ guild: G, djRole: '999', maxQueue: 50, announceChannel: '402' })());
    assert.equal(v.effectiveMaxQueue, 50);
    assert.deepEqual(await db.hgetall(k.settings), { volume: '0', loop: 'queue', stay: '1', dj_role: '999', max_queue: '50' });
    right(await ops.updateSettings(deps)({ guild: G, djRole: null, maxQueue: null })());
    assert.deepEqual(await db.hgetall(k.settings), { volume: '0', loop: 'queue', stay: '1' });
    assert.equal(await db.get(k.text_channel), '402');
    right(await play(await links.link('a.ogg')));
    assert.equal(right(await ops.leave(deps)({ guild: G })()).removed, 1);
    assert.equal(await db.get(k.channel), null);
    assert.equal(await db.get(k.state), 'stopped');
  });

  it('pause and resume answer from the desired state; an empty queue is an error', async () => {
    assert.equal(left(await ops.pause(deps)({ guild: G })()).kind, 'queue-empty');
    right(await play(await links.link('a.ogg')));
    assert.equal(right(await ops.pause(deps)({ guild: G })()).already, false);
    assert.equal(right(await ops.pause(deps)({ guild: G })()).already, true);
    assert.equal(await db.get(k.state), 'paused');
    assert.equal(right(await ops.resume(deps)({ guild: G })()).already, false);
    assert.equal(await db.get(k.state), 'playing');
  });

  it('vote-skip counts only votes of current listeners and skips at a strict majority', async () => {
    right(await play(await links.link('a.ogg')));
    right(await play(await links.link('b.ogg')));
    const listeners = ['1', '2', '3', '4'];
    const v1 = right(await ops.voteSkip(deps)({ guild: G, voter: '1', listeners })());
    assert.deepEqual([v1.kind, v1.votes, v1.needed], ['voted', 1, 3]);
    right(await ops.voteSkip(deps)({ guild: G, voter: '2', listeners })());
    // 2 left the channel: their vote no longer counts.
    const v3 = right(await ops.voteSkip(deps)({ guild: G, voter: '3', listeners: ['1', '3', '4'] })());
    assert.deepEqual([v3.kind, v3.votes, v3.needed], ['skipped', 2, 2]);
    assert.equal((await deps.store.snapshot(G)).snapshot.playlist[0]?.title, 'b');
    assert.equal(ops.votesNeeded(1), 1);
    assert.equal(ops.votesNeeded(2), 2);
    assert.equal(ops.votesNeeded(5), 3);
  });

  it('nowPlaying adds the time since the last checkpoint while playing, capped at the duration', async () => {
    await db.rpush(k.playlist, JSON.stringify({ id: 'h1', url: 'https://e.org/a.ogg', durationMs: 10_000 }));
    await db.set(k.state, 'playing');
    await db.set(k.status, JSON.stringify({ instance: 'i', epoch: 1, trackId: 'h1', positionMs: 2000, state: 'playing', updatedAt: 1_000_000 }));
    clock.advance(3000);
    const np = right(await ops.nowPlaying(deps)({ guild: G })());
    assert.equal(np.positionMs, 5000);
    assert.equal(np.started, true);
    clock.advance(60_000);
    assert.equal(right(await ops.nowPlaying(deps)({ guild: G })()).positionMs, 10_000);
  });

  it('queuePage pages by 10 with 1-based indexes and refuses a page past the end', async () => {
    await db.rpush(k.playlist, ...Array.from({ length: 23 }, (_, i) => JSON.stringify({ id: `t${i}`, url: `https://e.org/${i}.ogg`, durationMs: 1000 })));
    const p3 = right(await ops.queuePage(deps)({ guild: G, page: 3 })());
    assert.deepEqual(p3.entries.map((e) => e.index), [21, 22, 23]);
    assert.equal(p3.pages, 3);
    assert.equal(p3.totalDurationMs, 23_000);
    assert.deepEqual(left(await ops.queuePage(deps)({ guild: G, page: 4 })()), { kind: 'page-out-of-range', page: 4, pages: 3 });
  });

  it('a Redis failure is an `unavailable` error, never a rejection', async () => {
    const broken = redis.current.client();
    broken.disconnect();
    const r = await ops.stop({ ...deps, store: new GuildStore(broken, clock) })({ guild: G })();
    assert.equal(left(r).kind, 'unavailable');
  });
});

describe('media: playlist parsing', () => {
  const base = new URL('http://host.example/lists/p.m3u');

  it('parses M3U with #EXTINF, relative entries and no local files; tells HLS apart', () => {
    assert.deepEqual(parseM3u('#EXTM3U\n#EXTINF:123,Artist - Song\nsong.mp3\nC:\\music\\x.mp3\nfile:///x.mp3\nhttps://cdn.example/b.ogg\n', base), [
      { url: 'http://host.example/lists/song.mp3', title: 'Artist - Song', durationMs: 123_000 },
      { url: 'https://cdn.example/b.ogg' },
    ]);
    assert.equal(parseM3u('#EXTM3U\n#EXT-X-TARGETDURATION:10\nseg1.ts\n', base), 'hls');
  });

  it('parses PLS and XSPF', () => {
    assert.deepEqual(parsePls('[playlist]\nFile2=http://a.example/2.mp3\nFile1=http://a.example/1.mp3\nTitle1=One\nLength1=-1\nNumberOfEntries=2\n', base), [
      { url: 'http://a.example/1.mp3', title: 'One' },
      { url: 'http://a.example/2.mp3' },
    ]);
    const xspf = '<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track><location>http://a.example/x.ogg</location><title>Rock &amp; Roll</title><duration>5000</duration></track><track><title>no location</title></track></trackList></playlist>';
    assert.deepEqual(parseXspf(xspf, base), [{ url: 'http://a.example/x.ogg', title: 'Rock & Roll', durationMs: 5000 }]);
  });

  it('titles a track after its file name', () => {
    assert.equal(titleFromUrl(new URL('https://e.org/a/My%20Song.flac')), 'My Song');
    assert.equal(titleFromUrl(new URL('https://radio.example/')), 'radio.example');
  });
});
