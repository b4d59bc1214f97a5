import { Redis, type RedisOptions } from 'ioredis';
import { within, type Clock } from '../clock';
import type { RedisEndpoint } from './redis-endpoint';

/**
 * For the bot's own command connection: a command unanswered this long fails (ioredis `commandTimeout`),
 * so a Redis that stops answering on a live socket (SIGSTOP, a network partition) fails reconciles,
 * which retry with backoff, instead of hanging them and every drain behind them. Default 5000.
 */
export const COMMAND_TIMEOUT_MS = 5000;

/** Longest wait between two reconnects in Sentinel mode (URL mode: 2000 ms). Default 500. */
export const SENTINEL_RETRY_CAP_MS = 500;

/**
 * A primary demoted to a replica (a failover while this connection stayed up) answers writes with
 * READONLY: reconnect, which in Sentinel mode asks the Sentinels for the new primary (in URL mode, resolves
 * the name again, which a managed Redis moves to the promoted replica), and resend the command.
 * Known limit: a REDIS_URL that names a replica for good makes every write reconnect and retry until the
 * command's own limit (COMMAND_TIMEOUT_MS on the command connection) fails it.
 */
export function reconnectOnReadonly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

/** The ioredis options that say where Redis is and how to log in, for one endpoint. */
export function endpointOptions(endpoint: RedisEndpoint): RedisOptions {
  const ca = endpoint.caPem === undefined ? {} : { ca: endpoint.caPem };
  if (endpoint.kind === 'url') {
    return {
      // Credentials in the URL win (ioredis fills in options only where the URL says nothing).
      ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
      ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
      ...(/^rediss:/i.test(endpoint.url) ? { tls: ca } : {}),
    };
  }
  return {
    sentinels: endpoint.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: endpoint.name,
    role: 'master',
    ...(endpoint.sentinelPassword === undefined ? {} : { sentinelPassword: endpoint.sentinelPassword }),
    ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    // Subscribe to the Sentinels' +switch-master, so a failover moves the connection at once rather
    // than when the old primary's socket happens to fail.
    failoverDetector: true,
    // Ask the Sentinels again forever, with a capped backoff (ioredis's default gives up after 10 rounds).
    sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    ...(endpoint.tls ? { tls: ca, sentinelTLS: ca, enableTLSForSentinelMode: true } : {}),
  };
}

/** Every connection hiqty opens: default ioredis behaviour made explicit, reconnect forever with a capped backoff. */
export function connectRedis(endpoint: RedisEndpoint, options: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    // Commands issued while disconnected wait for the reconnect instead of failing at once,
    // but not forever: a reconcile should fail and be retried with backoff.
    maxRetriesPerRequest: 2,
    // In Sentinel mode a reconnect asks the Sentinels first, which is cheap, and the one after the
    // promotion is the one that finds the new primary: retry sooner so a failover is followed sooner.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, endpoint.kind === 'sentinel' ? SENTINEL_RETRY_CAP_MS : 2000),
    reconnectOnError: reconnectOnReadonly,
    enableAutoPipelining: true,
    lazyConnect: false,
    ...endpointOptions(endpoint),
    ...options,
  };
  return endpoint.kind === 'url' ? new Redis(endpoint.url, base) : new Redis(base);
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
