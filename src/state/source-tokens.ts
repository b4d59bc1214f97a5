/**
 * Tokens a service hands out (SoundCloud's client_id, YouTube's visitorData), shared by every instance
 * through Redis so a fleet scrapes them once (the TokenStore of src/sources/types.ts).
 * Key: `hiqty:source_token:{name}`, a plain string with a PX expiry.
 */
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys';
import { registerScripts } from './scripts';

/**
 * Tokens a service hands out, shared by the fleet so they are scraped once, not per instance. The port
 * the sources use (src/sources/types.ts re-exports it); this room owns it because only src/state writes Redis.
 */
export interface TokenStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string, ttlMs: number): Promise<void>;
  /** Drops a token every instance should stop using (a client_id answered 401). */
  drop(name: string, value: string): Promise<void>;
}

/** The Redis key holding one named source token. */
export function sourceTokenKey(name: string): string {
  return `${KEY_PREFIX}:source_token:${name}`;
}

/**
 * A TokenStore in Redis. Redis errors reject (the caller decides whether a missing token is worth
 * a scrape); `drop` deletes only while the stored value is still the one given, so an instance that
 * saw an old token answer 401 cannot delete the fresh one another instance has just stored.
 */
export function redisTokenStore(redis: Redis): TokenStore {
  registerScripts(redis);
  return {
    async get(name) {
      const value = await redis.get(sourceTokenKey(name));
      return value === null || value === '' ? undefined : value;
    },
    async set(name, value, ttlMs) {
      await redis.set(sourceTokenKey(name), value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async drop(name, value) {
      // COMPARE_AND_SET with an empty new value is compare-and-delete, in one script.
      await redis.hiqtyCompareAndSet(sourceTokenKey(name), value, '', '');
    },
  };
}
