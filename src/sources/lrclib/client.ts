/**
 * Lyrics from LRCLIB (lrclib.net), a free public lyrics database without keys: `/api/get` by title,
 * artist and length (LRCLIB matches a length within ±2 s), then, when it has no such signature,
 * `/api/search` by title and artist, taking the first record within ±2 s of the length. Titles are
 * searched by the mirror's searchableTitle ("(Official Video)" and a leading "Artist - " removed).
 *
 * Every request goes through the source Fetcher (the SSRF-safe fetch, HIQTY_SERVICE_ORIGINS) with a
 * User-Agent naming hiqty and its homepage, as LRCLIB asks. Answers (found or not) are shared by the
 * fleet in the resolve cache under `lrclib` (hiqty:resolve_cache:lrclib:{hash}) for LYRICS_CACHE_TTL_MS;
 * failures are not cached. One process asks once for a song however many callers want it at the same time.
 */
import type * as t from 'io-ts';
import type { Logger } from '../../log';
import type { SourceCache } from '../../state/source-cache';
import { readCached, writeCached } from '../cached-answer';
import { searchableTitle } from '../mirror';
import { normalizeQuery } from '../resolver';
import { decodeText } from '../service-api/decode';
import { requestText } from '../service-api/http';
import type { Fetcher } from '../types';
import { CachedLyrics, LrclibRecord, LrclibSearch, type Lyrics } from './codecs';
import { malformedAnswer } from '../service-api/answers';

export { Lyrics } from './codecs';

export const LRCLIB_ORIGIN = 'https://lrclib.net';
/** LRCLIB asks clients to name themselves and their homepage. */
export const LRCLIB_USER_AGENT = 'hiqty/0.1 (Discord music bot; https://github.com/hiqty/hiqty)';
/** LRCLIB's own matching tolerance on lengths, used for search results too: ±2 s. */
export const LYRICS_DURATION_TOLERANCE_S = 2;
/** How long an answer (lyrics, or none) is shared by the fleet; default 6 h: lyrics rarely change. */
export const LYRICS_CACHE_TTL_MS = 6 * 60 * 60_000;
/** The cache's source name: keys are hiqty:resolve_cache:lrclib:{hash}. */
export const LYRICS_CACHE_SOURCE = 'lrclib';

export interface LyricsQuery {
  readonly title: string;
  readonly artist?: string;
  readonly durationMs?: number;
}

export type LyricsOutcome =
  /** A record: with plain and/or synced lyrics, or marked instrumental. */
  | { readonly kind: 'found'; readonly lyrics: Lyrics; readonly cached: boolean }
  /** LRCLIB has no record (or one without words that is not instrumental). */
  | { readonly kind: 'none'; readonly cached: boolean }
  /** LRCLIB could not be reached, failed, or answered something hiqty does not understand. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export type LyricsFinder = (query: LyricsQuery, signal?: AbortSignal) => Promise<LyricsOutcome>;

export interface LrclibDeps {
  readonly fetch: Fetcher;
  /** The resolve cache (bounded, shared): built with LYRICS_CACHE_TTL_MS. */
  readonly cache: SourceCache;
  readonly log: Logger;
  /** Headers and idle timeout of each request; default 5 s (a member is waiting). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** Lyrics are text: a generous cap for a record (default 1 MiB), far above any song's. */
const MAX_ANSWER_BYTES = 1024 * 1024;

type Asked<A> = { readonly kind: 'ok'; readonly value: A } | { readonly kind: 'not-found' } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

function lyricsOf(r: LrclibRecord): Lyrics | undefined {
  const plain = r.plainLyrics?.trim() ?? '';
  const synced = r.syncedLyrics?.trim() ?? '';
  if (!r.instrumental && plain === '' && synced === '') return undefined;
  return {
    id: r.id,
    trackName: r.trackName,
    artistName: r.artistName,
    durationS: r.duration,
    instrumental: r.instrumental,
    ...(plain === '' ? {} : { plain }),
    ...(synced === '' ? {} : { synced }),
  };
}

function withinTolerance(durationMs: number | undefined, r: LrclibRecord): boolean {
  return durationMs === undefined || Math.abs(r.duration - durationMs / 1000) <= LYRICS_DURATION_TOLERANCE_S;
}

