/**
 * A local Spotify (DESIGN.md §6 "Services"): accounts.spotify.com's token endpoint for the
 * client-credentials flow and api.spotify.com's tracks, albums and playlists with their pages, as
 * developer.spotify.com documents them. The product reaches it only through HIQTY_SERVICE_ORIGINS.
 *
 * Scripted behaviour: expireTokens() (every token issued so far answers 401), setAppMode('development')
 * (Spotify's February 2026 rules for a Development Mode app: a playlist it does not own is metadata
 * only, under `items`, and its entries answer 403), rateLimitNext() (429 with Retry-After), a
 * malformed track and a missing one in the catalog.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyOf, sendJson, Throttle } from '../answers';
import { listen, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import {
  LONG_ALBUM,
  LONG_ALBUM_TRACKS,
  MALFORMED_TRACK_ID,
  PLAYLISTS,
  SPOTIFY_CLIENT_ID,
  SPOTIFY_CLIENT_SECRET,
  TRACKS,
  WAVEFORMS_ALBUM,
  WAVEFORMS_TRACKS,
  type FakeSpotifyAlbum,
  type FakeSpotifyPlaylist,
  type FakeSpotifyTrack,
} from './catalog';
import { albumJson, pagingJson, playlistEntryJson, playlistJson, simplifiedTrackJson, trackJson } from './json';

export * from './catalog';

/** Extended Quota (the Web API as it was), or Development Mode under the February 2026 rules. */
export type SpotifyAppMode = 'extended' | 'development';

export interface SpotifyFake extends ServiceFake {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Token requests served (answered with a token or refused). */
  tokenRequests(): number;
  /** Every token issued so far answers 401 "The access token expired". */
  expireTokens(): void;
  setAppMode(mode: SpotifyAppMode): void;
  /** The next `count` api.spotify.com requests answer 429 with `Retry-After: retryAfterS`. */
  rateLimitNext(count: number, retryAfterS?: number): void;
}

const ID = /^[0-9A-Za-z]{22}$/;
const PLAYLIST_LIMIT = 100;
const ALBUM_LIMIT = 50;

function apiError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { status, message } });
}

/** `offset` and `limit` as Spotify reads them; undefined when out of range (a 400). */
function pageWindow(url: URL, max: number, fallback: number): { readonly offset: number; readonly limit: number } | undefined {
  const offset = Number(url.searchParams.get('offset') ?? '0');
  const limit = Number(url.searchParams.get('limit') ?? String(fallback));
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > max) return undefined;
  return { offset, limit };
}

