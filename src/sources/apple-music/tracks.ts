/** From Apple Music song resources to SourceTracks. */
import type * as t from 'io-ts';
import { decodeValue } from '../service-api/decode';
import type { Skipped } from '../service-api/lists';
import type { SourceTrack } from '../types';
import { Song, type Artwork } from './codecs';
import { PAGE_HOST } from './links';

/** Artwork is asked at most this size (the template allows any; the originals are up to 3000 px); default 1000. */
export const ARTWORK_MAX_PX = 1000;

export function notInStorefrontReason(storefront: string): string {
  return `not available in Apple Music's ${storefront.toUpperCase()} storefront`;
}

/** An artwork template filled in: `{w}x{h}` at most ARTWORK_MAX_PX, `{c}` (crop) bb, `{f}` (format) jpg. */
export function artworkUrl(artwork: t.TypeOf<typeof Artwork> | null | undefined): string | undefined {
  if (artwork === null || artwork === undefined) return undefined;
  const w = Math.min(artwork.width ?? ARTWORK_MAX_PX, ARTWORK_MAX_PX);
  const h = Math.min(artwork.height ?? ARTWORK_MAX_PX, ARTWORK_MAX_PX);
  return artwork.url.replace('{w}', String(w)).replace('{h}', String(h)).replace('{c}', 'bb').replace('{f}', 'jpg');
}

/** Songs and music videos (a video of the song is the same recording) are songs; anything else is skipped. */
const PLAYABLE_TYPES = new Set(['songs', 'music-videos']);

export type Entry = { readonly kind: 'song'; readonly track: SourceTrack } | { readonly kind: 'skipped'; readonly skipped: Skipped } | { readonly kind: 'malformed'; readonly error: string };

export function songOf(value: unknown, storefront: string, position: number): Entry {
  const decoded = decodeValue(Song, value);
  if ('error' in decoded) return { kind: 'malformed', error: decoded.error };
  const song = decoded.ok;
  const a = song.attributes;
  if (a === undefined) return { kind: 'skipped', skipped: { title: `entry ${position + 1}`, reason: notInStorefrontReason(storefront) } };
  if (!PLAYABLE_TYPES.has(song.type)) return { kind: 'skipped', skipped: { title: a.name, reason: `an Apple Music ${song.type.replace(/s$/, '')}, not a song` } };
  const artist = a.artistName ?? undefined;
  const durationMs = a.durationInMillis ?? undefined;
  const isrc = a.isrc ?? undefined;
  const artwork = artworkUrl(a.artwork);
  return {
    kind: 'song',
    track: {
      url: a.url ?? `https://${PAGE_HOST}/${storefront}/song/${song.id}`,
      title: a.name,
      source: 'apple-music',
      sourceId: song.id,
      ...(artist === undefined || artist === '' ? {} : { artist }),
      ...(durationMs !== undefined && durationMs > 0 ? { durationMs } : {}),
      ...(isrc === undefined || isrc === '' ? {} : { isrc: isrc.toUpperCase() }),
      ...(artwork === undefined ? {} : { artworkUrl: artwork }),
    },
  };
}
