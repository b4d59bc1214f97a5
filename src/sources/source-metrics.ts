/**
 * What the sources report about the requests they make, as a small port: the prom-client side is in
 * src/http/metrics.ts, so sources never see prom-client.
 */

/** ok, http_4xx, http_5xx, refused (the address policy), failed (DNS, connection, timeout), cancelled. */
export type SourceRequestOutcome = 'ok' | 'http_4xx' | 'http_5xx' | 'refused' | 'failed' | 'cancelled';

/** The fleet's caches of service answers: searches, link resolutions, mirror matches, lyrics, related tracks (autoplay). */
export type SourceCacheName = 'search' | 'resolve' | 'mirror' | 'lyrics' | 'related';

export interface SourceMetrics {
  /** One HTTP request a source made (API or media), and how long it took to its response. */
  request(source: string, outcome: SourceRequestOutcome, seconds: number): void;
  /** One read of a shared cache, by cache and source: found there (hit) or asked of the service (miss). */
  cache(cache: SourceCacheName, source: string, hit: boolean): void;
}

export const NO_SOURCE_METRICS: SourceMetrics = { request: () => undefined, cache: () => undefined };
