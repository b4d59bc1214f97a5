/**
 * Finding a song on another source (DESIGN.md §6: "a track that fails on its source may be played from
 * another source"): the mirror of a metadata source's track (Spotify, Apple Music and Deezer give no
 * audio) and the fallback of a playable track that will not open. Each candidate source is asked by ISRC
 * first, then by "title artist", and a result is accepted only within the duration tolerance: the wrong-
 * song problem of other bots is a live version, a remix or a ten-hour loop found by its title.
 *
 * A match (or the finding that a source has none) is cached in Redis for the fleet, so a playlist queued in
 * many guilds, or resumed on another instance, is searched for once per TTL.
 */
import * as t from 'io-ts';
import type { Logger } from '../log';
import type { SourceCache } from '../state/source-cache';
import type { SourceBreaker } from './breaker';
import { readCached, writeCached } from './cached-answer';
import { normalizeQuery } from './resolver';
import type { SourceRegistry } from './registry';
import { SourceTrackCodec } from './track-codec';
import type { PlayableTrack, Source, SourceName, SourceTrack } from './types';

/** A candidate's length may differ from the song's by the larger of these: ±5 s and ±5% (defaults). */
export const MIRROR_TOLERANCE_MS = 5000;
export const MIRROR_TOLERANCE_SHARE = 0.05;

/** Results looked at per search: the right song is near the top or not found by that query. */
const CANDIDATES_PER_SEARCH = 10;

/** What is known of the song to find (a queued track carries it). */
export interface Song {
  readonly title?: string;
  readonly artist?: string;
  readonly durationMs?: number;
  readonly isrc?: string;
}

export function songOf(track: PlayableTrack): Song {
  return {
    ...(track.title === undefined ? {} : { title: track.title }),
    ...(track.artist === undefined ? {} : { artist: track.artist }),
    ...(track.durationMs === undefined ? {} : { durationMs: track.durationMs }),
    ...(track.isrc === undefined ? {} : { isrc: track.isrc }),
  };
}

/** Whether a candidate's length is the song's, within the tolerance. An unknown length on either side is no match. */
export function withinTolerance(songMs: number | undefined, candidateMs: number | undefined): boolean {
  if (songMs === undefined || candidateMs === undefined) return false;
  return Math.abs(songMs - candidateMs) <= Math.max(MIRROR_TOLERANCE_MS, songMs * MIRROR_TOLERANCE_SHARE);
}

export type MirrorMatch = {
  readonly source: SourceName;
  readonly track: SourceTrack;
  /** How it was found: by ISRC, by title and artist, or from the fleet's cache of earlier matches. */
  readonly by: 'isrc' | 'title';
};

export type MirrorOutcome =
  | { readonly kind: 'found'; readonly match: MirrorMatch; readonly cached: boolean }
  /** No source had it within the tolerance: one reason per source asked ("SoundCloud: no match within ±5 s"). */
  | { readonly kind: 'none'; readonly reasons: readonly string[] }
  | { readonly kind: 'cancelled' };

/** What a mirror looks through, and where it keeps what it found. */
export interface MirrorDeps {
  readonly registry: SourceRegistry;
  /** Matches per source and song (hiqty:resolve_cache:mirror-{source}:*): a song queued again is not searched again. */
  readonly cache: SourceCache;
  /** A source that keeps failing is skipped (the same breaker as search). */
  readonly breaker: SourceBreaker;
  readonly log: Logger;
}

export type SongMirror = (song: Song, sources: readonly SourceName[], signal: AbortSignal) => Promise<MirrorOutcome>;

/** Cached per source and song: a match, or that the source has none (asked again after the TTL). */
const CachedMatch = t.union([t.type({ found: t.literal(true), by: t.union([t.literal('isrc'), t.literal('title')]), track: SourceTrackCodec }), t.type({ found: t.literal(false) })]);

/** Bracketed parts that say how a video was made, not which song it is. */
const PRODUCTION_NOTE = /\s*[([](?:[^)\]]*\b(?:official|video|audio|lyrics?|visuali[sz]er|hd|hq|4k|remaster(?:ed)?|m\/?v|clip|explicit)\b[^)\]]*)[)\]]/gi;

/**
 * The words a title is searched by elsewhere: without production notes ("(Official Video)", "[HD]") and
 * without a leading "Artist - " that repeats the artist, as video titles carry them and song titles do not.
 */
export function searchableTitle(title: string, artist: string | undefined): string {
  let clean = title.replace(PRODUCTION_NOTE, '').trim();
  if (artist !== undefined && artist !== '') {
    const prefix = `${artist.toLowerCase()} - `;
    if (clean.toLowerCase().startsWith(prefix)) clean = clean.slice(prefix.length).trim();
  }
  return clean === '' ? title : clean;
}