/** The song as it is searched: its cleaned title, its artist, its length in whole seconds. */
export function lyricsQueryKey(q: LyricsQuery): string {
  return `${normalizeQuery(searchableTitle(q.title, q.artist))}|${normalizeQuery(q.artist ?? '')}|${q.durationMs === undefined ? '' : Math.round(q.durationMs / 1000)}`;
}

export function lrclibFinder(deps: LrclibDeps): LyricsFinder {
  const { fetch, cache, log } = deps;
  const inFlight = new Map<string, Promise<LyricsOutcome>>();

  async function ask<A, O>(path: string, params: Readonly<Record<string, string>>, codec: t.Type<A, O, unknown>, signal: AbortSignal | undefined): Promise<Asked<A>> {
    const url = new URL(`${LRCLIB_ORIGIN}${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const answer = await requestText(fetch, url.toString(), {
      headers: { accept: 'application/json', 'user-agent': LRCLIB_USER_AGENT },
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: MAX_ANSWER_BYTES,
      ...(signal === undefined ? {} : { signal }),
    });
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'failed') return { kind: 'failed', reason: `LRCLIB could not be reached (${answer.reason})` };
    if (answer.status === 404) return { kind: 'not-found' };
    if (answer.status < 200 || answer.status > 299) return { kind: 'failed', reason: `LRCLIB answered HTTP ${answer.status}` };
    const decoded = decodeText(codec, answer.text);
    if ('error' in decoded) return malformedAnswer('LRCLIB', decoded.error);
    return { kind: 'ok', value: decoded.ok };
  }

  async function lookUp(q: LyricsQuery, signal: AbortSignal | undefined): Promise<LyricsOutcome> {
    const title = searchableTitle(q.title, q.artist);
    const artist = q.artist?.trim() ?? '';
    const seconds: Record<string, string> = q.durationMs === undefined ? {} : { duration: String(Math.round(q.durationMs / 1000)) };
    if (artist !== '') {
      const got = await ask('/api/get', { track_name: title, artist_name: artist, ...seconds }, LrclibRecord, signal);
      if (got.kind === 'cancelled' || got.kind === 'failed') return got;
      if (got.kind === 'ok') {
        const lyrics = lyricsOf(got.value);
        if (lyrics !== undefined) return { kind: 'found', lyrics, cached: false };
      }
    }
    // No exact signature (or no artist to give): the first search result of the right length with words.
    const searched = await ask('/api/search', artist === '' ? { q: title } : { track_name: title, artist_name: artist }, LrclibSearch, signal);
    if (searched.kind === 'cancelled' || searched.kind === 'failed') return searched;
    if (searched.kind === 'not-found') return { kind: 'none', cached: false };
    for (const record of searched.value) {
      if (!withinTolerance(q.durationMs, record)) continue;
      const lyrics = lyricsOf(record);
      if (lyrics !== undefined) return { kind: 'found', lyrics, cached: false };
    }
    return { kind: 'none', cached: false };
  }

  async function find(q: LyricsQuery, signal: AbortSignal | undefined): Promise<LyricsOutcome> {
    const key = lyricsQueryKey(q);
    const hit = await readCached(cache, CachedLyrics, LYRICS_CACHE_SOURCE, key, 'lyrics', log);
    if (hit !== undefined) return hit.found ? { kind: 'found', lyrics: hit.lyrics, cached: true } : { kind: 'none', cached: true };
    const outcome = await lookUp(q, signal);
    if (outcome.kind === 'found') await writeCached(cache, LYRICS_CACHE_SOURCE, key, { found: true, lyrics: outcome.lyrics }, 'lyrics', log);
    else if (outcome.kind === 'none') await writeCached(cache, LYRICS_CACHE_SOURCE, key, { found: false }, 'lyrics', log);
    else if (outcome.kind === 'failed') log.warn({ reason: outcome.reason, title: q.title }, 'lyrics lookup failed');
    return outcome;
  }

  return (q, signal) => {
    if (q.title.trim() === '') return Promise.resolve({ kind: 'none', cached: false });
    const key = lyricsQueryKey(q);
    const pending = inFlight.get(key);
    if (pending !== undefined) return pending;
    // Shared by callers at the same time; the first caller's signal cancels it (a member's command).
    const started = find(q, signal).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
