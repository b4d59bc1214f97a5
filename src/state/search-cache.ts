/**
 * Search results shared by the fleet (`hiqty:search_cache:{source}:{hash}`, PX TTL): a member typing into
 * autocomplete asks the same few prefixes as everybody else, and a service asked once per query per TTL
 * is a service that does not rate-limit us. Values are opaque JSON here; src/sources decodes them.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys';

/** Default life of a cached search: 10 minutes (results change slowly; links inside them are page URLs, not media URLs). */
export const DEFAULT_SEARCH_CACHE_TTL_MS = 10 * 60_000;

export function searchCacheKey(source: string, normalizedQuery: string): string {
  const hash = createHash('sha256').update(normalizedQuery).digest('base64url').slice(0, 22);
  return `${KEY_PREFIX}:search_cache:${source}:${hash}`;
}

export interface SearchCache {
  get(source: string, normalizedQuery: string): Promise<string | undefined>;
  set(source: string, normalizedQuery: string, value: string): Promise<void>;
}

export function redisSearchCache(redis: Redis, ttlMs: number = DEFAULT_SEARCH_CACHE_TTL_MS): SearchCache {
  return {
    async get(source, query) {
      return (await redis.get(searchCacheKey(source, query))) ?? undefined;
    },
    async set(source, query, value) {
      await redis.set(searchCacheKey(source, query), value, 'PX', ttlMs);
    },
  };
}
