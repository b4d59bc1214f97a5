/** De-duplication of Discord interactions (DESIGN.md §7): two instances on one shard may both receive one. */
import type { Redis } from 'ioredis';
import { interactionKey } from './keys';

/** Discord's interaction token lives 15 minutes; the marker covers it. */
export const DEDUPE_TTL_MS = 900_000;

/** True for the one instance that should handle this interaction (SET NX PX). */
export async function claimInteraction(redis: Redis, interactionId: string, instance: string): Promise<boolean> {
  return (await redis.set(interactionKey(interactionId), instance, 'PX', DEDUPE_TTL_MS, 'NX')) === 'OK';
}
