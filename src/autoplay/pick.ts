/**
 * Which related track autoplay queues: the first, in the service's order, that is not one of the guild's
 * recently played tracks. A track counts as played when its source and id, or its URL, match a history
 * entry; YouTube and YouTube Music share video ids, so they count as one source here.
 */
import type { SourceTrack } from '../sources';
import type { Track } from '../state';

/** How many of the guild's last played tracks autoplay never repeats (50). */
export const AUTOPLAY_NO_REPEAT = 50;

function family(source: string | undefined): string | undefined {
  return source === 'youtube-music' ? 'youtube' : source;
}

function idKey(source: string | undefined, sourceId: string | undefined): string | undefined {
  return source === undefined || sourceId === undefined || sourceId === '' ? undefined : `${family(source)}:${sourceId}`;
}

export function pickRelated(candidates: readonly SourceTrack[], played: readonly Pick<Track, 'url' | 'source' | 'sourceId'>[]): SourceTrack | undefined {
  const ids = new Set(played.flatMap((t) => idKey(t.source, t.sourceId) ?? []));
  const urls = new Set(played.map((t) => t.url));
  return candidates.find((c) => c.live !== true && !urls.has(c.url) && !ids.has(idKey(c.source, c.sourceId) ?? ''));
}
