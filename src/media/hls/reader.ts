/**
 * hiqty's HLS reader (DESIGN.md §6): the media playlist, its EXT-X-MAP init segment and its segments,
 * all fetched through safeFetch, handed out as one byte stream for ffmpeg's stdin (ffmpeg never
 * fetches). VOD starts at the segment holding the position (durations summed; `skipMs` is the rest
 * for ffmpeg's -ss). Live joins near the edge and reloads the playlist at the target duration on the
 * injected clock, taking segments by media sequence.
 *
 * With a plan provider, the source is asked again (replan.ts) shortly before the plan expires, and when
 * a playlist or a segment is refused (401, 403, 410); reading goes on from the next segment by media
 * sequence, so no byte is lost or repeated. A live stream ends on the service's side in three ways, all
 * reported through onLiveEnd: its playlist gets EXT-X-ENDLIST; its playlist or a segment answers 404
 * (gone) and its source, asked again, says it cannot be played (off the air); or it stops updating and
 * its source says the same. A live playlist that stops updating while its source still offers it fails the stream.
 */
import type { Readable } from 'node:stream';
import type { types } from 'hls-parser';
import { sleep, systemClock, type Clock } from '../../clock';
import type { FetchContext } from '../fetch-context';
import { MediaInputError, fetchFailureReason } from '../media-error';
import type { PlanHeaders, PlanProvider } from '../plan';
import { pullStream } from '../pull-stream';
import { safeFetch } from '../safe-fetch';
import { fetchMediaPlaylist, fetchPlaylist, loadMediaPlaylist, parsePlaylistText, type PlaylistFetch } from './playlist';
import { askAgain, REFUSED_STATUSES, targetOf, type HlsTarget } from './replan';
import { liveStartIndex, refuseEncryption, segmentAt } from './segments';

/** Reloads without a new segment before a live stream counts as stopped: 3 (RFC 8216 asks clients to wait at least 1.5 target durations). */
export const DEFAULT_LIVE_STALE_RELOADS = 3;

/** Times in a row the source may be asked again after a refusal without a segment getting through: 2. */
export const MAX_REFUSED_REPLANS = 2;

/** After a refresh ahead of expiry failed, the next try waits this long (the current plan still works): 5 s. */
export const REFRESH_RETRY_MS = 5000;

export interface HlsReaderOptions {
  readonly url: string;
  readonly headers?: PlanHeaders;
  /** The plan's preferred rendition in a master playlist (StreamPlan `rendition`). */
  readonly rendition?: string;
  /** When the plan's URLs stop being accepted (StreamPlan `expiresAt`). */
  readonly expiresAt?: number;
  /** Where a VOD stream starts; live streams ignore it. Default 0. */
  readonly startMs?: number;
  readonly fetch: FetchContext;
  readonly clock?: Clock;
  /** Default DEFAULT_LIVE_STALE_RELOADS (3). */
  readonly staleReloads?: number;
  /** Asked for a fresh plan before expiry and after a refusal; absent, a refusal fails the stream. */
  readonly provider?: PlanProvider;
  /** The attempt the plan came from. Default 0. */
  readonly attempt?: number;
  /** How long before expiry a fresh plan is asked for. Default DEFAULT_REFRESH_AHEAD_MS (60 s, or a third of the lifetime). */
  readonly refreshAheadMs?: number;
  /** Told once the playlist is read: the rest of the position, for ffmpeg's -ss, and whether it is live. */
  readonly onStart?: (start: { readonly skipMs: number; readonly live: boolean; readonly segments: number }) => void;
  /** Told when a live stream ended on its service's side, with why, just before the bytes end. */
  readonly onLiveEnd?: (reason: string) => void;
}

type Part = { readonly uri: string; readonly byterange?: types.Byterange };
/** How fetching one part ended: all of it out, cancelled, or refused with a status a fresh plan may explain (401, 403, 404, 410). */
type PartEnd = 'done' | 'cancelled' | { readonly refused: number };
/** Why the source is asked again. */
type Why = { readonly kind: 'expiring' } | { readonly kind: 'refused'; readonly what: string; readonly status: number } | { readonly kind: 'stale'; readonly reloads: number };
/** What the reader does after asking: go on (with a fresh plan, or the old one when a refresh failed), stop, or it was cancelled. */
type Step = 'go-on' | 'ended' | 'cancelled';

// hls-parser leaves `map` (and `key`) null, not undefined, on segments without one, whatever its types say.
function mapOf(segment: types.Segment): types.MediaInitializationSection | undefined {
  return segment.map ?? undefined;
}

