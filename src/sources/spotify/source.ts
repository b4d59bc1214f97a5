/**
 * Spotify links as metadata (DESIGN.md §6 "Services"; issue 15): tracks, albums and playlists read from
 * the Web API with the client-credentials flow, as SourceTracks with their ISRC where Spotify gives it
 * (a track's `external_ids`; an album's entries carry none). The mirror plays them from a playable
 * source. Without HIQTY_SPOTIFY_CLIENT_ID and HIQTY_SPOTIFY_CLIENT_SECRET every Spotify link is refused
 * with a reason that tells the operator what to set.
 *
 * Known limit: since Spotify's February 2026 changes an app in Development Mode may read a playlist's
 * entries only if its user owns the playlist, and the client-credentials flow has no user: such an app
 * resolves tracks and albums, and a playlist is `unavailable` with that reason. An app with Extended
 * Quota reads playlists as before.
 */
import { capSkipped, DEFAULT_MAX_LIST_TRACKS, listOutcome, type Skipped } from '../service-api/lists';
import { WaitBudget, DEFAULT_RATE_LIMIT_BUDGET_MS } from '../service-api/rate-limit';
import type { MetadataSource, ResolveOutcome, SourceTrack, TokenStore } from '../types';
import { bearerGet, type ApiOutcome, type BearerApi, type RequestContext } from '../service-api/bearer-api';
import { apiUrl, errorMessage } from './api';
import { Album, Page, Playlist, Track } from './codecs';
import { classifyLink, isSpotifyUrl, pageUrl, type SpotifyKind } from './links';
import { spotifyAccessToken, type SpotifyCredentials } from './token';
import { largestImage, playlistEntry, songOf, type Entry } from './tracks';
import { malformedAnswer, type ServiceApiDeps } from '../service-api/answers';

/** Entries per playlist page; Spotify's largest (default 100). */
export const PLAYLIST_PAGE = 100;
/** Entries per album page; Spotify's largest (default 50). */
export const ALBUM_PAGE = 50;

export const MISSING_CREDENTIALS_REASON =
  "Spotify links need a Spotify app's client credentials, which this bot does not have: the bot's operator must set HIQTY_SPOTIFY_CLIENT_ID and HIQTY_SPOTIFY_CLIENT_SECRET (from developer.spotify.com's dashboard)";
export const DEVELOPMENT_MODE_REASON =
  "Spotify does not let this bot read the playlist's tracks: since February 2026 an app in Development Mode may only read playlists its own user owns. The bot's operator needs a Spotify app with Extended Quota; albums and tracks still work";

export interface SpotifySourceDeps extends ServiceApiDeps {
  /** Unset: every Spotify link is refused with MISSING_CREDENTIALS_REASON. */
  readonly credentials: SpotifyCredentials | undefined;
  readonly tokens: TokenStore;
}

type NotTracks = Exclude<ResolveOutcome, { kind: 'tracks' }>;

const malformed = (error: string): NotTracks => malformedAnswer('Spotify', error);

/** A non-2xx for an item: 404 and 400 (an id Spotify does not know) are about the link, the rest about Spotify. */
function statusOutcome(outcome: Extract<ApiOutcome<unknown>, { kind: 'status' }>, kind: SpotifyKind): NotTracks {
  if (outcome.status === 404 || outcome.status === 400) return { kind: 'unavailable', reason: `This Spotify ${kind} does not exist or is not public` };
  if (outcome.status === 403) return { kind: 'unavailable', reason: `Spotify does not let this bot read this ${kind}${outcome.message === undefined ? '' : ` (${outcome.message})`}` };
  return { kind: 'failed', reason: `Spotify answered HTTP ${outcome.status}${outcome.message === undefined ? '' : ` (${outcome.message})`}` };
}

