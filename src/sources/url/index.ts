/**
 * Plain links: an audio file, internet radio, an HLS playlist, or a playlist file (M3U, PLS, XSPF) of
 * such links. The same source, under the name `attachment`, plays files uploaded to Discord (their CDN
 * URLs are links like any other, checked the same way). Every link is checked before it is queued
 * (link-check.ts); a playlist's first few entries are, the rest are checked when they play.
 */
import { readBody } from '../../media/fetch-context';
import { planForLink } from '../../media/media-input';
import { parsePlaylist, playlistFormatOf, type PlaylistEntry } from '../../media/playlist';
import type { PlanOutcome } from '../../media/plan';
import { titleFromUrl } from './title';
import { checkLink, fetchRefusal, hlsCheck, type LinkCheck } from '../link-check';
import type { Fetcher, PlayableTrack, ResolveOutcome, Source, SourceName, SourceTrack } from '../types';

/** Default biggest playlist file read: 1 MiB (about 10,000 entries). */
export const DEFAULT_MAX_PLAYLIST_BYTES = 1024 * 1024;
/** Default entries kept from one playlist: 5000 (the queue limits usually refuse earlier). */
export const DEFAULT_MAX_PLAYLIST_ENTRIES = 5000;
/** Default entries of a playlist checked before it is queued: 3, so a dead playlist is refused in the reply. */
export const DEFAULT_CHECKED_ENTRIES = 3;

export interface UrlSourceOptions {
  readonly fetch: Fetcher;
  /** `url` for any http(s) link; `attachment` for Discord's CDN. */
  readonly name: Extract<SourceName, 'url' | 'attachment'>;
  readonly label: string;
  readonly matches: (url: URL) => boolean;
  readonly maxPlaylistBytes?: number;
  readonly maxPlaylistEntries?: number;
  readonly checkedEntries?: number;
}

function trackOf(name: SourceName, url: string, fallbackTitle: string, check: Extract<LinkCheck, { kind: 'audio' | 'hls' }>): SourceTrack {
  const tags = check.kind === 'audio' ? check : undefined;
  return {
    url,
    title: tags?.title ?? fallbackTitle,
    source: name,
    ...(tags?.artist === undefined ? {} : { artist: tags.artist }),
    ...(check.durationMs === undefined ? {} : { durationMs: check.durationMs }),
    ...(check.live ? { live: true } : {}),
  };
}

export function urlSource(options: UrlSourceOptions): Source {
  const { fetch, name } = options;
  const maxEntries = options.maxPlaylistEntries ?? DEFAULT_MAX_PLAYLIST_ENTRIES;
  const checked = options.checkedEntries ?? DEFAULT_CHECKED_ENTRIES;

  async function single(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const check = await checkLink(fetch, url.href, signal);
    if (check.kind === 'cancelled') return { kind: 'cancelled' };
    if (check.kind === 'refused') return { kind: 'refused', reason: check.reason };
    return { kind: 'tracks', tracks: [trackOf(name, url.href, titleFromUrl(url), check)] };
  }

  async function playlist(url: URL, format: 'm3u' | 'pls' | 'xspf', signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const fetched = await fetch(url.href, { maxBytes: options.maxPlaylistBytes ?? DEFAULT_MAX_PLAYLIST_BYTES, signal });
    if (fetched.kind === 'cancelled') return { kind: 'cancelled' };
    if (fetched.kind !== 'ok') return { kind: 'refused', reason: `the playlist could not be fetched: ${fetchRefusal(fetched)}` };
    const read = await readBody(fetched.body, signal);
    if (read.kind === 'cancelled') return read;
    if (read.kind === 'failed') return { kind: 'refused', reason: `the playlist could not be read: ${read.reason}` };
    const text = read.bytes.toString('utf8');
    const parsed = parsePlaylist(format, text, url);
    // An .m3u8 with #EXT-X tags is one HLS stream, not a list of files: the text already read is its check.
    if (parsed === 'hls') return { kind: 'tracks', tracks: [trackOf(name, url.href, titleFromUrl(url), hlsCheck(text))] };
    const entries = parsed.slice(0, maxEntries);
    if (entries.length === 0) return { kind: 'empty', what: 'the playlist has no http(s) entries' };
    const tracks: SourceTrack[] = [];
    const skipped: { title: string; reason: string }[] = [];
    for (const [index, entry] of entries.entries()) {
      const title = entry.title ?? titleFromUrl(new URL(entry.url));
      if (index >= checked) {
        tracks.push(unchecked(name, entry, title));
        continue;
      }
      const check = await checkLink(fetch, entry.url, signal);
      if (check.kind === 'cancelled') return { kind: 'cancelled' };
      if (check.kind === 'refused') skipped.push({ title, reason: check.reason });
      else tracks.push({ ...trackOf(name, entry.url, title, check), ...(entry.durationMs === undefined ? {} : { durationMs: entry.durationMs }) });
    }
    if (tracks.length === 0) return { kind: 'refused', reason: `none of the playlist's entries plays (${skipped[0]?.reason ?? 'no entries'})` };
    return { kind: 'tracks', tracks, playlist: { url: url.href, title: titleFromUrl(url) }, ...(skipped.length > 0 ? { skipped } : {}) };
  }

  return {
    name,
    label: options.label,
    matches: options.matches,
    resolve(url, { signal }) {
      const format = playlistFormatOf(url);
      return format === undefined || format === 'hls' ? single(url, signal) : playlist(url, format, signal);
    },
    open(track: PlayableTrack): Promise<PlanOutcome> {
      // Known limit: an HLS stream is recognised by its .m3u8 path at play time.
      const plan = planForLink(track.url, track.live === true);
      return Promise.resolve({ kind: 'plan', plan: plan.kind === 'file' && track.durationMs !== undefined ? { ...plan, durationMs: track.durationMs } : plan });
    },
  };
}

function unchecked(name: SourceName, entry: PlaylistEntry, title: string): SourceTrack {
  return { url: entry.url, title, source: name, ...(entry.durationMs === undefined ? {} : { durationMs: entry.durationMs }) };
}

/** Discord's attachment CDN hosts. */
const DISCORD_CDN = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

export function isDiscordAttachment(url: URL): boolean {
  return DISCORD_CDN.has(url.hostname.toLowerCase()) && url.pathname.startsWith('/attachments/');
}

export function isHttpLink(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}
