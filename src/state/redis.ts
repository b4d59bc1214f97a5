import { Redis, type RedisOptions } from 'ioredis';
import { within, type Clock } from '../clock';

/**
 * For the bot's own command connection: a command unanswered this long fails (ioredis `commandTimeout`),
 * so a Redis that stops answering on a live socket (SIGSTOP, a network partition) fails reconciles,
 * which retry with backoff, instead of hanging them and every drain behind them. Default 5000.
 */
export const COMMAND_TIMEOUT_MS = 5000;

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

/** True when Redis answers a PING within ms on the clock; never rejects (a late answer is ignored). */
export async function redisAnswers(redis: Redis, clock: Clock, ms: number): Promise<boolean> {
  return (await within(clock, redis.ping(), ms)).kind === 'done';
}

/**
 * Closes the connection now and fails every pending command at once. `disconnect()` alone only ends
 * the socket gracefully, which a Redis that stopped answering (SIGSTOP, a partition) never completes,
 * so commands would wait out COMMAND_TIMEOUT_MS. Known limit: destroys ioredis's `stream` (public, but
 * marked internal in its types).
 */
export function cutRedis(redis: Redis): void {
  redis.disconnect(false);
  redis.stream?.destroy();
}
