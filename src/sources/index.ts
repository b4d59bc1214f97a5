/**
 * The service layer of one process, built from the configuration: a Fetcher per source (the address
 * policy and HIQTY_SERVICE_ORIGINS bound, requests counted), tokens and search results shared through
 * Redis, the registry in link order, the QueryResolver every interface asks, and the planner of the voice engine.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import { DEFAULT_RESOLVE_CACHE_TTL_MS, DEFAULT_SEARCH_CACHE_TTL_MS, redisSourceCache, type SourceCache } from '../state/source-cache';
import { redisTokenStore } from '../state/source-tokens';
import { SourceBreaker, type SourceHealth } from './breaker';
import { sourceFetcher, type FetchPolicy } from './fetcher';
import { sourcePlanner, type TrackPlanner } from './planner';
import type { QueryResolver } from './query';
import { SourceRegistry } from './registry';
import { withCachedResolutions } from './cached-resolutions';
import { createQueryResolver } from './resolver';
import { relatedFinder, type RelatedFinder } from './related';
import { bandcampSource } from './bandcamp';
import { mirroredSource, withFallback } from './elsewhere';
import { metadataSources } from './metadata';
import { lrclibFinder, LYRICS_CACHE_TTL_MS, type LyricsFinder } from './lrclib/client';
import { songMirror } from './mirror';
import { soundcloudSource } from './soundcloud';
import type { SourceCacheName, SourceMetrics } from './source-metrics';
import { twitchSource } from './twitch';
import { youtubeMusicSource, youtubeSource } from './youtube';
import type { MetadataSource, Source } from './types';
import { isDiscordAttachment, isHttpLink, urlSource } from './url';
import { vimeoSource } from './vimeo';

export type { PlannedTrack, TrackPlanner } from './planner';
export type { QueryOutcome, QueryResolver, SearchResults } from './query';
export type { SourceName, SourceTrack } from './types';
export type { RelatedFinder, RelatedOutcome } from './related';

export type ServiceConfig = Pick<
  Config,
  'HIQTY_FETCH_ALLOW' | 'HIQTY_SERVICE_ORIGINS' | 'HIQTY_SEARCH_SOURCES' | 'HIQTY_FALLBACK_SOURCES' | 'HIQTY_YOUTUBE_CLIENTS' | 'HIQTY_YOUTUBE_PO_TOKEN' | 'HIQTY_YOUTUBE_VISITOR_DATA' | 'HIQTY_SPOTIFY_CLIENT_ID' | 'HIQTY_SPOTIFY_CLIENT_SECRET'
>;

export interface ServiceLayerDeps {
  /** Where source tokens and the search cache live. */
  readonly redis: Redis;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: SourceMetrics;
}

export interface ServiceLayer {
  readonly registry: SourceRegistry;
  readonly resolver: QueryResolver;
  /** How the voice engine plays a queued track: a fresh plan from the track's source at each start. */
  readonly planner: TrackPlanner;
  /** The current track's lyrics from LRCLIB, cached in the resolve cache for the fleet (src/sources/lrclib). */
  readonly lyrics: LyricsFinder;
  /** Related tracks of a queued one, for autoplay (src/sources/related.ts). */
  readonly related: RelatedFinder;
  /** Each source's recent failure rate and circuit, as this instance sees them. */
  health(): SourceHealth[];
  /** Calls back when a source's circuit opens or closes. One listener. */
  onCircuitChange(listener: (source: string) => void): void;
}

/** A cache whose reads are counted as hits and misses (hiqty_source_cache_reads_total). */
function countedCache(cache: SourceCache, name: SourceCacheName, metrics: SourceMetrics): SourceCache {
  return {
    async get(source, key) {
      const value = await cache.get(source, key);
      metrics.cache(name, source, value !== undefined);
      return value;
    },
    set: (source, key, value) => cache.set(source, key, value),
  };
}