/** An init segment by where it is, without its query: a fresh plan signs the same file anew. */
function mapKey(map: types.MediaInitializationSection, base: string): string {
  const url = new URL(map.uri, base);
  return `${url.origin}${url.pathname}@${map.byterange?.offset ?? 0}`;
}

function staleReason(reloads: number): string {
  return `the live stream stopped updating (no new segment after ${reloads} playlist reloads)`;
}

function playlistRefused(status: number): string {
  return `the HLS playlist could not be fetched: the server answered ${status}`;
}

async function* fetchPart(part: Part, base: string, target: HlsTarget, ctx: FetchContext, signal: AbortSignal): AsyncGenerator<Buffer, PartEnd, undefined> {
  const url = new URL(part.uri, base).href;
  const byterange = part.byterange ?? undefined;
  const range = byterange === undefined ? {} : { rangeStart: byterange.offset, rangeEnd: byterange.offset + byterange.length - 1 };
  const fetched = await safeFetch(url, { ...ctx, ...(target.headers === undefined ? {} : { headers: target.headers }), ...range, signal });
  if (fetched.kind === 'cancelled') return 'cancelled';
  // A refusal may be cured by a fresh plan; a 404 may be a live stream that is gone (the caller decides).
  if (fetched.kind === 'http-error' && (REFUSED_STATUSES.has(fetched.status) || fetched.status === 404)) return { refused: fetched.status };
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
      return 'done';
    }
  }
  return 'done';
}

