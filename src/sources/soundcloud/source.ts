/**
 * The SoundCloud source (DESIGN.md §6 "Services"), written directly against api-v2 as soundcloud.com's
 * web client uses it: /resolve for links, /search/tracks, /tracks/{id} and /tracks?ids=, /users/{id}/likes,
 * and the transcodings' own URLs for a signed stream URL at play time.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Clock } from '../../clock';
import { decode, urlString } from '../../codecs';
import type { Logger } from '../../log';
import type { PlanOutcome, StreamPlan } from '../../media/plan';
import type { Fetcher, PlayableTrack, ResolveOutcome, SearchOutcome, Source, SourceTrack, TokenStore } from '../types';
import { API_BASE, apiGet, apiUrl, type ApiDeps, type ApiOutcome } from './api';
import { ClientIds } from './client-id';
import { Kinded, Like, Page, Playlist, StreamLocation, Track, TrackList, TrackStub, User } from './codecs';
import { BROWSER_USER_AGENT } from '../service-api/http';
import { fetchFinalUrl } from './http';
import { classifyLink, isSoundcloudUrl, SHORT_HOST } from './links';
import { playability, toSourceTrack, type Candidate } from './tracks';
import { malformedAnswer, type FailedAnswer } from '../service-api/answers';

/** Ids per /tracks?ids= request, as the web client batches a set's remaining entries; default 50. */
export const DEFAULT_IDS_BATCH = 50;
/** Most tracks taken from one set; default 500 (SoundCloud's own cap on a set). */
export const DEFAULT_MAX_SET_TRACKS = 500;
/** Most tracks taken from a user's likes; default 200 (four pages of 50). */
export const DEFAULT_MAX_LIKES = 200;
const LIKES_PAGE = 50;

export interface SoundcloudSourceDeps {
  readonly fetch: Fetcher;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Headers and idle timeout of every SoundCloud request; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
  /** How long a discovered client_id is shared; default DEFAULT_CLIENT_ID_TTL_MS (6 h). */
  readonly clientIdTtlMs?: number;
  /** Default DEFAULT_MAX_LIKES (200). */
  readonly maxLikes?: number;
}

const MediaUrl = t.type({ url: urlString(['https', 'http']) });
const REMOVED_REASON = 'This SoundCloud track was removed or is private';
const FORBIDDEN_REASON = 'SoundCloud does not let anyone without access open this (private or blocked)';

type Skipped = { readonly title: string; readonly reason: string };

function decodeValue<A, O>(codec: t.Type<A, O, unknown>, value: unknown): { readonly ok: A } | { readonly error: string } {
  const decoded = decode(codec, value);
  return isLeft(decoded) ? { error: decoded.left.slice(0, 3).join('; ') } : { ok: decoded.right };
}

const malformed = (error: string): FailedAnswer => malformedAnswer('SoundCloud', error);

/** A non-2xx from api-v2 for a link or a track: 404 and 403 are about the item, the rest about SoundCloud. */
function statusOutcome(status: number, notFound: string): { readonly kind: 'unavailable' | 'failed'; readonly reason: string } {
  if (status === 404) return { kind: 'unavailable', reason: notFound };
  if (status === 403) return { kind: 'unavailable', reason: FORBIDDEN_REASON };
  if (status === 429) return { kind: 'failed', reason: 'SoundCloud is rate-limiting hiqty (HTTP 429)' };
  return { kind: 'failed', reason: `SoundCloud answered HTTP ${status}` };
}

