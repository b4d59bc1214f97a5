/**
 * Which track's lyrics a guild asked for (`hiqty:server:{g}:lyrics_shown`): /lyrics records the head's
 * id, and the now-playing message shows the current synced line while that track plays. Kept in Redis so
 * that the instance playing the guild (after a failover too) knows it; a PX TTL retires it. Not desired
 * state: the Player never reads it.
 */
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './keys';

/** How long the mark lives; default 6 h, longer than any track it is meant for. */
export const LYRICS_SHOWN_TTL_MS = 6 * 60 * 60_000;

export function lyricsShownKey(guild: string): string {
  return `${KEY_PREFIX}:server:${guild}:lyrics_shown`;
}

/** The guild of a lyrics_shown key (a keyspace notification), or undefined for any other key. */
export function parseLyricsShownKey(key: string): string | undefined {
  return /^hiqty:server:([^:]+):lyrics_shown$/.exec(key)?.[1];
}

export async function markLyricsShown(redis: Redis, guild: string, trackId: string): Promise<void> {
  await redis.set(lyricsShownKey(guild), trackId, 'PX', LYRICS_SHOWN_TTL_MS);
}

/** The track id whose lyrics were asked for, if any (any string is a valid id; an empty one is none). */
export async function lyricsShownFor(redis: Redis, guild: string): Promise<string | undefined> {
  const raw = await redis.get(lyricsShownKey(guild));
  return raw === null || raw === '' ? undefined : raw;
}
