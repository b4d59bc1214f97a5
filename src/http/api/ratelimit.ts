/**
 * The REST API's limits: token buckets in Redis through src/state (the same implementation as the
 * Responder's per-user limit), shared by every instance. Keys: `hiqty:api_ratelimit:{token|ip}:{id}`,
 * outside any guild's keys.
 */
import type { Redis } from 'ioredis';
import type { RateLimit } from '../../config';
import { apiRateLimitKey, peekToken, takeToken } from '../../state';

export { apiRateLimitKey } from '../../state';

export type LimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limit: RateLimit,
    private readonly kind: 'token' | 'ip',
  ) {}

  /** Takes a token for one request, or says how long until there is one. */
  async hit(id: string): Promise<LimitVerdict> {
    const v = await takeToken(this.redis, apiRateLimitKey(this.kind, id), this.limit);
    return v.allowed ? { allowed: true } : { allowed: false, retryAfterMs: v.retryAfterMs };
  }

  /** Whether the id is out of tokens, without taking one. */
  async blocked(id: string): Promise<LimitVerdict> {
    const v = await peekToken(this.redis, apiRateLimitKey(this.kind, id), this.limit);
    return v.allowed ? { allowed: true } : { allowed: false, retryAfterMs: v.retryAfterMs };
  }
}