export function createServiceLayer(config: ServiceConfig, deps: ServiceLayerDeps): ServiceLayer {
  const policy: FetchPolicy = { allow: config.HIQTY_FETCH_ALLOW, overrides: config.HIQTY_SERVICE_ORIGINS };
  const fetcherFor = (name: string) => sourceFetcher(policy, name, deps.metrics, deps.clock);
  const log = deps.log.child({ component: 'sources' });
  const tokens = redisTokenStore(deps.redis);
  const youtube = {
    tokens,
    clients: config.HIQTY_YOUTUBE_CLIENTS,
    poToken: config.HIQTY_YOUTUBE_PO_TOKEN,
    visitorData: config.HIQTY_YOUTUBE_VISITOR_DATA,
    log: log.child({ source: 'youtube' }),
  };
  const resolutions = countedCache(redisSourceCache(deps.redis, 'resolve', DEFAULT_RESOLVE_CACHE_TTL_MS), 'resolve', deps.metrics);
  // The mirror keeps its matches beside the resolutions (under mirror-{source}), counted apart.
  const mirrorMatches = countedCache(redisSourceCache(deps.redis, 'resolve', DEFAULT_RESOLVE_CACHE_TTL_MS), 'mirror', deps.metrics);
  const services: Source[] = [
    youtubeSource({ ...youtube, fetcher: fetcherFor('youtube') }),
    youtubeMusicSource({ ...youtube, fetcher: fetcherFor('youtube-music') }),
    soundcloudSource({ fetch: fetcherFor('soundcloud'), tokens, clock: deps.clock, log: log.child({ source: 'soundcloud' }) }),
    bandcampSource({ fetch: fetcherFor('bandcamp'), log: log.child({ source: 'bandcamp' }) }),
    vimeoSource({ fetch: fetcherFor('vimeo'), log: log.child({ source: 'vimeo' }) }),
    twitchSource({ fetch: fetcherFor('twitch'), log: log.child({ source: 'twitch' }) }),
  ];
  // One breaker for search, mirrors and fallback: a source that keeps failing is skipped by all three.
  const breaker = new SourceBreaker(deps.clock);
  const playable = services.map((s) => withCachedResolutions(s, resolutions, log));
  // Mirrors and fallbacks open songs on the playable sources themselves, never through a fallback again.
  const playableRegistry = new SourceRegistry(playable);
  const elsewhere = {
    registry: playableRegistry,
    order: config.HIQTY_FALLBACK_SOURCES,
    mirror: songMirror({ registry: playableRegistry, cache: mirrorMatches, breaker, log }),
    breaker,
  };
  const related = relatedFinder({
    registry: playableRegistry,
    mirror: elsewhere.mirror,
    breaker,
    order: config.HIQTY_FALLBACK_SOURCES,
    cache: countedCache(redisSourceCache(deps.redis, 'resolve', DEFAULT_RESOLVE_CACHE_TTL_MS), 'related', deps.metrics),
    log: log.child({ component: 'related' }),
  });
  const metadata: MetadataSource[] = metadataSources(config, { fetcherFor, tokens, clock: deps.clock, log });
  const registry = new SourceRegistry([
    ...playable.map((s) => withFallback(s, elsewhere)),
    ...metadata.map((m) => withCachedResolutions(mirroredSource(m, elsewhere), resolutions, log)),
    urlSource({ name: 'attachment', label: 'Discord attachment', matches: isDiscordAttachment, fetch: fetcherFor('attachment') }),
    urlSource({ name: 'url', label: 'Link', matches: isHttpLink, fetch: fetcherFor('url') }),
  ]);
  const resolver = createQueryResolver({
    registry,
    searchSources: config.HIQTY_SEARCH_SOURCES,
    searchCache: countedCache(redisSourceCache(deps.redis, 'search', DEFAULT_SEARCH_CACHE_TTL_MS), 'search', deps.metrics),
    breaker,
    log,
  });
  // Lyrics share the resolve cache's bound, with their own (longer) TTL.
  const lyricsCache = countedCache(redisSourceCache(deps.redis, 'resolve', LYRICS_CACHE_TTL_MS), 'lyrics', deps.metrics);
  const lyrics = lrclibFinder({ fetch: fetcherFor('lrclib'), cache: lyricsCache, log: log.child({ source: 'lrclib' }) });
  return {
    registry,
    resolver,
    planner: sourcePlanner(registry),
    lyrics,
    related,
    health: () => breaker.health(),
    onCircuitChange: (listener) => {
      breaker.onCircuitChange = listener;
    },
  };
}
