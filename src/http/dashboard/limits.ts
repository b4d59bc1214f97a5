/**
 * The dashboard's rate limits: token buckets in Redis (the REST API's RedisRateLimiter), shared by every
 * instance. Keys: `hiqty:dashboard_ratelimit:{session|ip}:{id}`; a session is named by its id's hash.
 * Known limit: behind a proxy the address is the proxy's unless fastify is told to trust it.
 */
import type { Redis } from 'ioredis';
import type { RateLimit } from '../../config';
import { dashboardRateLimitKey, secretHash } from '../../state';
import { RedisRateLimiter } from '../api/ratelimit';

/** Requests of one session: a burst of 120, then 4 per second. A page, its stream and a busy user stay far below. */
export const SESSION_LIMIT: RateLimit = { burst: 120, refillMs: 250 };
/** Requests from one address, all sessions and none: a burst of 600, then 10 per second (a household or an office behind one address). */
export const IP_LIMIT: RateLimit = { burst: 600, refillMs: 100 };
/** Logins started and callbacks taken from one address: a burst of 20, then 1 every 6 s (10 a minute). */
export const LOGIN_LIMIT: RateLimit = { burst: 20, refillMs: 6000 };

export function dashboardLimiters(redis: Redis) {
  return {
    session: new RedisRateLimiter(redis, SESSION_LIMIT, (id) => dashboardRateLimitKey('session', secretHash(id))),
    ip: new RedisRateLimiter(redis, IP_LIMIT, (ip) => dashboardRateLimitKey('ip', ip)),
    login: new RedisRateLimiter(redis, LOGIN_LIMIT, (ip) => dashboardRateLimitKey('ip', `login:${ip}`)),
  };
}
