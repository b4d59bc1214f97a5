/**
 * The Apple Music metadata source against the local fake, through the real safeFetch and a real Redis
 * for the shared developer token (found in music.apple.com's app bundle).
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../src/log';
import {
  albumUrl,
  LONG_PLAYLIST,
  MALFORMED_SONG_ID,
  MISSING_ALBUM_ID,
  playlistUrl,
  RICKROLL,
  SONGS,
  songUrl,
  startAppleMusicFake,
  WAVEFORMS,
  type AppleMusicFake,
} from '../../src/sandbox/services/apple-music';
import { appleMusicSource, bundleUrls, classifyLink, developerTokenIn, DEVELOPER_TOKEN, isAppleMusicUrl, jwtExpiryMs, notInStorefrontReason, type AppleMusicSourceDeps } from '../../src/sources/apple-music';
import type { MetadataSource } from '../../src/sources/types';
import { redisTokenStore, sourceTokenKey } from '../../src/state/source-tokens';
import { useRedis } from '../support/redis';
import { fetcherFor, ImpatientClock, reasonOf, servedSince, signal, tracksOf } from './metadata-support';

const TOKEN_KEY = sourceTokenKey(DEVELOPER_TOKEN);

describe('Apple Music metadata source (amp-api, against the fake)', function () {
  this.timeout(30_000);
  const redisHolder = useRedis();
  let fake: AppleMusicFake;
  let redis: Redis;
  let clock: ImpatientClock;

  const sourceWith = (overrides: Partial<AppleMusicSourceDeps> = {}): MetadataSource => appleMusicSource({ fetch: fetcherFor(fake), tokens: redisTokenStore(redis), clock, log: silentLogger, ...overrides });
  const resolve = (source: MetadataSource, url: string) => source.resolve(new URL(url), { signal: signal() });

  before(async () => {
    fake = await startAppleMusicFake();
    redis = redisHolder.current.client();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    clock = new ImpatientClock();
    await redis.del(TOKEN_KEY);
  });

  describe('links and the token in a bundle', () => {
    it('owns music.apple.com songs, albums (with ?i= one song of it) and playlists', () => {
      const cases: [string, unknown][] = [
        [albumUrl(WAVEFORMS), { kind: 'album', storefront: 'us', id: WAVEFORMS.id }],
        [songUrl(RICKROLL), { kind: 'song', storefront: 'us', id: RICKROLL.id }],
        [`https://music.apple.com/gb/song/never-gonna-give-you-up/${RICKROLL.id}`, { kind: 'song', storefront: 'gb', id: RICKROLL.id }],
        [`https://music.apple.com/album/${WAVEFORMS.id}`, { kind: 'album', storefront: 'us', id: WAVEFORMS.id }],
        [`https://geo.music.apple.com/de/album/_/${WAVEFORMS.id}?i=${WAVEFORMS.songs[0]?.id ?? ''}`, { kind: 'song', storefront: 'de', id: WAVEFORMS.songs[0]?.id }],
        [playlistUrl(LONG_PLAYLIST), { kind: 'playlist', storefront: 'us', id: LONG_PLAYLIST.id }],
        ['https://music.apple.com/us/artist/rick-astley/669771', { kind: 'other', what: 'an Apple Music artist page' }],
      ];
      for (const [url, expected] of cases) {
        assert.equal(isAppleMusicUrl(new URL(url)), true, url);
        assert.deepEqual(classifyLink(new URL(url)), expected, url);
      }
      assert.equal(isAppleMusicUrl(new URL('https://amp-api.music.apple.com/v1/catalog/us/songs/1')), false);
    });

    it('takes the module app bundles of the page, and the first JWT literal that names an expiry', () => {
      const page = '<script type="module" crossorigin src="/assets/index~abc.js"></script><script src="https://evil.example/assets/index~x.js"></script><script src="/assets/index-legacy~def.js"></script><script type="module" src="/assets/vendor~1.js"></script>';
      assert.deepEqual(bundleUrls(page), ['https://music.apple.com/assets/index~abc.js', 'https://music.apple.com/assets/index-legacy~def.js']);
      const jwt = (payload: unknown): string => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
      const found = developerTokenIn(`a="${jwt({ sub: 'x' })}";b=\`${jwt({ exp: 2_000_000_000 })}\``);
      assert.equal(found?.expiresAtMs, 2_000_000_000_000);
      assert.equal(jwtExpiryMs(fake.token), JSON.parse(Buffer.from(fake.token.split('.')[1] ?? '', 'base64url').toString('utf8')).exp * 1000);
    });
  });

  it('resolves an album with ISRCs, Apple\'s artist names and filled-in artwork, after finding the token once', async () => {
    const before = fake.requests.length;
    const outcome = await resolve(sourceWith(), albumUrl(WAVEFORMS));
    const tracks = tracksOf(outcome);
    assert.deepEqual(
      tracks.map((t) => [t.title, t.artist, t.durationMs, t.isrc, t.sourceId, t.source]),
      WAVEFORMS.songs.map((s) => [s.song.title, s.artistName, s.song.durationMs, s.song.isrc, s.id, 'apple-music']),
    );
    assert.equal(tracks[1]?.artist, 'The Oscillators & Tone Covers');
    assert.equal(tracks[0]?.url, songUrl(WAVEFORMS.songs[0] ?? RICKROLL));
    assert.match(tracks[0]?.artworkUrl ?? '', /^https:\/\/is1-ssl\.mzstatic\.com\/image\/thumb\/.*\/1000x1000bb\.jpg$/);
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.playlist : undefined, { url: albumUrl(WAVEFORMS), title: WAVEFORMS.name });
    const served = servedSince(fake, before);
    assert.equal(served.length, 3, served.join(' '));
    assert.equal(served[0], 'GET music.apple.com/');
    assert.match(served[1] ?? '', /^GET music\.apple\.com\/assets\/index~[0-9a-f]+\.js$/, 'the module app bundle only');
    assert.equal(served[2], `GET amp-api.music.apple.com/v1/catalog/us/albums/${WAVEFORMS.id}`);
  });

  it('resolves a song shared from its album page (?i=)', async () => {
    const [track] = tracksOf(await resolve(sourceWith(), songUrl(RICKROLL)));
    assert.deepEqual([track?.title, track?.artist, track?.isrc, track?.durationMs, track?.sourceId], [SONGS.rickroll.title, 'Rick Astley', SONGS.rickroll.isrc, SONGS.rickroll.durationMs, RICKROLL.id]);
  });

  it('follows a playlist\'s `next` pages, skipping an entry not in the storefront', async () => {
    const before = fake.requests.length;
    const outcome = await resolve(sourceWith(), playlistUrl(LONG_PLAYLIST));
    const tracks = tracksOf(outcome);
    assert.equal(tracks.length, 120);
    assert.equal(tracks[119]?.title, 'Playlist Tone 120');
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.skipped : undefined, [{ title: 'entry 50', reason: notInStorefrontReason('us') }]);
    assert.deepEqual(servedSince(fake, before, 'amp-api.music.apple.com'), [
      `GET amp-api.music.apple.com/v1/catalog/us/playlists/${LONG_PLAYLIST.id}`,
      `GET amp-api.music.apple.com/v1/catalog/us/playlists/${LONG_PLAYLIST.id}/tracks?offset=100`,
    ]);
  });

  it('stops at the cap without asking for the next page, saying so', async () => {
    const before = fake.requests.length;
    const outcome = await resolve(sourceWith({ maxListTracks: 60 }), playlistUrl(LONG_PLAYLIST));
    assert.equal(tracksOf(outcome).length, 59);
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.skipped?.[1] : undefined, { title: '61 more tracks', reason: 'hiqty takes the first 60 tracks of a playlist' });
    assert.equal(servedSince(fake, before, 'amp-api.music.apple.com').length, 1);
  });

  describe('the developer token', () => {
    it('is shared through Redis until shortly before its expiry: a second instance does not look for it', async () => {
      tracksOf(await resolve(sourceWith(), songUrl(RICKROLL)));
      assert.equal(await redis.get(TOKEN_KEY), fake.token);
      const pttl = await redis.pttl(TOKEN_KEY);
      const expected = (jwtExpiryMs(fake.token) ?? 0) - Date.now() - 5 * 60_000;
      assert.ok(pttl <= expected + 1000 && pttl > expected - 60_000, `shared until 5 min before exp (pttl ${pttl}, expected about ${expected})`);
      const scrapes = fake.scrapes();
      tracksOf(await resolve(sourceWith(), albumUrl(WAVEFORMS)));
      assert.equal(fake.scrapes(), scrapes);
    });

    it('is dropped and found again once when it answers 401 (a new deploy)', async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, songUrl(RICKROLL)));
      const scrapes = fake.scrapes();
      const { old, current } = fake.rotateToken();
      assert.notEqual(old, current);
      tracksOf(await resolve(source, albumUrl(WAVEFORMS)));
      assert.equal(fake.scrapes(), scrapes + 1);
      assert.equal(await redis.get(TOKEN_KEY), current);
    });

    it('fails with a reason after one rediscovery when the page still serves the stale token', async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, songUrl(RICKROLL)));
      const scrapes = fake.scrapes();
      fake.rotateToken({ bundle: 'stale' });
      try {
        assert.match(reasonOf(await resolve(source, albumUrl(WAVEFORMS)), 'failed'), /Apple Music refused a freshly obtained token \(HTTP 401\)/);
        assert.equal(fake.scrapes(), scrapes + 1, 'one rediscovery, not a loop');
      } finally {
        fake.rotateToken();
      }
    });
  });

  describe('failures', () => {
    it("waits as a 429's Retry-After asks, and fails saying Apple Music is rate limiting past the budget", async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, songUrl(RICKROLL)));
      fake.rateLimitNext(1, 2);
      tracksOf(await resolve(source, albumUrl(WAVEFORMS)));
      assert.deepEqual(clock.waits, [2000]);
      fake.rateLimitNext(6, 2);
      try {
        assert.match(reasonOf(await resolve(source, albumUrl(WAVEFORMS)), 'failed'), /Apple Music is rate limiting hiqty \(asked to wait 2 s\)/);
        assert.deepEqual(clock.waits, [2000, 2000, 2000, 2000, 2000, 2000], 'five more waits fit the 10 s budget');
      } finally {
        fake.rateLimitNext(0);
      }
    });

    it('says a missing album does not exist, and a malformed song is a failure with a reason', async () => {
      assert.match(reasonOf(await resolve(sourceWith(), albumUrl({ slug: 'gone', id: MISSING_ALBUM_ID })), 'unavailable'), /does not exist in the US storefront/);
      assert.match(reasonOf(await resolve(sourceWith(), `https://music.apple.com/us/song/broken/${MALFORMED_SONG_ID}`), 'failed'), /^Apple Music sent an answer hiqty does not understand \(.*name: got 7, expected string/);
      assert.match(reasonOf(await resolve(sourceWith(), 'https://music.apple.com/us/artist/x/1'), 'unavailable'), /this is an Apple Music artist page/);
    });
  });
});
