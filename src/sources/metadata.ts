/**
 * The metadata sources of one process (issue 15): Spotify, Apple Music and Deezer links turned into
 * tracks with title, artists, duration and ISRC, which the service layer wraps in a mirror so they play
 * from a playable source. Spotify is always there: without credentials it refuses its links with a
 * reason for the operator, rather than letting them fall to the plain-link source.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import { appleMusicSource } from './apple-music';
import { deezerSource } from './deezer';
import { spotifySource } from './spotify';
import type { Fetcher, MetadataSource, SourceName, TokenStore } from './types';

export type MetadataConfig = Pick<Config, 'HIQTY_SPOTIFY_CLIENT_ID' | 'HIQTY_SPOTIFY_CLIENT_SECRET'>;

export interface MetadataDeps {
  /** The Fetcher of each source, under its name (requests are counted per source). */
  readonly fetcherFor: (name: SourceName) => Fetcher;
  /** Where service tokens are shared (Redis). */
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
}

export function metadataSources(config: MetadataConfig, deps: MetadataDeps): MetadataSource[] {
  const id = config.HIQTY_SPOTIFY_CLIENT_ID;
  const secret = config.HIQTY_SPOTIFY_CLIENT_SECRET;
  return [
    spotifySource({
      fetch: deps.fetcherFor('spotify'),
      credentials: id !== undefined && secret !== undefined ? { clientId: id, clientSecret: secret } : undefined,
      tokens: deps.tokens,
      clock: deps.clock,
      log: deps.log.child({ source: 'spotify' }),
    }),
    appleMusicSource({ fetch: deps.fetcherFor('apple-music'), tokens: deps.tokens, clock: deps.clock, log: deps.log.child({ source: 'apple-music' }) }),
    deezerSource({ fetch: deps.fetcherFor('deezer'), clock: deps.clock, log: deps.log.child({ source: 'deezer' }) }),
  ];
}
