/**
 * The two Redis guards every interaction passes before anything else: de-duplication (two instances on
 * one shard both receive it; only the one that sets the key answers) and a per-user rate limit that
 * holds across instances.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../../src/config';
import { interactionKey, rateLimitKey } from '../../src/state';

/** DESIGN.md §7: Discord may deliver an interaction to every session on the shard; 15 min covers its token's life. */
export const DEDUPE_TTL_MS = 900_000;

/** True for the one instance that should handle this interaction. */
export async function claimInteraction(redis: Redis, interactionId: string, instance: string): Promise<boolean> {
  return (await redis.set(interactionKey(interactionId), instance, 'PX', DEDUPE_TTL_MS, 'NX')) === 'OK';
}

/** Fixed window: the first command of a window starts its TTL. Returns the count and the window's remaining ms. */
const RATE_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

const RateReply = t.tuple([t.number, t.number]);

export type RateVerdict = { readonly kind: 'allowed' } | { readonly kind: 'limited'; readonly retryAfterMs: number; readonly limit: RateLimit };

export async function checkRate(redis: Redis, userId: string, limit: RateLimit): Promise<RateVerdict> {
  const reply = RateReply.decode(await redis.eval(RATE_LUA, 1, rateLimitKey(userId), limit.windowMs));
  if (isLeft(reply)) throw new Error('rate limit script replied with an unexpected shape');
  const [count, ttl] = reply.right;
  return count <= limit.count ? { kind: 'allowed' } : { kind: 'limited', retryAfterMs: ttl, limit };
}