export function spotifySource(deps: SpotifySourceDeps): MetadataSource {
  const maxTracks = deps.maxListTracks ?? DEFAULT_MAX_LIST_TRACKS;
  const credentials = deps.credentials;
  const timeout = deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs };
  const api: BearerApi | undefined =
    credentials === undefined
      ? undefined
      : {
          label: 'Spotify',
          source: 'spotify',
          fetch: deps.fetch,
          token: spotifyAccessToken({ fetch: deps.fetch, credentials, tokens: deps.tokens, clock: deps.clock, log: deps.log, ...timeout }),
          clock: deps.clock,
          log: deps.log,
          errorMessage,
          ...timeout,
        };

  async function resolveTrack(api: BearerApi, id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await bearerGet(api, apiUrl(`/tracks/${id}`), Track, ctx);
    if (answer.kind === 'status') return statusOutcome(answer, 'track');
    if (answer.kind !== 'ok') return answer;
    const entry = songOf(answer.value, false);
    if (entry.kind === 'malformed') return malformed(entry.error);
    if (entry.kind === 'skipped') return { kind: 'unavailable', reason: `This Spotify link is ${entry.skipped.reason}` };
    return { kind: 'tracks', tracks: [entry.track] };
  }

  /** Reads entries in order until the cap: `first` (embedded in the album or playlist), then pages from its end. */
  async function collect(
    api: BearerApi,
    first: { readonly items: readonly unknown[]; readonly next: boolean; readonly total: number | undefined } | undefined,
    pageAt: (offset: number) => string,
    read: (value: unknown, position: number) => Entry,
    kind: SpotifyKind,
    ctx: RequestContext,
  ): Promise<{ readonly tracks: SourceTrack[]; readonly skipped: Skipped[] } | NotTracks> {
    const tracks: SourceTrack[] = [];
    const skipped: Skipped[] = [];
    let position = 0;
    let total = first?.total;
    let items = first?.items;
    let more = first === undefined || first.next;
    let cut = false;
    for (;;) {
      for (const value of items ?? []) {
        if (position >= maxTracks) {
          cut = true;
          break;
        }
        const entry = read(value, position++);
        if (entry.kind === 'malformed') return malformed(`entry ${position}: ${entry.error}`);
        if (entry.kind === 'song') tracks.push(entry.track);
        else skipped.push(entry.skipped);
      }
      if (!more || cut) break;
      if (position >= maxTracks) {
        cut = true;
        break;
      }
      const page: ApiOutcome<Page> = await bearerGet(api, pageAt(position), Page, ctx);
      if (page.kind === 'status') return page.status === 403 && kind === 'playlist' ? { kind: 'unavailable', reason: DEVELOPMENT_MODE_REASON } : statusOutcome(page, kind);
      if (page.kind !== 'ok') return page;
      items = page.value.items;
      total = page.value.total ?? total;
      // An empty page ends the list whatever `next` says: no loop on a service that keeps saying "more".
      more = page.value.next !== null && page.value.next !== undefined && items.length > 0;
    }
    if (cut) skipped.push(capSkipped(total === undefined ? undefined : Math.max(0, total - maxTracks), maxTracks));
    return { tracks, skipped };
  }

  async function resolveAlbum(api: BearerApi, id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await bearerGet(api, apiUrl(`/albums/${id}`), Album, ctx);
    if (answer.kind === 'status') return statusOutcome(answer, 'album');
    if (answer.kind !== 'ok') return answer;
    const album = answer.value;
    const artwork = largestImage(album.images);
    const embedded = album.tracks === undefined ? undefined : { items: album.tracks.items, next: album.tracks.next !== null && album.tracks.next !== undefined, total: album.tracks.total ?? album.total_tracks };
    const listed = await collect(
      api,
      embedded,
      (offset) => apiUrl(`/albums/${id}/tracks`, { offset: String(offset), limit: String(ALBUM_PAGE) }),
      (value) => songOf(value, false, artwork),
      'album',
      ctx,
    );
    if (!('tracks' in listed)) return listed;
    return listOutcome(`the Spotify album "${album.name}"`, { url: pageUrl('album', album.id), title: album.name }, listed.tracks, listed.skipped);
  }

  async function resolvePlaylist(api: BearerApi, id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await bearerGet(api, apiUrl(`/playlists/${id}`, { additional_types: 'track,episode' }), Playlist, ctx);
    if (answer.kind === 'status') return statusOutcome(answer, 'playlist');
    if (answer.kind !== 'ok') return answer;
    const playlist = answer.value;
    // `tracks`, or `items` after the February 2026 rename; without entries it is a summary (metadata only).
    const summary = playlist.tracks ?? playlist.items;
    const embedded = summary?.items === undefined ? undefined : { items: summary.items, next: summary.next !== null && summary.next !== undefined, total: summary.total };
    const listed = await collect(
      api,
      embedded,
      (offset) => apiUrl(`/playlists/${id}/tracks`, { offset: String(offset), limit: String(PLAYLIST_PAGE), additional_types: 'track,episode' }),
      playlistEntry,
      'playlist',
      ctx,
    );
    if (!('tracks' in listed)) return listed;
    return listOutcome(`the Spotify playlist "${playlist.name}"`, { url: pageUrl('playlist', playlist.id), title: playlist.name }, listed.tracks, listed.skipped);
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const link = classifyLink(url);
    if (link.kind === 'other') return { kind: 'unavailable', reason: `hiqty plays Spotify tracks, albums and playlists, and this is ${link.what}` };
    if (api === undefined) return { kind: 'refused', reason: MISSING_CREDENTIALS_REASON };
    const ctx: RequestContext = { signal, budget: new WaitBudget(deps.rateLimitBudgetMs ?? DEFAULT_RATE_LIMIT_BUDGET_MS) };
    switch (link.kind) {
      case 'track':
        return resolveTrack(api, link.id, ctx);
      case 'album':
        return resolveAlbum(api, link.id, ctx);
      case 'playlist':
        return resolvePlaylist(api, link.id, ctx);
    }
  }

  return {
    name: 'spotify',
    label: 'Spotify',
    matches: isSpotifyUrl,
    async resolve(url, { signal }) {
      try {
        return await resolve(url, signal);
      } catch (err) {
        // Belt and braces: a bug below is a failure with a reason, not a crash of the caller.
        deps.log.error({ err }, 'spotify: resolve threw');
        return { kind: 'failed', reason: `Spotify resolve failed unexpectedly (${err instanceof Error ? err.message : String(err)})` };
      }
    },
  };
}