export async function startSpotifyFake(): Promise<SpotifyFake> {
  const requests: ServiceRequest[] = [];
  const tracks = new Map<string, FakeSpotifyTrack>();
  for (const t of [...Object.values(TRACKS), ...WAVEFORMS_TRACKS, ...LONG_ALBUM_TRACKS]) tracks.set(t.id, t);
  for (const p of PLAYLISTS) for (const e of p.entries) if (e.kind === 'track') tracks.set(e.track.id, e.track);
  const albums = new Map<string, { readonly album: FakeSpotifyAlbum; readonly tracks: readonly FakeSpotifyTrack[] }>([
    [WAVEFORMS_ALBUM.id, { album: WAVEFORMS_ALBUM, tracks: WAVEFORMS_TRACKS }],
    [LONG_ALBUM.id, { album: LONG_ALBUM, tracks: LONG_ALBUM_TRACKS }],
  ]);
  const playlists = new Map<string, FakeSpotifyPlaylist>(PLAYLISTS.map((p) => [p.id, p]));
  const albumSize = (album: FakeSpotifyAlbum): number => albums.get(album.id)?.tracks.length ?? 1;

  const live = new Set<string>();
  const expired = new Set<string>();
  let tokenCount = 0;
  let mode: SpotifyAppMode = 'extended';
  const throttle = new Throttle((res, retryAfterS) => sendJson(res, 429, { error: { status: 429, message: 'API rate limit exceeded' } }, { 'retry-after': String(retryAfterS) }));

  // --- accounts.spotify.com
  const accounts = await listen('accounts.spotify.com', requests, async (req, res, url) => {
    if (url.pathname !== '/api/token') return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
    tokenCount++;
    const form = new URLSearchParams(await bodyOf(req));
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Missing or invalid content type' });
    if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type parameter is missing' });
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic === undefined ? [form.get('client_id'), form.get('client_secret')] : Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (id !== SPOTIFY_CLIENT_ID) return sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid client' });
    if (secret !== SPOTIFY_CLIENT_SECRET) return sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid client secret' });
    const token = `BQ${randomBytes(48).toString('base64url')}`;
    live.add(token);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  });

  // --- api.spotify.com
  const api = await listen('api.spotify.com', requests, (req, res, url) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) return apiError(res, 401, 'No token provided');
    if (expired.has(bearer)) return apiError(res, 401, 'The access token expired');
    if (!live.has(bearer)) return apiError(res, 401, 'Invalid access token');
    if (throttle.take(res)) return;
    return route(req, res, url);
  });

  function route(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    const m = /^\/v1\/(tracks|albums|playlists)\/([^/]+)(?:\/(tracks|items))?$/.exec(url.pathname);
    if (m === null) return apiError(res, 404, 'Service not found');
    const [, kind, id = '', sub] = m;
    if (!ID.test(id)) return apiError(res, 400, 'Invalid base62 id');
    if (kind === 'tracks' && sub === undefined) return sendTrack(res, id);
    if (kind === 'albums') return sendAlbum(res, url, id, sub);
    if (kind === 'playlists') return sendPlaylist(res, url, id, sub);
    apiError(res, 404, 'Service not found');
  }

  function sendTrack(res: ServerResponse, id: string): void {
    if (id === MALFORMED_TRACK_ID) return sendJson(res, 200, { id, name: 42, duration_ms: 'long', type: 'track' });
    const track = tracks.get(id);
    if (track === undefined) return apiError(res, 404, 'Resource not found');
    sendJson(res, 200, trackJson(track, albumSize(track.album)));
  }

  function sendAlbum(res: ServerResponse, url: URL, id: string, sub: string | undefined): void {
    const album = albums.get(id);
    if (album === undefined || sub === 'items') return apiError(res, 404, 'Resource not found');
    const page = sub === undefined ? { offset: 0, limit: ALBUM_LIMIT } : pageWindow(url, ALBUM_LIMIT, 20);
    if (page === undefined) return apiError(res, 400, 'Invalid limit');
    const items = album.tracks.slice(page.offset, page.offset + page.limit).map((t, i) => simplifiedTrackJson(t, page.offset + i + 1));
    const paging = pagingJson(`/albums/${id}/tracks`, items, page.offset, page.limit, album.tracks.length);
    sendJson(res, 200, sub === undefined ? albumJson(album.album, paging, album.tracks.length) : paging);
  }

  function sendPlaylist(res: ServerResponse, url: URL, id: string, sub: string | undefined): void {
    const playlist = playlists.get(id);
    if (playlist === undefined) return apiError(res, 404, 'Resource not found');
    // A Development Mode app reads only its own user's playlists, and client credentials have no user.
    if (mode === 'development') return sub === undefined ? sendJson(res, 200, playlistJson(playlist, undefined, 'items')) : apiError(res, 403, 'Forbidden');
    const types = url.searchParams.get('additional_types') ?? '';
    const episodes = types.split(',').includes('episode');
    const extra = types === '' ? '' : `&additional_types=${encodeURIComponent(types)}`;
    const page = sub === undefined ? { offset: 0, limit: PLAYLIST_LIMIT } : pageWindow(url, PLAYLIST_LIMIT, PLAYLIST_LIMIT);
    if (page === undefined) return apiError(res, 400, 'Invalid limit');
    const items = playlist.entries.slice(page.offset, page.offset + page.limit).map((e, i) => playlistEntryJson(e, page.offset + i, episodes, albumSize));
    const paging = pagingJson(`/playlists/${id}/tracks`, items, page.offset, page.limit, playlist.entries.length, extra);
    sendJson(res, 200, sub === undefined ? playlistJson(playlist, paging, 'tracks') : paging);
  }

  const listeners: Listener[] = [accounts, api];
  return {
    origins: { 'accounts.spotify.com': accounts.origin, 'api.spotify.com': api.origin },
    allow: listeners.map((l) => l.hostPort),
    requests,
    clientId: SPOTIFY_CLIENT_ID,
    clientSecret: SPOTIFY_CLIENT_SECRET,
    tokenRequests: () => tokenCount,
    expireTokens() {
      for (const t of live) expired.add(t);
    },
    setAppMode(m) {
      mode = m;
    },
    rateLimitNext(count, retryAfterS = 1) {
      throttle.next(count, retryAfterS);
    },
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
