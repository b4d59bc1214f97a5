/** The `hiqty:guilds` index, streamed: a resync over 10,000 guilds never loads them all at once. */
import type { Redis } from 'ioredis';
import { GUILDS_KEY } from './keys';

/** Every guild id with desired state, in SSCAN batches (ids may repeat, as SSCAN allows). */
export async function* scanGuilds(redis: Redis, signal?: AbortSignal, batch = 500): AsyncGenerator<string> {
  let cursor = '0';
  do {
    if (signal?.aborted) return;
    const [next, ids] = await redis.sscan(GUILDS_KEY, cursor, 'COUNT', batch);
    cursor = next;
    yield* ids;
  } while (cursor !== '0');
}
