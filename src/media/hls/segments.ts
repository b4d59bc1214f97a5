/** Choices over a media playlist's segments: where a position starts, what cannot be played, what is new. */
import type { types } from 'hls-parser';
import { MediaInputError } from '../media-error';

/** Throws for a playlist with encrypted segments: hiqty does not decrypt (no keys are fetched, no DRM). */
export function refuseEncryption(playlist: types.MediaPlaylist): void {
  for (const segment of playlist.segments) {
    const method = segment.key?.method;
    if (method !== undefined && method.toUpperCase() !== 'NONE') {
      throw new MediaInputError(`encrypted HLS (EXT-X-KEY METHOD=${method}) cannot be played`);
    }
  }
}

/** The segment holding the position (durations summed), and how far into it the position is. */
export function segmentAt(segments: readonly types.Segment[], positionMs: number): { readonly index: number; readonly skipMs: number } {
  let startMs = 0;
  for (let i = 0; i < segments.length; i++) {
    const durationMs = (segments[i]?.duration ?? 0) * 1000;
    if (positionMs < startMs + durationMs) return { index: i, skipMs: Math.max(0, positionMs - startMs) };
    startMs += durationMs;
  }
  return { index: segments.length, skipMs: 0 };
}

/**
 * Where a live stream is joined: three segments from the end, as RFC 8216 §6.3.3 advises a client
 * not to start closer to the live edge than three target durations.
 */
export const LIVE_EDGE_SEGMENTS = 3;

export function liveStartIndex(segments: readonly types.Segment[]): number {
  return Math.max(0, segments.length - LIVE_EDGE_SEGMENTS);
}
