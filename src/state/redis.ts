import { Redis, type RedisOptions } from 'ioredis';

/** Default ioredis behaviour, made explicit: reconnect forever with a capped backoff, never give up. */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    // Commands issued while disconnected wait for the reconnect instead of failing at once,
    // but not forever: a reconcile should fail and be retried with backoff.
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    enableAutoPipelining: true,
    lazyConnect: false,
    ...options,
  });
}