export function soundcloudSource(deps: SoundcloudSourceDeps): Source {
  const clientIds = new ClientIds({ fetch: deps.fetch, tokens: deps.tokens, clock: deps.clock, log: deps.log, ttlMs: deps.clientIdTtlMs, timeoutMs: deps.timeoutMs });
  const api: ApiDeps = { fetch: deps.fetch, clientIds, log: deps.log, timeoutMs: deps.timeoutMs };
  const maxLikes = deps.maxLikes ?? DEFAULT_MAX_LIKES;

  function get<A, O>(url: string, codec: t.Type<A, O, unknown>, signal: AbortSignal | undefined): Promise<ApiOutcome<A>> {
    return apiGet(api, url, codec, signal);
  }

  /** The full tracks of these ids, by id; ids SoundCloud does not return are missing (removed, private). */
  async function tracksByIds(ids: readonly number[], signal: AbortSignal | undefined): Promise<Map<number, Track> | Exclude<ResolveOutcome, { kind: 'tracks' }>> {
    const found = new Map<number, Track>();
    for (let i = 0; i < ids.length; i += DEFAULT_IDS_BATCH) {
      const batch = ids.slice(i, i + DEFAULT_IDS_BATCH);
      const answer = await get(apiUrl('/tracks', { ids: batch.join(',') }), TrackList, signal);
      if (answer.kind === 'status') return statusOutcome(answer.status, REMOVED_REASON);
      if (answer.kind !== 'ok') return answer;
      for (const item of answer.value) {
        const track = decodeValue(Track, item);
        if ('ok' in track) found.set(track.ok.id, track.ok);
      }
    }
    return found;
  }

  /** Keeps what plays; says why the rest does not. */
  function sortPlayable(tracks: readonly Track[]): { readonly playable: SourceTrack[]; readonly skipped: Skipped[] } {
    const playable: SourceTrack[] = [];
    const skipped: Skipped[] = [];
    for (const track of tracks) {
      const verdict = playability(track);
      if (verdict.kind === 'playable') playable.push(toSourceTrack(track));
      else skipped.push({ title: track.title, reason: verdict.reason });
    }
    return { playable, skipped };
  }

  function listOutcome(what: string, playlist: { url: string; title: string }, tracks: readonly Track[], extraSkipped: readonly Skipped[]): ResolveOutcome {
    const { playable, skipped } = sortPlayable(tracks);
    const allSkipped = [...extraSkipped, ...skipped];
    if (playable.length === 0) {
      const first = allSkipped[0];
      return first === undefined ? { kind: 'empty', what } : { kind: 'unavailable', reason: `None of the ${allSkipped.length} tracks of ${what} can be played (${first.reason})` };
    }
    return { kind: 'tracks', tracks: playable, playlist, ...(allSkipped.length > 0 ? { skipped: allSkipped } : {}) };
  }

  async function resolveSet(value: unknown, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const set = decodeValue(Playlist, value);
    if ('error' in set) return malformed(set.error);
    const entries = set.ok.tracks.slice(0, DEFAULT_MAX_SET_TRACKS);
    const full = new Map<number, Track>();
    const order: number[] = [];
    for (const entry of entries) {
      const track = decodeValue(Track, entry);
      if ('ok' in track) {
        full.set(track.ok.id, track.ok);
        order.push(track.ok.id);
        continue;
      }
      const stub = decodeValue(TrackStub, entry);
      if ('error' in stub) return malformed(`set entry: ${stub.error}`);
      order.push(stub.ok.id);
    }
    const missing = order.filter((id) => !full.has(id));
    if (missing.length > 0) {
      const fetched = await tracksByIds(missing, signal);
      if (!(fetched instanceof Map)) return fetched;
      for (const [id, track] of fetched) full.set(id, track);
    }
    const tracks = order.flatMap((id) => full.get(id) ?? []);
    const gone: Skipped[] = order.filter((id) => !full.has(id)).map((id) => ({ title: `track ${id}`, reason: REMOVED_REASON }));
    return listOutcome(`the set "${set.ok.title}"`, { url: set.ok.permalink_url, title: set.ok.title }, tracks, gone);
  }

  async function resolveLikes(profile: string, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const resolved = await get(apiUrl('/resolve', { url: profile }), User, signal);
    if (resolved.kind === 'status') return statusOutcome(resolved.status, 'This SoundCloud profile does not exist');
    if (resolved.kind !== 'ok') return resolved;
    const user = resolved.value;
    const tracks: Track[] = [];
    let next: string | undefined = apiUrl(`/users/${user.id}/likes`, { limit: String(LIKES_PAGE), offset: '0', linked_partitioning: '1' });
    while (next !== undefined && tracks.length < maxLikes) {
      const page: ApiOutcome<t.TypeOf<typeof Page>> = await get(next, Page, signal);
      if (page.kind === 'status') return statusOutcome(page.status, 'This SoundCloud profile does not exist');
      if (page.kind !== 'ok') return page;
      for (const item of page.value.collection) {
        const like = decodeValue(Like, item);
        if ('error' in like || like.ok.track === undefined) continue; // a liked set, not a track
        const track = decodeValue(Track, like.ok.track);
        if ('ok' in track) tracks.push(track.ok);
      }
      const href: string | undefined = page.value.next_href ?? undefined;
      // A cursor is followed only on api-v2 itself: the client_id goes nowhere else.
      next = href !== undefined && href.startsWith(`${API_BASE}/`) && page.value.collection.length > 0 ? href : undefined;
    }
    return listOutcome(`${user.username}'s likes`, { url: `${profile}/likes`, title: `${user.username}'s likes` }, tracks.slice(0, maxLikes), []);
  }

  /** Follows an on.soundcloud.com short link to the page it names. */
  async function expandShort(url: string, signal: AbortSignal | undefined): Promise<URL | Exclude<ResolveOutcome, { kind: 'tracks' }>> {
    const answer = await fetchFinalUrl(deps.fetch, url, { signal, timeoutMs: deps.timeoutMs });
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'status') return answer.status === 404 ? { kind: 'unavailable', reason: 'This SoundCloud short link leads nowhere' } : { kind: 'failed', reason: `on.soundcloud.com answered HTTP ${answer.status}` };
    if (answer.kind === 'failed') return { kind: 'failed', reason: `on.soundcloud.com could not be reached (${answer.reason})` };
    const target = new URL(answer.finalUrl);
    if (!isSoundcloudUrl(target) || target.hostname === SHORT_HOST) return { kind: 'unavailable', reason: 'This SoundCloud short link does not lead to a track or a set' };
    return target;
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    let link = classifyLink(url);
    if (link.kind === 'short') {
      const target = await expandShort(link.url, signal);
      if (!(target instanceof URL)) return target;
      link = classifyLink(target);
    }
    switch (link.kind) {
      case 'short':
      case 'other':
        return { kind: 'unavailable', reason: `hiqty plays SoundCloud tracks, sets and likes, and this is ${link.kind === 'other' ? link.what : 'another short link'}` };
      case 'likes':
        return resolveLikes(link.user, signal);
      case 'track':
      case 'set':
        break;
    }
    const resolved = await get(apiUrl('/resolve', { url: link.canonical }), t.unknown, signal);
    if (resolved.kind === 'status') return statusOutcome(resolved.status, link.kind === 'set' ? 'This SoundCloud set was removed or is private' : REMOVED_REASON);
    if (resolved.kind !== 'ok') return resolved;
    const kinded = decodeValue(Kinded, resolved.value);
    if ('error' in kinded) return malformed(kinded.error);
    if (kinded.ok.kind === 'playlist') return resolveSet(resolved.value, signal);
    if (kinded.ok.kind !== 'track') return { kind: 'unavailable', reason: `This SoundCloud link is a ${kinded.ok.kind}, not a track or a set` };
    const track = decodeValue(Track, resolved.value);
    if ('error' in track) return malformed(track.error);
    const verdict = playability(track.ok);
    if (verdict.kind === 'unplayable') return { kind: 'unavailable', reason: verdict.reason };
    return { kind: 'tracks', tracks: [toSourceTrack(track.ok)] };
  }

  async function search(text: string, signal: AbortSignal | undefined, limit: number): Promise<SearchOutcome> {
    const answer = await get(apiUrl('/search/tracks', { q: text, limit: String(Math.max(1, Math.min(limit, 25))), offset: '0' }), Page, signal);
    if (answer.kind === 'status') return { kind: 'failed', reason: `SoundCloud search answered HTTP ${answer.status}` };
    if (answer.kind !== 'ok') return answer;
    const tracks = answer.value.collection.flatMap((item) => {
      const track = decodeValue(Track, item);
      // A result that cannot play (a preview, DRM) would only be refused when queued.
      return 'ok' in track && playability(track.ok).kind === 'playable' ? [toSourceTrack(track.ok)] : [];
    });
    return { kind: 'results', tracks };
  }

  /** api-v2's related tracks (GET /tracks/{id}/related), answering a collection like search; the unplayable ones left out. */
  async function related(playable: PlayableTrack, signal: AbortSignal | undefined, limit: number): Promise<SearchOutcome> {
    const id = playable.sourceId;
    if (id === undefined || !/^\d+$/.test(id)) return { kind: 'results', tracks: [] };
    const answer = await get(apiUrl(`/tracks/${id}/related`, { limit: String(Math.max(1, Math.min(limit, 50))), offset: '0', linked_partitioning: '1' }), Page, signal);
    if (answer.kind === 'status') return answer.status === 404 ? { kind: 'results', tracks: [] } : { kind: 'failed', reason: `SoundCloud's related tracks answered HTTP ${answer.status}` };
    if (answer.kind !== 'ok') return answer;
    const tracks = answer.value.collection.flatMap((item) => {
      const track = decodeValue(Track, item);
      return 'ok' in track && String(track.ok.id) !== id && playability(track.ok).kind === 'playable' ? [toSourceTrack(track.ok)] : [];
    });
    return { kind: 'results', tracks };
  }

  async function trackIdOf(track: PlayableTrack, signal: AbortSignal): Promise<string | PlanOutcome> {
    if (track.sourceId !== undefined && /^\d+$/.test(track.sourceId)) return track.sourceId;
    let url: URL;
    try {
      url = new URL(track.url);
    } catch {
      return { kind: 'unplayable', reason: 'the track has no SoundCloud id or link' };
    }
    const resolved = await resolve(url, signal);
    switch (resolved.kind) {
      case 'tracks': {
        const id = resolved.tracks[0]?.sourceId;
        return id ?? { kind: 'unplayable', reason: 'the link names no SoundCloud track' };
      }
      case 'unavailable':
      case 'refused':
        return { kind: 'unplayable', reason: resolved.reason };
      case 'empty':
        return { kind: 'unplayable', reason: `${resolved.what} is empty` };
      case 'failed':
      case 'cancelled':
        return resolved;
    }
  }

  /** The signed media URL behind one transcoding. */
  async function streamUrl(candidate: Candidate, track: Track, signal: AbortSignal): Promise<ApiOutcome<string>> {
    const query: Record<string, string> = track.track_authorization ? { track_authorization: track.track_authorization } : {};
    const answer = await get(apiUrl(candidate.transcoding.url, query), StreamLocation, signal);
    if (answer.kind !== 'ok') return answer;
    const media = decodeValue(MediaUrl, answer.value);
    if ('error' in media) return malformed(media.error);
    return { kind: 'ok', value: media.ok.url };
  }

  async function open(playable: PlayableTrack, signal: AbortSignal): Promise<PlanOutcome> {
    const id = await trackIdOf(playable, signal);
    if (typeof id !== 'string') return id;
    // Fresh every time: stream URLs expire and track_authorization with them.
    const answer = await get(apiUrl(`/tracks/${id}`), Track, signal);
    if (answer.kind === 'status') {
      const outcome = statusOutcome(answer.status, REMOVED_REASON);
      return { kind: outcome.kind === 'unavailable' ? 'unplayable' : 'failed', reason: outcome.reason };
    }
    if (answer.kind !== 'ok') return answer;
    const track = answer.value;
    const verdict = playability(track);
    if (verdict.kind === 'unplayable') return verdict;
    // Known limit: a re-ask after a 403 mid-stream (attempt > 0) gets fresh URLs of the same choice,
    // which is what an expired signature needs; a transcoding that fails outright falls to the next.
    let lastFailure = 'no transcoding answered';
    for (const candidate of verdict.candidates) {
      const located = await streamUrl(candidate, track, signal);
      if (located.kind === 'cancelled') return located;
      if (located.kind === 'failed') return located;
      if (located.kind === 'status') {
        lastFailure = `HTTP ${located.status}`;
        deps.log.info({ track: id, preset: candidate.transcoding.preset, status: located.status }, 'soundcloud: a transcoding was refused; trying the next');
        continue;
      }
      const headers = { 'user-agent': BROWSER_USER_AGENT };
      const durationMs = track.full_duration ?? track.duration;
      const plan: StreamPlan =
        candidate.kind === 'progressive'
          ? { kind: 'file', url: located.value, headers, ...(durationMs !== undefined ? { durationMs } : {}) }
          : { kind: 'hls', url: located.value, headers };
      return { kind: 'plan', plan };
    }
    return { kind: 'failed', reason: `SoundCloud refused every stream of this track (${lastFailure})` };
  }

  /** Belt and braces: a bug below is a failure with a reason, not a crash of the caller. */
  async function guarded<T>(what: string, body: () => Promise<T>, failed: (reason: string) => T): Promise<T> {
    try {
      return await body();
    } catch (err) {
      deps.log.error({ err }, `soundcloud: ${what} threw`);
      return failed(`SoundCloud ${what} failed unexpectedly (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  return {
    name: 'soundcloud',
    label: 'SoundCloud',
    matches: isSoundcloudUrl,
    resolve: (url, { signal }) => guarded('resolve', () => resolve(url, signal), (reason) => ({ kind: 'failed', reason })),
    search: (text, { signal, limit }) => guarded('search', () => search(text, signal, limit), (reason) => ({ kind: 'failed', reason })),
    related: (track, { signal, limit }) => guarded('related', () => related(track, signal, limit), (reason) => ({ kind: 'failed', reason })),
    open: (track, { signal }) => guarded('open', () => open(track, signal), (reason) => ({ kind: 'failed', reason })),
  };
}
