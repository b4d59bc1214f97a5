/**
 * What each instance sees of the sources (their failure rates and circuits), published for operators:
 * `hiqty status --sources` and the REST API read the fleet's view from here, whichever instance or
 * machine they run on. Key: `hiqty:source_health:{instance}`, JSON, with a PX expiry a few periods long,
 * so a stopped instance's view disappears by itself.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decodeJson } from '../codecs';
import { KEY_PREFIX } from './keys';
import { withOptional } from './schema';

const SourceHealthEntry = withOptional(
  { source: t.string, failureRate: t.number, requests: t.number },
  { openUntil: t.number },
  'a source health entry',
);

export const InstanceSourceHealth = t.type({ instance: t.string, updatedAt: t.number, sources: t.array(SourceHealthEntry) }, 'an instance\'s source health');
export type InstanceSourceHealth = t.TypeOf<typeof InstanceSourceHealth>;

const PATTERN = `${KEY_PREFIX}:source_health:*`;

export function sourceHealthKey(instance: string): string {
  return `${KEY_PREFIX}:source_health:${instance}`;
}

export async function publishSourceHealth(redis: Redis, health: InstanceSourceHealth, ttlMs: number): Promise<void> {
  await redis.set(sourceHealthKey(health.instance), JSON.stringify(health), 'PX', ttlMs);
}

/** Every instance's published view; a record that does not decode is left out (it expires anyway). */
export async function readSourceHealth(redis: Redis): Promise<InstanceSourceHealth[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', PATTERN, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(keys);
  return values.flatMap((raw) => {
    if (raw === null) return [];
    const decoded = decodeJson(InstanceSourceHealth, raw);
    return isLeft(decoded) ? [] : [decoded.right];
  });
}
