/** io-ts codec of SourceTrack, for values that come back from Redis (the search cache). */
import * as t from 'io-ts';
import { oneOf } from '../codecs';
import { withOptional } from '../state/schema';
import type { SourceName, SourceTrack } from './types';

export const SOURCE_NAMES = ['youtube', 'youtube-music', 'soundcloud', 'bandcamp', 'twitch', 'vimeo', 'spotify', 'apple-music', 'deezer', 'url', 'attachment'] as const satisfies readonly SourceName[];

export const SourceNameCodec = oneOf(SOURCE_NAMES);

export const SourceTrackCodec: t.Type<SourceTrack, unknown, unknown> = withOptional(
  { url: t.string, title: t.string, source: SourceNameCodec },
  { sourceId: t.string, artist: t.string, durationMs: t.number, artworkUrl: t.string, isrc: t.string, live: t.boolean },
  'a cached search result',
);

export const SourceTracksCodec = t.array(SourceTrackCodec);
