/**
 * The fleet's caches of service answers (src/state/source-cache.ts) and the published source health
 * (src/state/source-health.ts), against a real Redis.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { clearSourceCache, MAX_CACHED_BYTES, publishSourceHealth, readSourceHealth, redisSourceCache, sourceCacheIndexKey, sourceCacheKey, sourceCacheStats } from '../../src/state';
import { useRedis } from '../support/redis';

describe('state: source caches and source health', () => {
  const redis = useRedis();
  let db: Redis;
  beforeEach(async () => {
    db = redis.current.client();
    await db.flushall();
  });
  afterEach(() => db.disconnect());

  it('keeps at most maxEntries per kind: a write past the limit evicts the entries closest to expiring', async () => {
    const cache = redisSourceCache(db, 'search', 60_000, 3);
    for (const q of ['a', 'b', 'c']) await cache.set('youtube', q, `"${q}"`);
    await cache.set('soundcloud', 'd', '"d"');
    assert.equal(await cache.get('youtube', 'a'), undefined, 'the oldest went');
    assert.equal(await cache.get('youtube', 'b'), '"b"');
    assert.equal(await cache.get('soundcloud', 'd'), '"d"');
    assert.equal(await db.zcard(sourceCacheIndexKey('search')), 3);
    assert.ok((await db.pttl(sourceCacheKey('search', 'youtube', 'b'))) > 0, 'entries keep their TTL');
  });

  it('does not keep a value larger than MAX_CACHED_BYTES', async () => {
    const cache = redisSourceCache(db, 'resolve', 60_000);
    await cache.set('youtube', 'huge', 'x'.repeat(MAX_CACHED_BYTES + 1));
    assert.equal(await cache.get('youtube', 'huge'), undefined);
  });

  it('stats count entries and bytes per kind and source; clear empties one kind or all', async () => {
    const search = redisSourceCache(db, 'search', 60_000);
    const resolve = redisSourceCache(db, 'resolve', 60_000);
    await search.set('youtube', 'a', '12345');
    await search.set('soundcloud', 'b', '123');
    await resolve.set('mirror-youtube', 'isrc:X', '1234567890');
    const stats = await sourceCacheStats(db);
    assert.deepEqual(stats, [
      { kind: 'search', entries: 2, bytes: 8, bySource: { youtube: 1, soundcloud: 1 } },
      { kind: 'resolve', entries: 1, bytes: 10, bySource: { 'mirror-youtube': 1 } },
    ]);
    assert.equal(await clearSourceCache(db, 'search'), 2);
    assert.equal((await sourceCacheStats(db))[0]?.entries, 0);
    assert.equal(await resolve.get('mirror-youtube', 'isrc:X'), '1234567890', 'the other kind stays');
    assert.equal(await clearSourceCache(db), 1);
    assert.equal(await db.dbsize(), 0, 'entries and indexes gone');
  });

  it('each instance publishes its view with an expiry; an undecodable record is left out', async () => {
    await publishSourceHealth(db, { instance: 'a', updatedAt: 1, sources: [{ source: 'youtube', failureRate: 0.5, requests: 4, openUntil: 99 }] }, 30_000);
    await publishSourceHealth(db, { instance: 'b', updatedAt: 2, sources: [] }, 30_000);
    await db.set('hiqty:source_health:c', '{"instance":3}');
    const all = await readSourceHealth(db);
    assert.deepEqual(all.map((h) => h.instance).sort(), ['a', 'b']);
    assert.ok((await db.pttl('hiqty:source_health:a')) > 0);
  });
});
