/**
 * What the services answered, shared by the fleet with a TTL (DESIGN.md §6: "tokens and resolutions are
 * shared through Redis"): search results per normalized query (`hiqty:search_cache:{source}:{hash}`) and
 * link resolutions per URL (`hiqty:resolve_cache:{source}:{hash}`). A member typing into autocomplete asks
 * the same few prefixes as everybody else, and a link pasted in many guilds is resolved once per TTL: a
 * service asked less often is a service that does not rate-limit us. Values are opaque JSON here;
 * src/sources decodes them.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys';

/** Default life of a cached search: 10 minutes (results change slowly; their links are page URLs, not media URLs). */
export const DEFAULT_SEARCH_CACHE_TTL_MS = 10 * 60_000;
/** Default life of a cached link resolution: 10 minutes (a playlist edited meanwhile is seen after that). */
export const DEFAULT_RESOLVE_CACHE_TTL_MS = 10 * 60_000;

export type SourceCacheKind = 'search' | 'resolve';

export function sourceCacheKey(kind: SourceCacheKind, source: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
  return `${KEY_PREFIX}:${kind}_cache:${source}:${hash}`;
}

export interface SourceCache {
  get(source: string, key: string): Promise<string | undefined>;
  set(source: string, key: string, value: string): Promise<void>;
}

export function redisSourceCache(redis: Redis, kind: SourceCacheKind, ttlMs: number): SourceCache {
  return {
    async get(source, key) {
      return (await redis.get(sourceCacheKey(kind, source, key))) ?? undefined;
    },
    async set(source, key, value) {
      await redis.set(sourceCacheKey(kind, source, key), value, 'PX', ttlMs);
    },
  };
}
