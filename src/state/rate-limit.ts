/**
 * Token buckets in Redis (TAKE_TOKEN_LUA), shared by every instance: the Responder's per-user command
 * budget and the REST API's per-token and per-address limits are this one implementation.
 */
import * as t from 'io-ts';
import type { Redis } from 'ioredis';
import { decode } from '../codecs';
import { isLeft } from 'fp-ts/Either';
import { registerScripts } from './scripts';

/** A bucket of `burst` tokens; one token comes back every `refillMs`. */
export interface TokenBucket {
  readonly burst: number;
  readonly refillMs: number;
}

export type TokenVerdict =
  | { readonly allowed: true; readonly tokensLeft: number }
  | { readonly allowed: false; readonly retryAfterMs: number };

const Reply = t.tuple([t.union([t.literal(0), t.literal(1)]), t.number, t.number]);

async function run(redis: Redis, key: string, bucket: TokenBucket, cost: 0 | 1): Promise<TokenVerdict> {
  registerScripts(redis);
  const raw: unknown = await redis.hiqtyTakeToken(key, Math.max(1, Math.round(bucket.refillMs)), Math.max(1, Math.round(bucket.burst)), cost);
  const decoded = decode(Reply, raw);
  if (isLeft(decoded)) throw new Error(`take-token script replied ${JSON.stringify(raw)}: ${decoded.left.join('; ')}`);
  const [allowed, retryAfterMs, tokensLeft] = decoded.right;
  return allowed === 1 ? { allowed: true, tokensLeft } : { allowed: false, retryAfterMs };
}

/** Takes one token from the bucket at key, or says how long until one is there. */
export function takeToken(redis: Redis, key: string, bucket: TokenBucket): Promise<TokenVerdict> {
  return run(redis, key, bucket, 1);
}

/** Whether a token is there, without taking it. */
export function peekToken(redis: Redis, key: string, bucket: TokenBucket): Promise<TokenVerdict> {
  return run(redis, key, bucket, 0);
}
