/**
 * The metadata sources as the service layer wires them (metadataSources, createServiceLayer): their
 * links resolve through the registry and the resolver, Spotify refuses its links without credentials,
 * and the Spotify credentials are checked as a pair at start-up without ever showing the secret.
 */
import assert from 'node:assert/strict';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { LONG_PLAYLIST as APPLE_PLAYLIST, playlistUrl, startAppleMusicFake, type AppleMusicFake } from '../../src/sandbox/services/apple-music';
import { deezerUrl, RICKROLL as DEEZER_RICKROLL, startDeezerFake, type DeezerFake } from '../../src/sandbox/services/deezer';
import { MIRROR_PLAYLIST, SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, spotifyUrl, startSpotifyFake, type SpotifyFake } from '../../src/sandbox/services/spotify';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { createServiceLayer, type ServiceLayer } from '../../src/sources';
import { metadataSources } from '../../src/sources/metadata';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { MISSING_CREDENTIALS_REASON } from '../../src/sources/spotify';
import { redisTokenStore } from '../../src/state/source-tokens';
import { useRedis } from '../support/redis';
import { serviceConfig } from '../support/services';
import { fetcherFor } from './metadata-support';

describe('metadata sources in the service layer', function () {
  this.timeout(30_000);
  const redisHolder = useRedis();
  let spotify: SpotifyFake;
  let apple: AppleMusicFake;
  let deezer: DeezerFake;
  let redis: Redis;

  const layer = (env: NodeJS.ProcessEnv = {}): ServiceLayer => {
    const fakes = [spotify, apple, deezer];
    const config = serviceConfig({ HIQTY_FETCH_ALLOW: fakes.flatMap((f) => f.allow).join(','), HIQTY_SERVICE_ORIGINS: serviceOriginsValue(fakes), ...env });
    return createServiceLayer(config, { redis, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS });
  };

  before(async () => {
    [spotify, apple, deezer] = await Promise.all([startSpotifyFake(), startAppleMusicFake(), startDeezerFake()]);
    redis = redisHolder.current.client();
  });
  after(async () => {
    await Promise.all([spotify.stop(), apple.stop(), deezer.stop()]);
  });

  it('are Spotify, Apple Music and Deezer, Spotify even without credentials', () => {
    const sources = metadataSources({ HIQTY_SPOTIFY_CLIENT_ID: undefined, HIQTY_SPOTIFY_CLIENT_SECRET: undefined }, { fetcherFor: () => fetcherFor(deezer), tokens: redisTokenStore(redis), clock: systemClock, log: silentLogger });
    assert.deepEqual(sources.map((s) => [s.name, s.label]), [['spotify', 'Spotify'], ['apple-music', 'Apple Music'], ['deezer', 'Deezer']]);
  });

  it("resolve each service's links through the resolver, as that service's tracks", async () => {
    const services = layer({ HIQTY_SPOTIFY_CLIENT_ID: SPOTIFY_CLIENT_ID, HIQTY_SPOTIFY_CLIENT_SECRET: SPOTIFY_CLIENT_SECRET });
    const cases: [string, string, number][] = [
      [spotifyUrl('playlist', MIRROR_PLAYLIST.id), 'spotify', 5],
      [playlistUrl(APPLE_PLAYLIST), 'apple-music', 120],
      [deezerUrl('track', DEEZER_RICKROLL.id), 'deezer', 1],
    ];
    for (const [link, source, count] of cases) {
      const outcome = await services.resolver.resolve(link);
      assert.equal(outcome.kind, 'tracks', `${link}: ${JSON.stringify(outcome).slice(0, 300)}`);
      if (outcome.kind !== 'tracks') continue;
      assert.equal(outcome.source, source);
      assert.equal(outcome.tracks.length, count);
      assert.ok(outcome.tracks.every((t) => t.source === source));
    }
  });

  it('refuse a Spotify link without credentials, with the reason for the operator', async () => {
    // Not answered from the fleet's cache of resolutions, which the test before filled.
    await redis.flushall();
    const outcome = await layer().resolver.resolve(spotifyUrl('playlist', MIRROR_PLAYLIST.id));
    assert.deepEqual(outcome, { kind: 'refused', reason: MISSING_CREDENTIALS_REASON });
  });

  it('a second instance resolving the same Spotify playlist makes no request to Spotify: a cache hit, counted', async () => {
    await redis.flushall();
    const credentials = { HIQTY_SPOTIFY_CLIENT_ID: SPOTIFY_CLIENT_ID, HIQTY_SPOTIFY_CLIENT_SECRET: SPOTIFY_CLIENT_SECRET };
    const link = spotifyUrl('playlist', MIRROR_PLAYLIST.id);
    const first = await layer(credentials).resolver.resolve(link);
    assert.equal(first.kind, 'tracks');
    const asked = spotify.requests.length;
    const reads: string[] = [];
    const metrics = { ...NO_SOURCE_METRICS, cache: (cache: string, source: string, hit: boolean) => void reads.push(`${cache} ${source} ${hit ? 'hit' : 'miss'}`) };
    const fakes = [spotify, apple, deezer];
    const config = serviceConfig({ HIQTY_FETCH_ALLOW: fakes.flatMap((f) => f.allow).join(','), HIQTY_SERVICE_ORIGINS: serviceOriginsValue(fakes), ...credentials });
    const second = await createServiceLayer(config, { redis, clock: systemClock, log: silentLogger, metrics }).resolver.resolve(link);
    assert.deepEqual(second, first);
    assert.equal(spotify.requests.length, asked, 'Spotify was not asked, not even for a token');
    assert.deepEqual(reads, ['resolve spotify hit']);
  });

  it('take the Spotify client id and secret as a pair, and never show the secret', () => {
    const onlyId = loadConfig({ HIQTY_SPOTIFY_CLIENT_ID: SPOTIFY_CLIENT_ID });
    assert.ok(isLeft(onlyId));
    assert.deepEqual(onlyId.left.map((e) => e.variable), ['HIQTY_SPOTIFY_CLIENT_SECRET']);
    assert.match(onlyId.left[0]?.message ?? '', /HIQTY_SPOTIFY_CLIENT_SECRET is missing: HIQTY_SPOTIFY_CLIENT_ID is set/);
    const onlySecret = loadConfig({ HIQTY_SPOTIFY_CLIENT_SECRET: SPOTIFY_CLIENT_SECRET });
    assert.ok(isLeft(onlySecret));
    assert.ok(!JSON.stringify(onlySecret.left).includes(SPOTIFY_CLIENT_SECRET));
    const both = loadConfig({ HIQTY_SPOTIFY_CLIENT_ID: SPOTIFY_CLIENT_ID, HIQTY_SPOTIFY_CLIENT_SECRET: SPOTIFY_CLIENT_SECRET });
    assert.ok(!isLeft(both));
  });
});