async function* hlsBytes(options: HlsReaderOptions, signal: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  const clock = options.clock ?? systemClock;
  const { provider } = options;
  let target = targetOf(options, clock.now(), options.refreshAheadMs);
  let attempt = options.attempt ?? 0;
  const how = (t: HlsTarget): PlaylistFetch => ({ ctx: options.fetch, signal, ...(t.headers === undefined ? {} : { headers: t.headers }) });

  const first = await loadMediaPlaylist(target.url, how(target), target.rendition);
  if (first === undefined) return;
  let mediaUrl = first.url;
  let playlist = first.playlist;
  refuseEncryption(playlist);
  const live = !playlist.endlist && playlist.playlistType !== 'VOD';
  const { index, skipMs } = live ? { index: liveStartIndex(playlist.segments), skipMs: 0 } : segmentAt(playlist.segments, options.startMs ?? 0);
  options.onStart?.({ skipMs, live, segments: playlist.segments.length });

  let pending: types.Segment[] = playlist.segments.slice(index);
  /** The media sequence number of the next segment to hand out: what a reload or a fresh plan goes on from. */
  let nextSequence = pending[0]?.mediaSequenceNumber ?? (playlist.mediaSequenceBase ?? 0) + playlist.segments.length;
  let currentMap: string | undefined;
  let refusedInARow = 0;
  const remaining = (): types.Segment[] => playlist.segments.filter((s) => s.mediaSequenceNumber >= nextSequence);
  const refreshDue = (): boolean => provider !== undefined && target.refreshAt !== undefined && clock.now() >= target.refreshAt;
  const ended = (reason: string): Step => {
    options.onLiveEnd?.(reason);
    return 'ended';
  };
  const retryRefreshLater = (): Step => {
    target = { ...target, refreshAt: clock.now() + REFRESH_RETRY_MS };
    return 'go-on';
  };

  /**
   * Asks the source again and, with a fresh plan, loads its media playlist. A refresh ahead of expiry
   * that fails keeps the current plan (it still works for a while, and is refreshed again at the next
   * segment or reload); a refusal that asking again cannot cure fails the stream.
   */
  async function replan(why: Why): Promise<Step> {
    const cause = why.kind === 'refused' ? `${why.what} could not be fetched: the server answered ${why.status}` : why.kind === 'stale' ? staleReason(why.reloads) : 'the stream URL was about to expire';
    if (provider === undefined) throw new MediaInputError(cause);
    if (why.kind === 'refused' && ++refusedInARow > MAX_REFUSED_REPLANS) throw new MediaInputError(`${cause}, again after asking the source for a fresh stream`);
    // A refusal asks with the next attempt (a source may pick another client); a refresh or a check asks as before.
    if (why.kind === 'refused') attempt++;
    const asked = await askAgain(provider, attempt, signal);
    switch (asked.kind) {
      case 'cancelled':
        return 'cancelled';
      case 'unplayable':
        if (live) return ended(asked.reason);
        throw new MediaInputError(`${cause}, and the source now refuses it: ${asked.reason}`);
      case 'failed':
        if (why.kind === 'expiring') return retryRefreshLater();
        throw new MediaInputError(`${cause}, and asking the source again failed: ${asked.reason}`);
      case 'plan':
        break;
    }
    // The source still offers a stream that stopped updating: nothing fresh can come of it.
    if (why.kind === 'stale') throw new MediaInputError(cause);
    const fresh = targetOf(asked.plan, clock.now(), options.refreshAheadMs);
    const loaded = await fetchMediaPlaylist(fresh.url, how(fresh), fresh.rendition);
    if (loaded.kind === 'cancelled') return 'cancelled';
    if (loaded.kind === 'status') {
      if (live && loaded.status === 404) return ended(`its playlist is gone (HTTP 404)`);
      if (why.kind === 'expiring') return retryRefreshLater();
      throw new MediaInputError(`${cause}, and the fresh stream was refused too (HTTP ${loaded.status})`);
    }
    refuseEncryption(loaded.playlist);
    target = fresh;
    mediaUrl = loaded.url;
    playlist = loaded.playlist;
    return 'go-on';
  }

  async function* play(segment: types.Segment): AsyncGenerator<Buffer, PartEnd, undefined> {
    const map = mapOf(segment);
    if (map !== undefined && mapKey(map, mediaUrl) !== currentMap) {
      const got = yield* fetchPart(map, mediaUrl, target, options.fetch, signal);
      if (got !== 'done') return got;
      currentMap = mapKey(map, mediaUrl);
    }
    return yield* fetchPart(segment, mediaUrl, target, options.fetch, signal);
  }

  const staleLimit = options.staleReloads ?? DEFAULT_LIVE_STALE_RELOADS;
  let stale = 0;
  for (;;) {
    while (pending.length > 0) {
      if (signal.aborted) return;
      if (refreshDue()) {
        const step = await replan({ kind: 'expiring' });
        if (step !== 'go-on') return;
        pending = remaining();
        continue;
      }
      const segment = pending[0];
      if (segment === undefined) break;
      const got = yield* play(segment);
      if (got === 'cancelled') return;
      if (got !== 'done') {
        // A VOD segment that is not there will not be there with a fresh plan either.
        if (!live && got.refused === 404) throw new MediaInputError('an HLS segment could not be fetched: the server answered 404');
        const step = await replan({ kind: 'refused', what: 'an HLS segment', status: got.refused });
        if (step !== 'go-on') return;
        pending = remaining();
        continue;
      }
      pending.shift();
      nextSequence = segment.mediaSequenceNumber + 1;
      refusedInARow = 0;
    }
    if (!live) return;
    if (playlist.endlist) {
      ended('the broadcast ended');
      return;
    }

    // After a change, the next segment is about a target duration away; without one, half of it (RFC 8216 §6.3.4).
    const waitMs = (playlist.targetDuration * 1000) / (stale === 0 ? 1 : 2);
    try {
      await sleep(clock, waitMs, signal);
    } catch {
      return;
    }
    let reloaded = false;
    if (refreshDue()) {
      const before = playlist;
      const step = await replan({ kind: 'expiring' });
      if (step !== 'go-on') return;
      reloaded = playlist !== before;
    }
    if (!reloaded) {
      const answer = await fetchPlaylist(mediaUrl, how(target));
      if (answer.kind === 'cancelled') return;
      if (answer.kind === 'status') {
        // A live playlist that answers 404 is gone, unless its source, asked again, has it somewhere else.
        if (!REFUSED_STATUSES.has(answer.status) && answer.status !== 404) throw new MediaInputError(playlistRefused(answer.status));
        const step = await replan({ kind: 'refused', what: 'the HLS playlist', status: answer.status });
        if (step !== 'go-on') return;
      } else {
        const next = parsePlaylistText(answer.text);
        if (next.isMasterPlaylist) throw new MediaInputError('the live HLS playlist turned into a master playlist');
        refuseEncryption(next);
        playlist = next;
      }
    }
    const fresh = remaining();
    if (fresh.length === 0 && !playlist.endlist) {
      stale++;
      if (stale >= staleLimit) {
        const step = await replan({ kind: 'stale', reloads: stale });
        if (step !== 'go-on') return;
      }
      continue;
    }
    stale = 0;
    pending = fresh;
  }
}

/** The stream's bytes (init segment, then segments) as one Readable; destroying it stops every fetch and poll. */
export function hlsReader(options: HlsReaderOptions): Readable {
  return pullStream((signal) => hlsBytes(options, signal));
}
