/**
 * hiqty's HLS reader (DESIGN.md §6): the media playlist, its EXT-X-MAP init segment and its segments,
 * all fetched through safeFetch, handed out as one byte stream for ffmpeg's stdin (ffmpeg never
 * fetches). VOD starts at the segment holding the position (durations summed; `skipMs` is the rest
 * for ffmpeg's -ss). Live joins near the edge and reloads the playlist at the target duration on the
 * injected clock, taking segments by media sequence; a playlist that stops growing fails the stream.
 */
import type { Readable } from 'node:stream';
import type { types } from 'hls-parser';
import { sleep, systemClock, type Clock } from '../../clock';
import type { FetchContext } from '../fetch-context';
import { MediaInputError, fetchFailureReason } from '../media-error';
import type { PlanHeaders } from '../plan';
import { pullStream } from '../pull-stream';
import { safeFetch } from '../safe-fetch';
import { fetchPlaylistText, loadMediaPlaylist, parsePlaylistText, type LoadedMedia } from './playlist';
import { liveStartIndex, refuseEncryption, segmentAt } from './segments';

/** Reloads without a new segment before a live stream counts as stopped: 3 (RFC 8216 asks clients to wait at least 1.5 target durations). */
export const DEFAULT_LIVE_STALE_RELOADS = 3;

export interface HlsReaderOptions {
  readonly url: string;
  readonly headers?: PlanHeaders;
  /** Where a VOD stream starts; live streams ignore it. Default 0. */
  readonly startMs?: number;
  readonly fetch: FetchContext;
  readonly clock?: Clock;
  /** Default DEFAULT_LIVE_STALE_RELOADS (3). */
  readonly staleReloads?: number;
  /** Told once the playlist is read: the rest of the position, for ffmpeg's -ss, and whether it is live. */
  readonly onStart?: (start: { readonly skipMs: number; readonly live: boolean; readonly segments: number }) => void;
}

type Part = { readonly uri: string; readonly byterange?: types.Byterange };

// hls-parser leaves `map` (and `key`) null, not undefined, on segments without one, whatever its types say.
function mapOf(segment: types.Segment): types.MediaInitializationSection | undefined {
  return segment.map ?? undefined;
}

function mapKey(map: types.MediaInitializationSection): string {
  return `${map.uri}@${map.byterange?.offset ?? 0}`;
}

async function* fetchPart(part: Part, base: string, options: HlsReaderOptions, signal: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  const url = new URL(part.uri, base).href;
  const byterange = part.byterange ?? undefined;
  const range = byterange === undefined ? {} : { rangeStart: byterange.offset, rangeEnd: byterange.offset + byterange.length - 1 };
  const fetched = await safeFetch(url, { ...options.fetch, ...(options.headers === undefined ? {} : { headers: options.headers }), ...range, signal });
  if (fetched.kind === 'cancelled') return;
  if (fetched.kind !== 'ok') throw new MediaInputError(`an HLS segment could not be fetched: ${fetchFailureReason(fetched)}`);
  // A server that ignored the byte range sent the whole file: the range is cut out of it here.
  let skip = byterange !== undefined && fetched.status === 200 ? byterange.offset : 0;
  let left = byterange !== undefined && fetched.status === 200 ? byterange.length : Infinity;
  for await (const piece of fetched.body) {
    let chunk: Buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(String(piece));
    if (skip > 0) {
      const cut = Math.min(skip, chunk.length);
      chunk = chunk.subarray(cut);
      skip -= cut;
    }
    if (chunk.length > left) chunk = chunk.subarray(0, left);
    left -= chunk.length;
    if (chunk.length > 0) yield chunk;
    if (left <= 0) {
      fetched.body.destroy();
      return;
    }
  }
}

async function* hlsBytes(options: HlsReaderOptions, signal: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  const clock = options.clock ?? systemClock;
  const how = { ctx: options.fetch, signal, ...(options.headers === undefined ? {} : { headers: options.headers }) };
  let loaded: LoadedMedia | undefined = await loadMediaPlaylist(options.url, how);
  if (loaded === undefined) return;
  const { url } = loaded;
  let playlist = loaded.playlist;
  loaded = undefined;
  refuseEncryption(playlist);
  const live = !playlist.endlist && playlist.playlistType !== 'VOD';
  const { index, skipMs } = live ? { index: liveStartIndex(playlist.segments), skipMs: 0 } : segmentAt(playlist.segments, options.startMs ?? 0);
  options.onStart?.({ skipMs, live, segments: playlist.segments.length });

  let currentMap: string | undefined;
  let lastSequence = -1;
  async function* play(segment: types.Segment): AsyncGenerator<Buffer, void, undefined> {
    const map = mapOf(segment);
    if (map !== undefined && mapKey(map) !== currentMap) {
      yield* fetchPart(map, url, options, signal);
      currentMap = mapKey(map);
    }
    yield* fetchPart(segment, url, options, signal);
    lastSequence = segment.mediaSequenceNumber;
  }

  for (const segment of playlist.segments.slice(index)) {
    if (signal.aborted) return;
    yield* play(segment);
  }
  if (!live) return;

  const staleLimit = options.staleReloads ?? DEFAULT_LIVE_STALE_RELOADS;
  let stale = 0;
  for (;;) {
    // After a change, the next segment is about a target duration away; without one, half of it (RFC 8216 §6.3.4).
    const waitMs = (playlist.targetDuration * 1000) / (stale === 0 ? 1 : 2);
    try {
      await sleep(clock, waitMs, signal);
    } catch {
      return;
    }
    const text = await fetchPlaylistText(url, how);
    if (text === undefined) return;
    const next = parsePlaylistText(text);
    if (next.isMasterPlaylist) throw new MediaInputError('the live HLS playlist turned into a master playlist');
    playlist = next;
    refuseEncryption(playlist);
    const fresh = playlist.segments.filter((s) => s.mediaSequenceNumber > lastSequence);
    if (fresh.length === 0 && !playlist.endlist) {
      stale++;
      if (stale >= staleLimit) throw new MediaInputError(`the live stream stopped updating (no new segment after ${stale} playlist reloads)`);
      continue;
    }
    stale = 0;
    for (const segment of fresh) {
      if (signal.aborted) return;
      yield* play(segment);
    }
    if (playlist.endlist) return;
  }
}

/** The stream's bytes (init segment, then segments) as one Readable; destroying it stops every fetch and poll. */
export function hlsReader(options: HlsReaderOptions): Readable {
  return pullStream((signal) => hlsBytes(options, signal));
}
