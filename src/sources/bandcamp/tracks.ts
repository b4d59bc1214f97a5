/**
 * From a page's tralbum to what hiqty needs: a SourceTrack per entry for the queue, and the entry's
 * stream URL (or why it has none) at play time.
 */
import { decode } from '../../codecs';
import { isLeft } from 'fp-ts/Either';
import type { SourceTrack } from '../types';
import { TrackInfo, type Tralbum } from './codecs';
import { classifyLink } from './links';

export const PURCHASE_REASON = 'Bandcamp streams only part of this album; this track needs a purchase';
export const PURCHASE_SINGLE_REASON = 'Bandcamp does not stream this track; it needs a purchase';
export const UNREADABLE_ENTRY_REASON = 'hiqty could not read this entry of the page';

/** Where Bandcamp keeps covers: `a` and the art id in ten digits, `_10` the 1200 px size (as lavaplayer and other clients build it). */
export function artworkUrl(artId: number | null | undefined): string | undefined {
  if (artId === null || artId === undefined || !Number.isSafeInteger(artId) || artId <= 0) return undefined;
  return `https://f4.bcbits.com/img/a${String(artId).padStart(10, '0')}_10.jpg`;
}

/** One `trackinfo` entry, decoded, or what was there instead. */
export type Entry = { readonly kind: 'entry'; readonly info: TrackInfo } | { readonly kind: 'unreadable'; readonly title: string; readonly error: string };

export function entriesOf(tralbum: Tralbum): Entry[] {
  return tralbum.trackinfo.map((raw, i): Entry => {
    const decoded = decode(TrackInfo, raw);
    if (!isLeft(decoded)) return { kind: 'entry', info: decoded.right };
    return { kind: 'unreadable', title: `track ${i + 1}`, error: decoded.left.slice(0, 3).join('; ') };
  });
}

/** The entry's Bandcamp id, as a string (SourceTrack.sourceId). */
export function idOf(info: TrackInfo): string | undefined {
  const id = info.track_id ?? info.id ?? undefined;
  return id === undefined ? undefined : String(id);
}

/** The entry's signed MP3 (128 kbit/s) URL, absolute; undefined when Bandcamp does not stream it. */
export function streamUrlOf(info: TrackInfo, pageUrl: string): string | undefined {
  const raw = info.file?.['mp3-128'] ?? undefined;
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    // Older pages wrote protocol-relative URLs (`//t4.bcbits.com/…`); the page's https applies.
    const url = new URL(raw, pageUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The entry's own page on the artist's site, or undefined when `title_link` names none there. */
export function trackPageOf(info: TrackInfo, pageUrl: string): string | undefined {
  if (info.title_link === null || info.title_link === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(info.title_link, pageUrl);
  } catch {
    return undefined;
  }
  const link = classifyLink(url);
  return link.kind === 'track' && url.hostname.toLowerCase() === new URL(pageUrl).hostname ? link.canonical : undefined;
}

/** What the whole page says of every entry: who made it, its cover. */
export interface PageContext {
  /** The canonical URL of the page read. */
  readonly pageUrl: string;
  readonly artist: string | undefined;
  readonly artworkUrl: string | undefined;
  /** Only a track page names one (`current.isrc`). */
  readonly isrc: string | undefined;
}

export function pageContext(tralbum: Tralbum, pageUrl: string, isTrackPage: boolean): PageContext {
  const isrc = isTrackPage ? (tralbum.current?.isrc ?? undefined) : undefined;
  return {
    pageUrl,
    artist: tralbum.artist ?? undefined,
    artworkUrl: artworkUrl(tralbum.art_id),
    isrc: isrc !== undefined && isrc.trim() !== '' ? isrc.trim() : undefined,
  };
}

/**
 * The queue's view of an entry. Its `url` is the track's own page; an entry without one (an album's
 * track with no page of its own) keeps the album's page, and `open` finds it there by its id.
 * Undefined when neither a page nor an id is known: nothing could find it again at play time.
 */
export function toSourceTrack(info: TrackInfo, page: PageContext): SourceTrack | undefined {
  const sourceId = idOf(info);
  const url = trackPageOf(info, page.pageUrl) ?? (sourceId !== undefined ? page.pageUrl : undefined);
  if (url === undefined) return undefined;
  const artist = info.artist ?? page.artist;
  const durationMs = info.duration !== null && info.duration !== undefined && info.duration > 0 ? Math.round(info.duration * 1000) : undefined;
  return {
    url,
    title: info.title,
    source: 'bandcamp',
    ...(sourceId !== undefined ? { sourceId } : {}),
    ...(artist !== undefined && artist.trim() !== '' ? { artist: artist.trim() } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(page.artworkUrl !== undefined ? { artworkUrl: page.artworkUrl } : {}),
    ...(page.isrc !== undefined ? { isrc: page.isrc } : {}),
  };
}

/** Why an entry without a stream cannot play: an album's track, or a track sold on its own. */
export function noStreamReason(tralbum: Tralbum, isTrackPage: boolean): string {
  const inAlbum = !isTrackPage || (tralbum.album_url !== null && tralbum.album_url !== undefined && tralbum.album_url !== '');
  return inAlbum ? PURCHASE_REASON : PURCHASE_SINGLE_REASON;
}
