/**
 * The Spotify metadata source against the local fake, through the real safeFetch (address policy,
 * HIQTY_SERVICE_ORIGINS) and a real Redis for the shared access token.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../src/log';
import {
  LONG_ALBUM,
  LONG_PLAYLIST,
  LONG_PLAYLIST_SIZE,
  MALFORMED_TRACK_ID,
  MIRROR_PLAYLIST,
  MISSING_TRACK_ID,
  ODDS_PLAYLIST,
  SONGS,
  SPOTIFY_CLIENT_ID,
  SPOTIFY_CLIENT_SECRET,
  TRACKS,
  WAVEFORMS_ALBUM,
  artistLine,
  spotifyUrl,
  startSpotifyFake,
  type SpotifyFake,
} from '../../src/sandbox/services/spotify';
import { accessTokenName, classifyLink, DEVELOPMENT_MODE_REASON, EPISODE_REASON, isSpotifyUrl, LOCAL_FILE_REASON, MISSING_CREDENTIALS_REASON, REMOVED_REASON, spotifySource, type SpotifySourceDeps } from '../../src/sources/spotify';
import type { MetadataSource } from '../../src/sources/types';
import { redisTokenStore, sourceTokenKey } from '../../src/state/source-tokens';
import { useRedis } from '../support/redis';
import { capturingLogger, fetcherFor, ImpatientClock, reasonOf, servedSince, signal, tracksOf } from './metadata-support';

const TOKEN_KEY = sourceTokenKey(accessTokenName(SPOTIFY_CLIENT_ID));
const CREDENTIALS = { clientId: SPOTIFY_CLIENT_ID, clientSecret: SPOTIFY_CLIENT_SECRET };

describe('Spotify metadata source (Web API, against the fake)', function () {
  this.timeout(30_000);
  const redisHolder = useRedis();
  let fake: SpotifyFake;
  let redis: Redis;
  let clock: ImpatientClock;

  const sourceWith = (overrides: Partial<SpotifySourceDeps> = {}): MetadataSource =>
    spotifySource({ fetch: fetcherFor(fake), credentials: CREDENTIALS, tokens: redisTokenStore(redis), clock, log: silentLogger, ...overrides });
  const resolve = (source: MetadataSource, url: string) => source.resolve(new URL(url), { signal: signal() });

  before(async () => {
    fake = await startSpotifyFake();
    redis = redisHolder.current.client();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    clock = new ImpatientClock();
    fake.setAppMode('extended');
    await redis.del(TOKEN_KEY);
  });

  describe('links', () => {
    it('owns open.spotify.com pages, with or without a locale, an old /user/ prefix and a query', () => {
      const id = TRACKS.rickroll.id;
      const cases: [string, unknown][] = [
        [`https://open.spotify.com/track/${id}`, { kind: 'track', id }],
        [`https://open.spotify.com/intl-de/track/${id}?si=abc123`, { kind: 'track', id }],
        [`https://open.spotify.com/album/${WAVEFORMS_ALBUM.id}`, { kind: 'album', id: WAVEFORMS_ALBUM.id }],
        [`https://open.spotify.com/embed/playlist/${MIRROR_PLAYLIST.id}?utm_source=generator`, { kind: 'playlist', id: MIRROR_PLAYLIST.id }],
        [`https://open.spotify.com/user/tone-fan/playlist/${MIRROR_PLAYLIST.id}?si=x&pt=y`, { kind: 'playlist', id: MIRROR_PLAYLIST.id }],
        ['https://open.spotify.com/artist/0gxyHStUsqpMadRV0Di1Qt', { kind: 'other', what: 'a Spotify artist page' }],
        ['https://open.spotify.com/track/tooShort', { kind: 'other', what: 'a Spotify track link without a valid id' }],
      ];
      for (const [url, expected] of cases) {
        assert.equal(isSpotifyUrl(new URL(url)), true, url);
        assert.deepEqual(classifyLink(new URL(url)), expected, url);
      }
      for (const url of [`spotify:track:${id}`, 'https://spotify.com/track/x', 'https://api.spotify.com/v1/tracks/x', 'https://www.deezer.com/track/1']) assert.equal(isSpotifyUrl(new URL(url)), false, url);
    });
  });

  it('refuses every link without client credentials, telling the operator what to set, and asks nothing', async () => {
    const before = fake.requests.length;
    const reason = reasonOf(await resolve(sourceWith({ credentials: undefined }), spotifyUrl('track', TRACKS.rickroll.id)), 'refused');
    assert.equal(reason, MISSING_CREDENTIALS_REASON);
    assert.match(reason, /operator must set HIQTY_SPOTIFY_CLIENT_ID and HIQTY_SPOTIFY_CLIENT_SECRET/);
    assert.equal(fake.requests.length, before);
  });

  it('resolves a track with its metadata and ISRC, after one client-credentials token request', async () => {
    const before = fake.requests.length;
    const [track] = tracksOf(await resolve(sourceWith(), `https://open.spotify.com/intl-fr/track/${TRACKS.rickroll.id}?si=share`));
    assert.deepEqual(
      { ...track, artworkUrl: undefined },
      { url: spotifyUrl('track', TRACKS.rickroll.id), title: SONGS.rickroll.title, source: 'spotify', sourceId: TRACKS.rickroll.id, artist: 'Rick Astley', durationMs: SONGS.rickroll.durationMs, isrc: SONGS.rickroll.isrc, artworkUrl: undefined },
    );
    assert.match(track?.artworkUrl ?? '', /^https:\/\/i\.scdn\.co\/image\/ab67616d0000b273/, 'the widest image (640 px)');
    assert.deepEqual(servedSince(fake, before), ['POST accounts.spotify.com/api/token', `GET api.spotify.com/v1/tracks/${TRACKS.rickroll.id}`]);
  });

  it('joins several artists with ", "', async () => {
    const [track] = tracksOf(await resolve(sourceWith(), spotifyUrl('track', TRACKS.squareDance.id)));
    assert.equal(track?.artist, artistLine(SONGS.squareDance));
    assert.equal(track?.artist, 'The Oscillators, Tone Covers');
  });

  it('resolves an album in order with the album artwork, and follows its pages', async () => {
    const outcome = await resolve(sourceWith(), spotifyUrl('album', WAVEFORMS_ALBUM.id));
    const tracks = tracksOf(outcome);
    assert.deepEqual(tracks.map((t) => t.title), [SONGS.sineOfTheTimes.title, SONGS.squareDance.title, SONGS.sawtoothSunrise.title]);
    assert.ok(tracks.every((t) => t.source === 'spotify' && t.artworkUrl?.includes('ab67616d0000b273') === true && t.durationMs !== undefined));
    assert.ok(tracks.every((t) => t.isrc === undefined), "an album's entries carry no external_ids");
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.playlist : undefined, { url: spotifyUrl('album', WAVEFORMS_ALBUM.id), title: WAVEFORMS_ALBUM.name });

    const before = fake.requests.length;
    const long = tracksOf(await resolve(sourceWith(), spotifyUrl('album', LONG_ALBUM.id)));
    assert.equal(long.length, 60);
    assert.equal(long[59]?.title, 'Sixty Tone 60');
    assert.deepEqual(servedSince(fake, before, 'api.spotify.com'), [`GET api.spotify.com/v1/albums/${LONG_ALBUM.id}`, `GET api.spotify.com/v1/albums/${LONG_ALBUM.id}/tracks?offset=50&limit=50`]);
  });

  it("resolves the mirror's playlist: five songs in order, four with an ISRC", async () => {
    const outcome = await resolve(sourceWith(), spotifyUrl('playlist', MIRROR_PLAYLIST.id));
    const tracks = tracksOf(outcome);
    const songs = [SONGS.rickroll, SONGS.sineOfTheTimes, SONGS.squareDance, SONGS.sawtoothSunrise, SONGS.mainsHum];
    assert.deepEqual(
      tracks.map((t) => [t.title, t.artist, t.durationMs, t.isrc]),
      songs.map((s) => [s.title, artistLine(s), s.durationMs, 'isrc' in s ? s.isrc : undefined]),
    );
    assert.equal(tracks.filter((t) => t.isrc !== undefined).length, 4);
    assert.deepEqual(outcome.kind === 'tracks' ? [outcome.playlist, outcome.skipped] : [], [{ url: spotifyUrl('playlist', MIRROR_PLAYLIST.id), title: MIRROR_PLAYLIST.name }, undefined]);
  });

  it('skips local files, episodes and removed tracks of a playlist, saying why', async () => {
    const outcome = await resolve(sourceWith(), spotifyUrl('playlist', ODDS_PLAYLIST.id));
    assert.deepEqual(tracksOf(outcome).map((t) => t.title), [SONGS.sineOfTheTimes.title]);
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.skipped : undefined, [
      { title: 'Bedroom Demo', reason: LOCAL_FILE_REASON },
      { title: 'Episode 12: Why Sines (The Tone Show)', reason: EPISODE_REASON },
      { title: 'entry 4', reason: REMOVED_REASON },
    ]);
  });

  it('reads a long playlist in pages of 100 and stops at 1000 tracks, saying so', async () => {
    const before = fake.requests.length;
    const outcome = await resolve(sourceWith(), spotifyUrl('playlist', LONG_PLAYLIST.id));
    const tracks = tracksOf(outcome);
    assert.equal(tracks.length, 1000);
    assert.equal(tracks[999]?.title, 'Long Tone 1000');
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.skipped : undefined, [{ title: `${LONG_PLAYLIST_SIZE - 1000} more tracks`, reason: 'hiqty takes the first 1000 tracks of a playlist' }]);
    const pages = servedSince(fake, before, 'api.spotify.com').map((r) => /offset=(\d+)&limit=(\d+)/.exec(r)?.slice(1).join('/') ?? 'first');
    assert.deepEqual(pages, ['first', ...Array.from({ length: 9 }, (_, i) => `${(i + 1) * 100}/100`)], 'the playlist, then offsets 100 to 900; none past the cap');
  });

  describe('the access token', () => {
    it('is shared through Redis with its TTL: a second instance makes no token request', async () => {
      tracksOf(await resolve(sourceWith(), spotifyUrl('track', TRACKS.rickroll.id)));
      const pttl = await redis.pttl(TOKEN_KEY);
      assert.ok(pttl > 3_000_000 && pttl <= 3_540_000, `shared for an hour less a minute (pttl ${pttl})`);
      const tokens = fake.tokenRequests();
      tracksOf(await resolve(sourceWith(), spotifyUrl('track', TRACKS.sineOfTheTimes.id)));
      assert.equal(fake.tokenRequests(), tokens, 'the second instance used the shared token');
    });

    it('is asked once by an instance however many resolutions want it at the same time', async () => {
      const tokens = fake.tokenRequests();
      const source = sourceWith();
      const outcomes = await Promise.all([TRACKS.rickroll, TRACKS.squareDance, TRACKS.mainsHum].map((t) => resolve(source, spotifyUrl('track', t.id))));
      for (const o of outcomes) tracksOf(o);
      assert.equal(fake.tokenRequests(), tokens + 1);
    });

    it('is dropped and obtained again once when it answers 401', async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, spotifyUrl('track', TRACKS.rickroll.id)));
      const old = await redis.get(TOKEN_KEY);
      const tokens = fake.tokenRequests();
      fake.expireTokens();
      tracksOf(await resolve(source, spotifyUrl('track', TRACKS.squareDance.id)));
      assert.equal(fake.tokenRequests(), tokens + 1);
      const fresh = await redis.get(TOKEN_KEY);
      assert.ok(fresh !== null && fresh !== old, 'the fresh token replaced the expired one in Redis');
    });

    it('fails with a reason naming the variables when Spotify refuses the credentials, and never logs the secret', async () => {
      const { log, lines } = capturingLogger();
      const wrong = 'not-the-secret-0123456789abcdef';
      const reason = reasonOf(await resolve(sourceWith({ credentials: { clientId: SPOTIFY_CLIENT_ID, clientSecret: wrong }, log }), spotifyUrl('track', TRACKS.rickroll.id)), 'failed');
      assert.match(reason, /refused hiqty's client credentials \(invalid_client: Invalid client secret\).*HIQTY_SPOTIFY_CLIENT_SECRET/);
      assert.ok(!reason.includes(wrong));
      // A working run, logged at debug: neither the secret nor the token appears.
      tracksOf(await resolve(sourceWith({ log }), spotifyUrl('track', TRACKS.rickroll.id)));
      const token = (await redis.get(TOKEN_KEY)) ?? '';
      assert.ok(lines.length > 0, 'something was logged');
      for (const secret of [wrong, SPOTIFY_CLIENT_SECRET, token, Buffer.from(`${SPOTIFY_CLIENT_ID}:${SPOTIFY_CLIENT_SECRET}`).toString('base64')]) {
        assert.ok(!lines.some((l) => l.includes(secret)), 'a secret was logged');
      }
    });
  });

  describe('failures', () => {
    it("waits as a 429's Retry-After asks, then goes on", async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, spotifyUrl('track', TRACKS.rickroll.id)));
      fake.rateLimitNext(2, 3);
      const tracks = tracksOf(await resolve(source, spotifyUrl('playlist', MIRROR_PLAYLIST.id)));
      assert.equal(tracks.length, 5);
      assert.deepEqual(clock.waits, [3000, 3000]);
    });

    it('fails saying Spotify is rate limiting when the wait asked for does not fit the budget', async () => {
      const source = sourceWith();
      tracksOf(await resolve(source, spotifyUrl('track', TRACKS.rickroll.id)));
      const before = fake.requests.length;
      fake.rateLimitNext(1, 30);
      const reason = reasonOf(await resolve(source, spotifyUrl('track', TRACKS.squareDance.id)), 'failed');
      assert.match(reason, /Spotify is rate limiting hiqty \(asked to wait 30 s\)/);
      assert.deepEqual(clock.waits, [], 'nothing was waited');
      assert.equal(servedSince(fake, before).length, 1, 'not asked again');
    });

    it('says a playlist cannot be read under the Development Mode rules, while tracks still resolve', async () => {
      fake.setAppMode('development');
      const source = sourceWith();
      tracksOf(await resolve(source, spotifyUrl('track', TRACKS.rickroll.id)));
      assert.equal(reasonOf(await resolve(source, spotifyUrl('playlist', MIRROR_PLAYLIST.id)), 'unavailable'), DEVELOPMENT_MODE_REASON);
    });

    it('turns a malformed answer into a failure with a readable reason, and a missing track into unavailable', async () => {
      const source = sourceWith();
      assert.match(reasonOf(await resolve(source, spotifyUrl('track', MALFORMED_TRACK_ID)), 'failed'), /^Spotify sent an answer hiqty does not understand \(.*name: got 42, expected string/);
      assert.match(reasonOf(await resolve(source, spotifyUrl('track', MISSING_TRACK_ID)), 'unavailable'), /does not exist/);
      assert.match(reasonOf(await resolve(source, 'https://open.spotify.com/artist/0gxyHStUsqpMadRV0Di1Qt'), 'unavailable'), /tracks, albums and playlists, and this is a Spotify artist page/);
    });
  });
});
