/**
 * The LRCLIB client against the local fake, through the real safeFetch and a real Redis for the fleet's
 * cache: a song found by its signature, a title with a video's noise, a length outside LRCLIB's ±2 s, a
 * song LRCLIB does not have, an instrumental one, a malformed answer and a failing service.
 */
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log';
import { ABSENT, artistLine, LYRICS, MALFORMED_TITLE, SONGS, startLrclibFake, type LrclibFake } from '../../src/sandbox/services/lrclib';
import { LRCLIB_USER_AGENT, LYRICS_CACHE_SOURCE, LYRICS_CACHE_TTL_MS, lrclibFinder, lyricsQueryKey, type LyricsFinder } from '../../src/sources/lrclib/client';
import { redisSourceCache, sourceCacheKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { fetcherFor } from './metadata-support';

describe('LRCLIB lyrics client (against the fake, through safeFetch, cached in Redis)', function () {
  this.timeout(20_000);
  const redis = useRedis();
  let fake: LrclibFake;
  let finder: LyricsFinder;

  before(async () => {
    fake = await startLrclibFake();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    await redis.current.client().flushall();
    finder = lrclibFinder({ fetch: fetcherFor(fake), cache: redisSourceCache(redis.current.client(), 'resolve', LYRICS_CACHE_TTL_MS), log: silentLogger });
  });

  const asked = (since: number): string[] => fake.requests.slice(since).map((r) => r.path.replace(/\?.*$/, ''));

  it('finds a song by title, artist and length with /api/get, naming itself in the User-Agent, and caches it for the fleet', async () => {
    const before = fake.requests.length;
    const song = SONGS.rickroll;
    const found = await finder({ title: song.title, artist: artistLine(song), durationMs: song.durationMs });
    assert.equal(found.kind, 'found');
    assert.ok(found.kind === 'found');
    assert.equal(found.cached, false);
    assert.equal(found.lyrics.id, LYRICS.rickroll.id);
    assert.equal(found.lyrics.synced, LYRICS.rickroll.syncedLyrics);
    assert.equal(found.lyrics.plain, LYRICS.rickroll.plainLyrics);
    assert.deepEqual(asked(before), ['/api/get']);
    assert.match(fake.requests[before]?.path ?? '', /track_name=Never\+Gonna\+Give\+You\+Up&artist_name=Rick\+Astley&duration=8$/);
    assert.equal(fake.userAgents[fake.userAgents.length - 1], LRCLIB_USER_AGENT);

    const raw = await redis.current.client().get(sourceCacheKey('resolve', LYRICS_CACHE_SOURCE, lyricsQueryKey({ title: song.title, artist: artistLine(song), durationMs: song.durationMs })));
    assert.ok(raw !== null && raw.includes('"found":true'), 'the answer is in the resolve cache');
    const ttl = await redis.current.client().pttl(sourceCacheKey('resolve', LYRICS_CACHE_SOURCE, lyricsQueryKey({ title: song.title, artist: artistLine(song), durationMs: song.durationMs })));
    assert.ok(ttl > LYRICS_CACHE_TTL_MS - 60_000 && ttl <= LYRICS_CACHE_TTL_MS, `ttl ${ttl}`);

    // Another instance (a new finder, same Redis) asks nobody.
    const other = lrclibFinder({ fetch: fetcherFor(fake), cache: redisSourceCache(redis.current.client(), 'resolve', LYRICS_CACHE_TTL_MS), log: silentLogger });
    const again = await other({ title: song.title, artist: artistLine(song), durationMs: song.durationMs });
    assert.ok(again.kind === 'found' && again.cached);
    assert.equal(fake.requests.length, before + 1, 'one LRCLIB request for the song');
  });

  it('cleans a video title ("Artist - Title (Official Video)") before asking, and a length 1.5 s off (asked as 10 s for 8 s) still matches', async () => {
    const before = fake.requests.length;
    const found = await finder({ title: 'Rick Astley - Never Gonna Give You Up (Official Video)', artist: 'Rick Astley', durationMs: 9500 });
    assert.ok(found.kind === 'found', JSON.stringify(found));
    assert.equal(found.lyrics.id, LYRICS.rickroll.id);
    assert.deepEqual(asked(before), ['/api/get']);
  });

  it('a length outside ±2 s is not the song: /api/get says 404, the search has it at the wrong length, so none (cached)', async () => {
    const before = fake.requests.length;
    const q = { title: SONGS.squareDance.title, artist: artistLine(SONGS.squareDance), durationMs: SONGS.squareDance.durationMs + 5000 };
    const found = await finder(q);
    assert.deepEqual(found, { kind: 'none', cached: false });
    assert.deepEqual(asked(before), ['/api/get', '/api/search']);
    assert.deepEqual(await finder(q), { kind: 'none', cached: true });
    assert.equal(fake.requests.length, before + 2, 'the miss is cached too');
  });

  it('finds a song through /api/search when the artist differs from LRCLIB\'s (a channel name), within the length', async () => {
    const before = fake.requests.length;
    const found = await finder({ title: 'Square Dance', artist: 'The Oscillators', durationMs: 7000 });
    assert.ok(found.kind === 'found', JSON.stringify(found));
    assert.equal(found.lyrics.id, LYRICS.squareDance.id);
    assert.deepEqual(asked(before), ['/api/get', '/api/search']);
  });

  it('a song LRCLIB does not have is none', async () => {
    assert.deepEqual(await finder({ title: ABSENT.title, artist: artistLine(ABSENT), durationMs: ABSENT.durationMs }), { kind: 'none', cached: false });
  });

  it('an instrumental is found, marked instrumental, without words', async () => {
    const song = SONGS.sawtoothSunrise;
    const found = await finder({ title: song.title, artist: artistLine(song), durationMs: song.durationMs });
    assert.ok(found.kind === 'found');
    assert.equal(found.lyrics.instrumental, true);
    assert.equal(found.lyrics.plain, undefined);
    assert.equal(found.lyrics.synced, undefined);
  });

  it('without an artist, searches by words (q=)', async () => {
    const before = fake.requests.length;
    const found = await finder({ title: 'Sine of the Times', durationMs: 6000 });
    assert.ok(found.kind === 'found');
    assert.equal(found.lyrics.id, LYRICS.sineOfTheTimes.id);
    assert.deepEqual(asked(before), ['/api/search']);
    assert.match(fake.requests[before]?.path ?? '', /[?&]q=Sine\+of\+the\+Times/);
  });

  it('a malformed answer is a readable failure, never cached', async () => {
    const q = { title: MALFORMED_TITLE, artist: 'hiqty troubles', durationMs: 4000 };
    const found = await finder(q);
    assert.equal(found.kind, 'failed');
    assert.ok(found.kind === 'failed');
    assert.match(found.reason, /^LRCLIB sent an answer hiqty does not understand \(/);
    const before = fake.requests.length;
    assert.equal((await finder(q)).kind, 'failed');
    assert.equal(fake.requests.length, before + 1, 'asked again: failures are not cached');
  });

  it('a failing LRCLIB (HTTP 500) is a failure naming the status', async () => {
    fake.failNext(1);
    const song = SONGS.rickroll;
    const found = await finder({ title: song.title, artist: artistLine(song), durationMs: song.durationMs });
    assert.deepEqual(found, { kind: 'failed', reason: 'LRCLIB answered HTTP 500' });
  });

  it('the fake answers as LRCLIB documents: 404 TrackNotFound, ±2 s on /api/get, 400 without the required parameters, arrays from /api/search', async () => {
    const api = fake.origins['lrclib.net'];
    assert.ok(api !== undefined);
    const get = async (query: string): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${api}${query}`);
      return { status: res.status, body: await res.json() };
    };
    const song = '?track_name=Never%20Gonna%20Give%20You%20Up&artist_name=Rick%20Astley';
    assert.equal((await get(`/api/get${song}&duration=10`)).status, 200, '8 s asked as 10 s: within ±2 s');
    assert.deepEqual(await get(`/api/get${song}&duration=11`), { status: 404, body: { code: 404, name: 'TrackNotFound', message: 'Failed to find specified track' } });
    assert.equal((await get('/api/get?track_name=x')).status, 400);
    assert.equal((await get('/api/search')).status, 400);
    const searched = await get('/api/search?q=square%20dance');
    assert.equal(searched.status, 200);
    assert.ok(Array.isArray(searched.body) && searched.body.length === 1, `${Array.isArray(searched.body) ? searched.body.length : 'no'} records`);
    assert.deepEqual(await get('/api/search?track_name=nothing%20like%20it'), { status: 200, body: [] });
  });

  it('callers asking for one song at the same time share one lookup', async () => {
    const before = fake.requests.length;
    const song = SONGS.rickroll;
    const q = { title: song.title, artist: artistLine(song), durationMs: song.durationMs };
    const [a, b, c] = await Promise.all([finder(q), finder(q), finder(q)]);
    assert.ok(a.kind === 'found' && b.kind === 'found' && c.kind === 'found');
    assert.equal(fake.requests.length, before + 1);
  });
});
