/**
 * Deezer links as metadata (DESIGN.md §6 "Services"; issue 15): tracks, albums and playlists read from
 * Deezer's public API, which needs no key, as SourceTracks with their ISRC where Deezer gives it (a
 * track, an album's entries; a playlist's entries carry none). Short links are followed through the
 * Fetcher, which re-checks every redirect. The mirror plays the tracks from a playable source.
 */
import { finalUrlOf } from '../service-api/http';
import { capSkipped, DEFAULT_MAX_LIST_TRACKS, listOutcome, type Skipped } from '../service-api/lists';
import { DEFAULT_RATE_LIMIT_BUDGET_MS, WaitBudget, type RequestContext } from '../service-api/rate-limit';
import type { MetadataSource, ResolveOutcome, SourceTrack } from '../types';
import { apiUrl, deezerGet, nextUrl, type ApiOutcome, type DeezerApi } from './api';
import { Album, Page, Playlist, Track } from './codecs';
import { classifyLink, isDeezerUrl, isSitePage, pageUrl, type DeezerKind, type DeezerLink } from './links';
import { entryOf, toSourceTrack } from './tracks';
import { malformedAnswer, type ServiceApiDeps } from '../service-api/answers';

/** Entries asked per list page (Deezer's `limit`); default 100. Deezer's `next` links keep it. */
export const LIST_PAGE = 100;

export interface DeezerSourceDeps extends ServiceApiDeps {
  /** How long a quota error (code 4) is waited out; default DEFAULT_QUOTA_WAIT_MS (5 s). */
  readonly quotaWaitMs?: number;
}

type NotTracks = Exclude<ResolveOutcome, { kind: 'tracks' }>;

/** An answer that is not the item: not found is about the link, the rest about Deezer. */
function notOk(outcome: Exclude<ApiOutcome<unknown>, { kind: 'ok' }>, kind: DeezerKind): NotTracks {
  switch (outcome.kind) {
    case 'not-found':
      return { kind: 'unavailable', reason: `This Deezer ${kind} does not exist or was removed` };
    case 'error':
      return { kind: 'failed', reason: outcome.reason };
    case 'failed':
    case 'cancelled':
      return outcome;
  }
}

export function deezerSource(deps: DeezerSourceDeps): MetadataSource {
  const maxTracks = deps.maxListTracks ?? DEFAULT_MAX_LIST_TRACKS;
  const api: DeezerApi = {
    fetch: deps.fetch,
    clock: deps.clock,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    ...(deps.quotaWaitMs === undefined ? {} : { quotaWaitMs: deps.quotaWaitMs }),
  };

  async function resolveTrack(id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await deezerGet(api, apiUrl(`/track/${id}`), Track, ctx);
    if (answer.kind !== 'ok') return notOk(answer, 'track');
    return { kind: 'tracks', tracks: [toSourceTrack(answer.value)] };
  }

  /** A list's entries in order, page after page by Deezer's `next`, up to the cap. */
  async function entries(kind: DeezerKind, first: string, artwork: string | undefined, ctx: RequestContext): Promise<{ readonly tracks: SourceTrack[]; readonly skipped: Skipped[] } | NotTracks> {
    const tracks: SourceTrack[] = [];
    let next: string | undefined = first;
    let total: number | undefined;
    let read = 0;
    while (next !== undefined) {
      if (read >= maxTracks) return { tracks, skipped: [capSkipped(total === undefined ? undefined : Math.max(0, total - maxTracks), maxTracks)] };
      const page: ApiOutcome<Page> = await deezerGet(api, next, Page, ctx);
      if (page.kind !== 'ok') return notOk(page, kind);
      total = page.value.total ?? total;
      for (const value of page.value.data) {
        if (read >= maxTracks) break;
        read++;
        const entry = entryOf(value, artwork);
        if (entry.kind === 'malformed') return malformedAnswer('Deezer', `entry ${read}: ${entry.error}`);
        tracks.push(entry.track);
      }
      // An empty page ends the list whatever `next` says: no loop on a service that keeps saying "more".
      next = page.value.data.length === 0 ? undefined : nextUrl(page.value.next);
    }
    return { tracks, skipped: [] };
  }

  async function resolveAlbum(id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await deezerGet(api, apiUrl(`/album/${id}`), Album, ctx);
    if (answer.kind !== 'ok') return notOk(answer, 'album');
    const album = answer.value;
    const listed = await entries('album', apiUrl(`/album/${id}/tracks`, { limit: String(LIST_PAGE) }), album.cover_xl ?? album.cover_big ?? undefined, ctx);
    if (!('tracks' in listed)) return listed;
    return listOutcome(`the Deezer album "${album.title}"`, { url: pageUrl('album', album.id), title: album.title }, listed.tracks, listed.skipped);
  }

  async function resolvePlaylist(id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await deezerGet(api, apiUrl(`/playlist/${id}`), Playlist, ctx);
    if (answer.kind !== 'ok') return notOk(answer, 'playlist');
    const playlist = answer.value;
    const listed = await entries('playlist', apiUrl(`/playlist/${id}/tracks`, { limit: String(LIST_PAGE) }), undefined, ctx);
    if (!('tracks' in listed)) return listed;
    return listOutcome(`the Deezer playlist "${playlist.title}"`, { url: pageUrl('playlist', playlist.id), title: playlist.title }, listed.tracks, listed.skipped);
  }

  /** Follows a short link to the page it names. */
  async function expandShort(url: string, signal: AbortSignal | undefined): Promise<{ readonly link: DeezerLink } | NotTracks> {
    const answer = await finalUrlOf(deps.fetch, url, { signal, ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }) });
    const host = new URL(url).hostname;
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'status') return answer.status === 404 ? { kind: 'unavailable', reason: 'This Deezer short link leads nowhere' } : { kind: 'failed', reason: `${host} answered HTTP ${answer.status}` };
    if (answer.kind === 'failed') return { kind: 'failed', reason: `${host} could not be reached (${answer.reason})` };
    const target = new URL(answer.finalUrl);
    if (!isSitePage(target)) return { kind: 'unavailable', reason: 'This Deezer short link does not lead to a track, an album or a playlist' };
    return { link: classifyLink(target) };
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    let link = classifyLink(url);
    if (link.kind === 'short') {
      const expanded = await expandShort(link.url, signal);
      if (!('link' in expanded)) return expanded;
      link = expanded.link;
    }
    if (link.kind === 'short') return { kind: 'unavailable', reason: 'This Deezer short link leads to another short link' };
    if (link.kind === 'other') return { kind: 'unavailable', reason: `hiqty plays Deezer tracks, albums and playlists, and this is ${link.what}` };
    const ctx: RequestContext = { signal, budget: new WaitBudget(deps.rateLimitBudgetMs ?? DEFAULT_RATE_LIMIT_BUDGET_MS) };
    switch (link.kind) {
      case 'track':
        return resolveTrack(link.id, ctx);
      case 'album':
        return resolveAlbum(link.id, ctx);
      case 'playlist':
        return resolvePlaylist(link.id, ctx);
    }
  }

  return {
    name: 'deezer',
    label: 'Deezer',
    matches: isDeezerUrl,
    async resolve(url, { signal }) {
      try {
        return await resolve(url, signal);
      } catch (err) {
        // Belt and braces: a bug below is a failure with a reason, not a crash of the caller.
        deps.log.error({ err }, 'deezer: resolve threw');
        return { kind: 'failed', reason: `Deezer resolve failed unexpectedly (${err instanceof Error ? err.message : String(err)})` };
      }
    },
  };
}