function songKey(song: Song): string | undefined {
  if (song.isrc !== undefined) return `isrc:${song.isrc.toUpperCase()}`;
  if (song.title === undefined) return undefined;
  return `title:${normalizeQuery(song.title)}|${normalizeQuery(song.artist ?? '')}|${Math.round((song.durationMs ?? 0) / 1000)}`;
}

function describeTolerance(song: Song): string {
  const ms = Math.max(MIRROR_TOLERANCE_MS, (song.durationMs ?? 0) * MIRROR_TOLERANCE_SHARE);
  return `±${Math.round(ms / 1000)} s`;
}

type OneSource = { readonly kind: 'found'; readonly match: MirrorMatch } | { readonly kind: 'none'; readonly reason: string } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

export function songMirror(deps: MirrorDeps): SongMirror {
  const { registry, cache, breaker, log } = deps;

  async function search(source: Source, text: string, signal: AbortSignal): Promise<readonly SourceTrack[] | { readonly failed: string } | 'cancelled'> {
    const searchFn = source.search;
    if (searchFn === undefined) return [];
    let outcome;
    try {
      outcome = await searchFn.call(source, text, { signal, limit: CANDIDATES_PER_SEARCH });
    } catch (err) {
      log.error({ err, source: source.name }, 'mirror search threw');
      return { failed: 'an internal error' };
    }
    if (outcome.kind === 'cancelled') return 'cancelled';
    if (outcome.kind === 'failed') {
      if (breaker.failed(source.name)) log.warn({ source: source.name, reason: outcome.reason }, 'source search keeps failing: skipped by search and fallback for a while');
      return { failed: outcome.reason };
    }
    breaker.succeeded(source.name);
    return outcome.tracks;
  }

  async function findOn(source: Source, song: Song, signal: AbortSignal): Promise<OneSource> {
    if (source.search === undefined) return { kind: 'none', reason: `${source.label} cannot search` };
    const isrc = song.isrc?.toUpperCase();
    const sameIsrc = (c: SourceTrack): boolean => isrc !== undefined && c.isrc?.toUpperCase() === isrc;
    // When both name an ISRC, it decides; otherwise the length does.
    const usable = (c: SourceTrack): boolean => c.live !== true && (isrc !== undefined && c.isrc !== undefined ? sameIsrc(c) : withinTolerance(song.durationMs, c.durationMs));
    if (isrc !== undefined) {
      const results = await search(source, `"${isrc}"`, signal);
      if (results === 'cancelled') return { kind: 'cancelled' };
      if ('failed' in results) return { kind: 'failed', reason: `${source.label} search failed: ${results.failed}` };
      const hit = results.find(usable);
      if (hit !== undefined) return { kind: 'found', match: { source: source.name, track: hit, by: 'isrc' } };
    }
    if (song.title !== undefined) {
      const results = await search(source, [searchableTitle(song.title, song.artist), song.artist].filter((w) => w !== undefined && w !== '').join(' '), signal);
      if (results === 'cancelled') return { kind: 'cancelled' };
      if ('failed' in results) return { kind: 'failed', reason: `${source.label} search failed: ${results.failed}` };
      const hit = results.find(usable);
      // Found by its title, but the result's own ISRC says it is the same recording.
      if (hit !== undefined) return { kind: 'found', match: { source: source.name, track: hit, by: sameIsrc(hit) ? 'isrc' : 'title' } };
    }
    return { kind: 'none', reason: `${source.label} has no match within ${describeTolerance(song)}` };
  }

  return async (song, sources, signal) => {
    const key = songKey(song);
    if (key === undefined) return { kind: 'none', reasons: ['the track has neither an ISRC nor a title to look for'] };
    const reasons: string[] = [];
    for (const name of sources) {
      const source = registry.byName(name);
      if (source === undefined) continue;
      if (breaker.coolingUntil(name) !== undefined) {
        reasons.push(`${source.label} is resting after repeated errors`);
        continue;
      }
      const cacheName = `mirror-${name}`;
      const hit = await readCached(cache, CachedMatch, cacheName, key, 'mirror', log);
      if (hit !== undefined) {
        if (hit.found) return { kind: 'found', match: { source: name, track: hit.track, by: hit.by }, cached: true };
        reasons.push(`${source.label} has no match within ${describeTolerance(song)}`);
        continue;
      }
      const one = await findOn(source, song, signal);
      switch (one.kind) {
        case 'cancelled':
          return { kind: 'cancelled' };
        case 'failed':
          // Not cached: a failing service is asked again once it recovers.
          reasons.push(one.reason);
          continue;
        case 'none':
          await writeCached(cache, cacheName, key, { found: false }, 'mirror', log);
          reasons.push(one.reason);
          continue;
        case 'found':
          await writeCached(cache, cacheName, key, { found: true, by: one.match.by, track: one.match.track }, 'mirror', log);
          log.info({ source: name, by: one.match.by, title: song.title, candidate: one.match.track.url }, 'mirrored a song');
          return { kind: 'found', match: one.match, cached: false };
      }
    }
    return { kind: 'none', reasons };
  };
}
