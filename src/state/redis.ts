import { Redis, type RedisOptions } from 'ioredis';

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
