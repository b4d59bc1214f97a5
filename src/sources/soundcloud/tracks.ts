/**
 * From api-v2 track JSON to what hiqty needs: a SourceTrack for the queue, whether the track can play
 * at all (so /play refuses in its reply), and which transcoding to stream.
 */
import type { SourceTrack } from '../types';
import { Transcoding, type Track } from './codecs';

export const PREVIEW_REASON = 'SoundCloud only offers a 30-second preview of this track';
export const DRM_REASON = 'This SoundCloud track is DRM-protected';
export const BLOCKED_REASON = 'SoundCloud does not allow this track to be played here (blocked in this region)';
export const NOT_STREAMABLE_REASON = 'SoundCloud does not allow this track to be streamed';
export const NO_STREAM_REASON = 'SoundCloud offers no stream for this track (it may still be processing)';

/** artwork_url names its smallest useful size (-large, 100 px); the same image exists at 500 px. */
function artwork(track: Track): string | undefined {
  const url = track.artwork_url ?? track.user?.avatar_url ?? undefined;
  return url === undefined ? undefined : url.replace(/-large(\.\w+)$/, '-t500x500$1');
}

export function toSourceTrack(track: Track): SourceTrack {
  const publisher = track.publisher_metadata ?? undefined;
  const artist = publisher?.artist ?? track.user?.username ?? undefined;
  const isrc = publisher?.isrc ?? undefined;
  // A previewed track's `duration` is the preview's 30 s; `full_duration` is the track's.
  const durationMs = track.full_duration ?? track.duration;
  const artworkUrl = artwork(track);
  return {
    url: track.permalink_url,
    title: track.title,
    source: 'soundcloud',
    sourceId: String(track.id),
    ...(artist !== undefined && artist !== '' ? { artist } : {}),
    ...(durationMs !== undefined && durationMs > 0 ? { durationMs } : {}),
    ...(artworkUrl !== undefined ? { artworkUrl } : {}),
    ...(isrc !== undefined && isrc !== '' ? { isrc } : {}),
  };
}

export function isEncrypted(t: Transcoding): boolean {
  return t.format.protocol.includes('encrypted');
}

export type StreamKind = 'progressive' | 'hls';

/** Lower is better: progressive MP3 (one file, cheap seeks), then HLS AAC, HLS MP3, HLS Opus. */
function rank(t: Transcoding): number {
  const mime = t.format.mime_type.toLowerCase();
  const protocol = t.format.protocol;
  const quality = t.quality === 'hq' ? 0 : 1;
  if (protocol === 'progressive' && mime.startsWith('audio/mpeg')) return 0 + quality;
  if (protocol === 'hls' && mime.startsWith('audio/mp4')) return 10 + quality;
  if (protocol === 'hls' && mime.startsWith('audio/mpeg')) return 20 + quality;
  if (protocol === 'hls' && mime.includes('opus')) return 30 + quality;
  if (protocol === 'progressive' || protocol === 'hls') return 40 + quality;
  return Number.POSITIVE_INFINITY;
}

export interface Candidate {
  readonly transcoding: Transcoding;
  readonly kind: StreamKind;
}

export type Playability =
  | { readonly kind: 'playable'; readonly candidates: readonly Candidate[] }
  | { readonly kind: 'unplayable'; readonly reason: string };

/**
 * What the track JSON says about playing it: the streamable transcodings best first, or why there
 * are none. A preview (snipped, or policy SNIP) and DRM (any *encrypted* protocol) never play.
 */
export function playability(track: Track): Playability {
  if (track.policy === 'BLOCK') return { kind: 'unplayable', reason: BLOCKED_REASON };
  if (track.streamable === false) return { kind: 'unplayable', reason: NOT_STREAMABLE_REASON };
  const all = (track.media?.transcodings ?? []).filter((u): u is Transcoding => Transcoding.is(u));
  const preview = track.policy === 'SNIP';
  const full = all.filter((t) => t.snipped !== true && !preview && !/\/preview\//.test(t.url));
  const clear = full.filter((t) => !isEncrypted(t));
  const candidates = clear
    .map((t) => ({ t, r: rank(t) }))
    .filter(({ r }) => Number.isFinite(r))
    .sort((a, b) => a.r - b.r)
    .map(({ t }): Candidate => ({ transcoding: t, kind: t.format.protocol === 'progressive' ? 'progressive' : 'hls' }));
  if (candidates.length > 0) return { kind: 'playable', candidates };
  if (full.length > 0 && full.every(isEncrypted)) return { kind: 'unplayable', reason: DRM_REASON };
  if (all.length > 0 && full.length === 0) return { kind: 'unplayable', reason: PREVIEW_REASON };
  if (preview) return { kind: 'unplayable', reason: PREVIEW_REASON };
  return { kind: 'unplayable', reason: NO_STREAM_REASON };
}
