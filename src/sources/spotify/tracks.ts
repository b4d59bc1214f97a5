/** From Spotify's track objects to SourceTracks, and which entries of a playlist are songs at all. */
import type * as t from 'io-ts';
import { decodeValue } from '../service-api/decode';
import { joinArtists, type Skipped } from '../service-api/lists';
import type { SourceTrack } from '../types';
import { PlaylistEntry, Track, type Image } from './codecs';
import { pageUrl } from './links';

export const LOCAL_FILE_REASON = "a local file on the playlist owner's device, not on Spotify";
export const EPISODE_REASON = 'a podcast episode, not a song';
export const REMOVED_REASON = 'no longer on Spotify';

/** The largest image: Spotify lists them widest first, but says so nowhere. */
export function largestImage(images: readonly t.TypeOf<typeof Image>[] | null | undefined): string | undefined {
  let best: t.TypeOf<typeof Image> | undefined;
  for (const image of images ?? []) if (best === undefined || (image.width ?? 0) > (best.width ?? 0)) best = image;
  return best?.url;
}

/** A song's SourceTrack; `albumArtwork` stands in for an album's entries, which carry no album. */
export function toSourceTrack(track: Track & { readonly id: string }, albumArtwork?: string): SourceTrack {
  const artist = joinArtists((track.artists ?? []).map((a) => a.name));
  const isrc = track.external_ids?.isrc ?? undefined;
  const artworkUrl = largestImage(track.album?.images) ?? albumArtwork;
  const durationMs = track.duration_ms ?? undefined;
  return {
    url: pageUrl('track', track.id),
    title: track.name,
    source: 'spotify',
    sourceId: track.id,
    ...(artist === undefined ? {} : { artist }),
    ...(durationMs !== undefined && durationMs > 0 ? { durationMs } : {}),
    ...(isrc !== undefined && isrc !== '' ? { isrc: isrc.toUpperCase() } : {}),
    ...(artworkUrl === undefined ? {} : { artworkUrl }),
  };
}

export type Entry = { readonly kind: 'song'; readonly track: SourceTrack } | { readonly kind: 'skipped'; readonly skipped: Skipped } | { readonly kind: 'malformed'; readonly error: string };

/** A track object as a song, or why it is not one: an episode, a local file, a track without an id. */
export function songOf(value: unknown, entryLocal: boolean, albumArtwork?: string): Entry {
  const decoded = decodeValue(Track, value);
  if ('error' in decoded) return { kind: 'malformed', error: decoded.error };
  const track = decoded.ok;
  if (track.type === 'episode' || track.episode === true) {
    const show = track.show?.name ?? undefined;
    return { kind: 'skipped', skipped: { title: show === undefined ? track.name : `${track.name} (${show})`, reason: EPISODE_REASON } };
  }
  if (entryLocal || track.is_local === true) return { kind: 'skipped', skipped: { title: track.name, reason: LOCAL_FILE_REASON } };
  const id = track.id;
  if (id === null || id === '') return { kind: 'skipped', skipped: { title: track.name, reason: REMOVED_REASON } };
  return { kind: 'song', track: toSourceTrack({ ...track, id }, albumArtwork) };
}

/** One entry of a playlist's page: `{is_local, track}` (or `item`, after the February 2026 rename). */
export function playlistEntry(value: unknown, position: number): Entry {
  const decoded = decodeValue(PlaylistEntry, value);
  if ('error' in decoded) return { kind: 'malformed', error: decoded.error };
  const item = decoded.ok.track ?? decoded.ok.item ?? null;
  if (item === null) return { kind: 'skipped', skipped: { title: `entry ${position + 1}`, reason: REMOVED_REASON } };
  return songOf(item, decoded.ok.is_local === true);
}
