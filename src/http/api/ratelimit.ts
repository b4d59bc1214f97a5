/**
 * Fixed-window request counters in Redis (INCR, PEXPIRE on the first), shared by every instance like
 * the Responder's per-user limit. Keys: `hiqty:api_ratelimit:{token|ip}:{id}`, outside any guild's keys.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../../config';
import { KEY_PREFIX } from '../../state';

export type LimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

const HitReply = t.tuple([t.number, t.number]);

export const apiRateLimitKey = (kind: 'token' | 'ip', id: string): string => `${KEY_PREFIX}:api_ratelimit:${kind}:${id}`;

export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limit: RateLimit,
    private readonly kind: 'token' | 'ip',
  ) {}

  /** Counts one request and says whether it is within the limit. */
  async hit(id: string): Promise<LimitVerdict> {
    const reply = HitReply.decode(await this.redis.eval(HIT, 1, apiRateLimitKey(this.kind, id), this.limit.windowMs));
    if (isLeft(reply)) throw new Error('rate-limit script gave an unexpected reply');
    const [count, ttl] = reply.right;
    return count <= this.limit.count ? { allowed: true } : { allowed: false, retryAfterMs: ttl };
  }

  /** Whether the id is already over the limit, without counting. */
  async blocked(id: string): Promise<LimitVerdict> {
    const key = apiRateLimitKey(this.kind, id);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return Number(count ?? 0) >= this.limit.count && ttl > 0 ? { allowed: false, retryAfterMs: ttl } : { allowed: true };
  }
}
