/**
 * What the services answered, shared by the fleet with a TTL (DESIGN.md §6: "tokens and resolutions are
 * shared through Redis"): search results per normalized query (`hiqty:search_cache:{source}:{hash}`), and
 * link resolutions and mirror matches per URL or song (`hiqty:resolve_cache:{source}:{hash}`, the mirror's
 * under `mirror-{source}`). A member typing into autocomplete asks the same few prefixes as everybody else,
 * and a link pasted in many guilds is resolved once per TTL: a service asked less often is a service that
 * does not rate-limit us. Values are opaque JSON here; src/sources decodes them.
 *
 * Bounded: each kind keeps an index (`hiqty:cache_index:{kind}`, a sorted set of keys by expiry), and a write
 * past the kind's limit deletes the entries closest to expiring. A value larger than MAX_CACHED_BYTES is not
 * kept at all. `hiqty cache stats` and `hiqty cache clear` read and empty them.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys';
import { registerScripts } from './scripts';

/** Default life of a cached search: 10 minutes (results change slowly; their links are page URLs, not media URLs). */
export const DEFAULT_SEARCH_CACHE_TTL_MS = 10 * 60_000;
/** Default life of a cached link resolution or mirror match: 10 minutes (a playlist edited meanwhile is seen after that). */
export const DEFAULT_RESOLVE_CACHE_TTL_MS = 10 * 60_000;
/** Default entries kept per kind: 20,000 (a 1,000-track playlist is one entry, its songs' mirror matches 1,000 more). */
export const DEFAULT_CACHE_MAX_ENTRIES = 20_000;
/** A value above this many bytes is not cached (default 1 MiB: a 1,000-track playlist is about 400 KB). */
export const MAX_CACHED_BYTES = 1024 * 1024;

export const SOURCE_CACHE_KINDS = ['search', 'resolve'] as const;
export type SourceCacheKind = (typeof SOURCE_CACHE_KINDS)[number];

export function sourceCacheKey(kind: SourceCacheKind, source: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
  return `${KEY_PREFIX}:${kind}_cache:${source}:${hash}`;
}

export function sourceCacheIndexKey(kind: SourceCacheKind): string {
  return `${KEY_PREFIX}:cache_index:${kind}`;
}

export interface SourceCache {
  get(source: string, key: string): Promise<string | undefined>;
  set(source: string, key: string, value: string): Promise<void>;
}

export function redisSourceCache(redis: Redis, kind: SourceCacheKind, ttlMs: number, maxEntries = DEFAULT_CACHE_MAX_ENTRIES): SourceCache {
  registerScripts(redis);
  return {
    async get(source, key) {
      return (await redis.get(sourceCacheKey(kind, source, key))) ?? undefined;
    },
    async set(source, key, value) {
      if (Buffer.byteLength(value) > MAX_CACHED_BYTES) return;
      await redis.hiqtyCacheSet(sourceCacheKey(kind, source, key), sourceCacheIndexKey(kind), value, ttlMs, maxEntries);
    },
  };
}

/** One kind's entries by source (the part of the key before its hash), and their bytes. */
export interface SourceCacheStats {
  readonly kind: SourceCacheKind;
  readonly entries: number;
  readonly bytes: number;
  readonly bySource: Readonly<Record<string, number>>;
}

async function* cacheKeys(redis: Redis, kind: SourceCacheKind): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}:${kind}_cache:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

/** What the caches hold now (a SCAN: for operators, not for a hot path). */
export async function sourceCacheStats(redis: Redis): Promise<SourceCacheStats[]> {
  const stats: SourceCacheStats[] = [];
  for (const kind of SOURCE_CACHE_KINDS) {
    let entries = 0;
    let bytes = 0;
    const bySource: Record<string, number> = {};
    const prefix = `${KEY_PREFIX}:${kind}_cache:`;
    for await (const keys of cacheKeys(redis, kind)) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.strlen(key);
      const lengths = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const length = lengths[i]?.[1];
        if (typeof length !== 'number' || length === 0) return;
        entries += 1;
        bytes += length;
        const source = key.slice(prefix.length, key.lastIndexOf(':'));
        bySource[source] = (bySource[source] ?? 0) + 1;
      });
    }
    stats.push({ kind, entries, bytes, bySource });
  }
  return stats;
}

/** Deletes cached answers (all kinds, or one), with their indexes; returns how many entries went. */
export async function clearSourceCache(redis: Redis, kind?: SourceCacheKind): Promise<number> {
  let removed = 0;
  for (const k of kind === undefined ? SOURCE_CACHE_KINDS : [kind]) {
    for await (const keys of cacheKeys(redis, k)) removed += await redis.unlink(...keys);
    await redis.unlink(sourceCacheIndexKey(k));
  }
  return removed;
}
