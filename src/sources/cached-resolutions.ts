/**
 * A service source whose link resolutions are shared by the fleet for a while (hiqty:resolve_cache:*): a
 * playlist or video pasted in many guilds, or queued again, is asked of the service once per TTL. Only what
 * resolved is kept; refusals and failures are asked again next time. Stream plans are never cached: media
 * URLs expire and are bound to the instance that asked. Not for plain links: a file's check before "Playing"
 * must see the file as it is now.
 */
import * as t from 'io-ts';
import type { Logger } from '../log';
import { withOptional } from '../state/schema';
import type { SourceCache } from '../state/source-cache';
import { readCached, writeCached } from './cached-answer';
import { SourceTracksCodec } from './track-codec';
import type { PlayableTrack, ResolveOutcome, Source } from './types';

const CachedResolution = withOptional(
  { tracks: SourceTracksCodec },
  { playlist: t.type({ url: t.string, title: t.string }), skipped: t.array(t.type({ title: t.string, reason: t.string })) },
  'a cached link resolution',
);

export function withCachedResolutions(source: Source, cache: SourceCache, log: Logger): Source {
  const read = async (key: string): Promise<ResolveOutcome | undefined> => {
    const hit = await readCached(cache, CachedResolution, source.name, key, 'resolve', log);
    return hit === undefined ? undefined : { kind: 'tracks', ...hit };
  };
  const search = source.search;
  const related = source.related;
  return {
    name: source.name,
    label: source.label,
    matches: (url) => source.matches(url),
    ...(search === undefined ? {} : { search: (text: string, options: Parameters<typeof search>[1]) => search.call(source, text, options) }),
    ...(related === undefined ? {} : { related: (track: PlayableTrack, options: Parameters<typeof related>[1]) => related.call(source, track, options) }),
    open: (track, options) => source.open(track, options),
    async resolve(url, options) {
      const key = url.href;
      const hit = await read(key);
      if (hit !== undefined) return hit;
      const outcome = await source.resolve(url, options);
      // A live stream's resolution says it is on the air now: that is not worth keeping for ten minutes.
      if (outcome.kind === 'tracks' && outcome.tracks.length > 0 && !outcome.tracks.some((t) => t.live === true)) {
        const value = { tracks: outcome.tracks, ...(outcome.playlist ? { playlist: outcome.playlist } : {}), ...(outcome.skipped ? { skipped: outcome.skipped } : {}) };
        await writeCached(cache, source.name, key, value, 'resolve', log);
      }
      return outcome;
    },
  };
}
