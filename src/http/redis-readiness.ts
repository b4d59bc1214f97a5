/**
 * Readiness of the Redis connection with a grace: a short outage (a restart, a Sentinel failover) does
 * not make the instance unready at once. The guilds it holds keep playing until their lease deadlines,
 * and pulling every pod out of its Service together for a few seconds would only add to the outage.
 * After `graceMs` without Redis the instance is unready until the connection is back. Before the first
 * connection there is no grace: it covers an outage, not a start without Redis.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { ReadinessCheck } from './health';

export function redisReadiness(redis: Redis, clock: Clock, graceMs: number): ReadinessCheck {
  let everReady = redis.status === 'ready';
  // Monotonic time the connection was last seen leave `ready`; undefined while it is ready.
  let downSince: number | undefined;
  const down = (): void => {
    downSince ??= clock.monotonic();
  };
  redis.on('ready', () => {
    everReady = true;
    downSince = undefined;
  });
  redis.on('close', down);
  redis.on('end', down);
  return () => {
    if (redis.status === 'ready') return true;
    if (!everReady) return false;
    down();
    return clock.monotonic() - (downSince ?? 0) < graceMs;
  };
}
