/** From Deezer's track objects to SourceTracks. */
import { decodeValue } from '../service-api/decode';
import { joinArtists } from '../service-api/lists';
import type { SourceTrack } from '../types';
import { Track } from './codecs';
import { pageUrl } from './links';

export type Entry = { readonly kind: 'song'; readonly track: SourceTrack } | { readonly kind: 'malformed'; readonly error: string };

/**
 * A track's SourceTrack. Its artists are the contributors where Deezer lists them (a full track, an
 * album's entries), else the main artist; `albumArtwork` stands in for an album's entries, which
 * carry no album.
 */
export function toSourceTrack(track: Track, albumArtwork?: string): SourceTrack {
  const artist = joinArtists(track.contributors !== undefined && track.contributors.length > 0 ? track.contributors.map((c) => c.name) : [track.artist?.name]);
  const durationMs = typeof track.duration === 'number' && track.duration > 0 ? track.duration * 1000 : undefined;
  const isrc = track.isrc ?? undefined;
  const artworkUrl = track.album?.cover_xl ?? track.album?.cover_big ?? albumArtwork;
  return {
    url: pageUrl('track', track.id),
    title: track.title,
    source: 'deezer',
    sourceId: String(track.id),
    ...(artist === undefined ? {} : { artist }),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(isrc === undefined || isrc === '' ? {} : { isrc: isrc.toUpperCase() }),
    ...(artworkUrl === undefined || artworkUrl === null ? {} : { artworkUrl }),
  };
}

export function entryOf(value: unknown, albumArtwork?: string): Entry {
  const decoded = decodeValue(Track, value);
  return 'error' in decoded ? { kind: 'malformed', error: decoded.error } : { kind: 'song', track: toSourceTrack(decoded.ok, albumArtwork) };
}
