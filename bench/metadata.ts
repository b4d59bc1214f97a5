/**
 * Issue 15: resolving a 100-track Spotify playlist (`BENCH_PLAYLIST`) against the Spotify fake, cold (Redis
 * flushed: a client-credentials token, the playlist and its one page of 100 entries) and cached (a second
 * instance's service layer: the resolution comes from Redis, Spotify is not asked). In-process, through the
 * real safe fetch and service layer; the usual approach has no metadata links to compare with.
 */
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { BENCH_PLAYLIST, spotifyUrl, startSpotifyFake } from '../src/sandbox/services/spotify';
import { serviceOriginsValue } from '../src/sandbox/services/types';
import { createServiceLayer } from '../src/sources';
import { NO_SOURCE_METRICS } from '../src/sources/source-metrics';
import { summarize, type Summary } from './stats';

export interface MetadataConfig {
  /** Cold and cached resolutions each. */
  readonly rounds: number;
}

export const METADATA_FULL: MetadataConfig = { rounds: 10 };
export const METADATA_SMOKE: MetadataConfig = { rounds: 1 };

export interface MetadataFigures {
  readonly tracks: number;
  readonly coldMs: Summary;
  readonly cachedMs: Summary;
  /** Requests Spotify served per cold resolution, and per cached one (0 when the cache answered). */
  readonly coldRequests: number;
  readonly cachedRequests: number;
}

export async function measureMetadata(db: Redis, c: MetadataConfig): Promise<MetadataFigures> {
  const spotify = await startSpotifyFake();
  try {
    const config = loadConfig({
      HIQTY_FETCH_ALLOW: spotify.allow.join(','),
      HIQTY_SERVICE_ORIGINS: serviceOriginsValue([spotify]),
      HIQTY_SPOTIFY_CLIENT_ID: spotify.clientId,
      HIQTY_SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
    });
    if (isLeft(config)) throw new Error(config.left.map((e) => e.message).join('; '));
    const instance = () => createServiceLayer(config.right, { redis: db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS });
    const link = spotifyUrl('playlist', BENCH_PLAYLIST.id);
    const cold: number[] = [];
    const cached: number[] = [];
    let tracks = 0;
    let coldRequests = 0;
    let cachedRequests = 0;
    for (let round = 0; round < c.rounds; round++) {
      await db.flushall();
      let asked = spotify.requests.length;
      let started = performance.now();
      const first = await instance().resolver.resolve(link);
      cold.push(performance.now() - started);
      if (first.kind !== 'tracks') throw new Error(`the bench playlist did not resolve: ${JSON.stringify(first)}`);
      tracks = first.tracks.length;
      coldRequests = spotify.requests.length - asked;
      asked = spotify.requests.length;
      started = performance.now();
      await instance().resolver.resolve(link);
      cached.push(performance.now() - started);
      cachedRequests = spotify.requests.length - asked;
    }
    return { tracks, coldMs: summarize(cold), cachedMs: summarize(cached), coldRequests, cachedRequests };
  } finally {
    await spotify.stop();
  }
}
