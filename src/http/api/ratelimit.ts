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
    /** The API's own kinds, or the key of an id for another user of the limiter (the dashboard). */
    private readonly kind: 'token' | 'ip' | ((id: string) => string),
  ) {}

  private key(id: string): string {
    return typeof this.kind === 'function' ? this.kind(id) : apiRateLimitKey(this.kind, id);
  }

  /** Takes a token for one request, or says how long until there is one. */
  async hit(id: string): Promise<LimitVerdict> {
    const v = await takeToken(this.redis, this.key(id), this.limit);
    return v.allowed ? { allowed: true } : { allowed: false, retryAfterMs: v.retryAfterMs };
  }

  /** Whether the id is out of tokens, without taking one. */
  async blocked(id: string): Promise<LimitVerdict> {
    const v = await peekToken(this.redis, this.key(id), this.limit);
    return v.allowed ? { allowed: true } : { allowed: false, retryAfterMs: v.retryAfterMs };
  }
}
