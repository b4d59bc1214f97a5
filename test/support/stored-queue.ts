/**
 * A guild's queue as Redis holds it, decoded with the real Track codec (the public contract), and the
 * tone a track of the service fakes plays: how end-to-end tests tell which track is which.
 */
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decodeJson } from '../../src/codecs';
import { TRACKS } from '../../src/sandbox/services/soundcloud';
import { fakeVideo } from '../../src/sandbox/services/youtube';
import { guildKeys, Track } from '../../src/state';

export async function storedQueue(db: Redis, guild: string): Promise<Track[]> {
  return (await db.lrange(guildKeys(guild).playlist, 0, -1)).map((raw) => {
    const decoded = decodeJson(Track, raw);
    if (isLeft(decoded)) throw new Error(`not a track (${decoded.left.join('; ')}): ${raw}`);
    return decoded.right;
  });
}

/** The tone (Hz) a queued track of the YouTube or SoundCloud fake plays, by its source id. */
export function fakeToneOf(track: Pick<Track, 'source' | 'sourceId'> | undefined): number | undefined {
  if (track?.source === 'youtube' || track?.source === 'youtube-music') return fakeVideo(track.sourceId ?? '')?.hz;
  if (track?.source === 'soundcloud') return TRACKS.find((t) => String(t.id) === track.sourceId)?.hz;
  return undefined;
}
