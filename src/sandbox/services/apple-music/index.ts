/**
 * A local Apple Music (DESIGN.md §6 "Services"): music.apple.com's page and app bundle (where the web
 * player's developer token is found) and amp-api.music.apple.com's catalog (songs, albums, playlists
 * and their `tracks` pages), which wants that token and the player's Origin. Built from Apple's API
 * reference and what maintained clients observe; the product reaches it only through
 * HIQTY_SERVICE_ORIGINS.
 *
 * Scripted behaviour: rotateToken() (a new deploy: the old token answers 401; with `bundle: 'stale'`
 * the site keeps serving the old one), rateLimitNext() (429 with Retry-After), and catalog entries
 * that are missing (404), malformed, or not in the storefront (no attributes).
 */
import type { ServerResponse } from 'node:http';
import { sendJson, sendText, Throttle } from '../answers';
import { listen, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { LONG_PLAYLIST, MALFORMED_SONG_ID, SONGS_BY_ID, STOREFRONT, WAVEFORMS, type FakeAppleAlbum, type FakeApplePlaylist } from './catalog';
import { albumJson, entryJson, errorsJson, playlistJson, songJson, tracksPageJson } from './json';
import { appBundle, bundleNames, fillerBundle, makeDeveloperToken, sitePage } from './site';

export * from './catalog';

/** How long the fake's tokens live: about what Apple's do (months); default 70 days. */
const TOKEN_LIFETIME_MS = 70 * 24 * 3600_000;
/** Entries per `tracks` page of a playlist, as amp-api pages them. */
const PLAYLIST_PAGE = 100;
const PLAYER_ORIGIN = 'https://music.apple.com';

export interface AppleMusicFake extends ServiceFake {
  /** The developer token amp-api accepts now. */
  readonly token: string;
  /** A new deploy with a new token: the old one answers 401. `bundle: 'stale'` keeps serving the old token. */
  rotateToken(options?: { readonly bundle?: 'fresh' | 'stale' }): { readonly old: string; readonly current: string };
  /** The next `count` amp-api requests answer 429 with `Retry-After: retryAfterS`. */
  rateLimitNext(count: number, retryAfterS?: number): void;
  /** Requests for music.apple.com's page: one per token discovery. */
  scrapes(): number;
}

export async function startAppleMusicFake(): Promise<AppleMusicFake> {
  const requests: ServiceRequest[] = [];
  let deploy = 1;
  let current = makeDeveloperToken(Date.now(), TOKEN_LIFETIME_MS);
  let served = current;
  const albums = new Map<string, FakeAppleAlbum>([[WAVEFORMS.id, WAVEFORMS]]);
  const playlists = new Map<string, FakeApplePlaylist>([[LONG_PLAYLIST.id, LONG_PLAYLIST]]);
  const throttle = new Throttle((res, retryAfterS) => sendJson(res, 429, errorsJson(429, 'Too Many Requests', 'Rate limit exceeded'), { 'retry-after': String(retryAfterS) }));

  // --- music.apple.com
  const site = await listen('music.apple.com', requests, (_req, res, url) => {
    const names = bundleNames(deploy);
    if (url.pathname === '/' || /^\/[a-z]{2}\/?$/.test(url.pathname)) return sendText(res, 200, 'text/html; charset=utf-8', sitePage(deploy));
    if (url.pathname === `/assets/${names.app}`) return sendText(res, 200, 'text/javascript', appBundle(served));
    if (url.pathname === `/assets/${names.vendor}` || url.pathname === `/assets/${names.legacy}`) return sendText(res, 200, 'text/javascript', fillerBundle(url.pathname));
    sendText(res, 404, 'text/html', '<h1>Not Found</h1>');
  });

  // --- amp-api.music.apple.com
  const api = await listen('amp-api.music.apple.com', requests, (req, res, url) => {
    // A token is only good with the player's Origin; amp-api answers 401 with no body otherwise.
    if (req.headers.authorization !== `Bearer ${current}` || req.headers.origin !== PLAYER_ORIGIN) return void res.writeHead(401, { 'content-length': 0 }).end();
    if (throttle.take(res)) return;
    route(res, url);
  });

  function notFound(res: ServerResponse): void {
    sendJson(res, 404, errorsJson(404, 'Resource Not Found', 'Resource with requested id was not found'));
  }

  function route(res: ServerResponse, url: URL): void {
    const m = /^\/v1\/catalog\/([a-z]{2})\/(songs|albums|playlists)\/([^/]+)(\/tracks)?$/.exec(url.pathname);
    if (m === null) return notFound(res);
    const [, storefront, kind, id = '', tracks] = m;
    if (storefront !== STOREFRONT) return notFound(res);
    const base = `/v1/catalog/${storefront}/${kind}/${id}/tracks`;
    if (kind === 'songs' && tracks === undefined) {
      if (id === MALFORMED_SONG_ID) return sendJson(res, 200, { data: [{ id, type: 'songs', attributes: { name: 7, durationInMillis: 'long' } }] });
      const song = SONGS_BY_ID.get(id);
      return song === undefined ? notFound(res) : sendJson(res, 200, { data: [songJson(song)] });
    }
    if (kind === 'albums') {
      const album = albums.get(id);
      if (album === undefined) return notFound(res);
      if (tracks === undefined) return sendJson(res, 200, { data: [albumJson(album)] });
      const offset = Number(url.searchParams.get('offset') ?? '0') || 0;
      return sendJson(res, 200, tracksPageJson(base, album.songs.slice(offset, offset + 300).map(songJson), offset, 300, album.songs.length));
    }
    if (kind === 'playlists') {
      const playlist = playlists.get(id);
      if (playlist === undefined) return notFound(res);
      const offset = tracks === undefined ? 0 : Number(url.searchParams.get('offset') ?? '0') || 0;
      const page = tracksPageJson(base, playlist.entries.slice(offset, offset + PLAYLIST_PAGE).map(entryJson), offset, PLAYLIST_PAGE, playlist.entries.length);
      return sendJson(res, 200, tracks === undefined ? { data: [playlistJson(playlist, page)] } : page);
    }
    notFound(res);
  }

  const listeners: Listener[] = [site, api];
  return {
    origins: { 'music.apple.com': site.origin, 'amp-api.music.apple.com': api.origin },
    allow: listeners.map((l) => l.hostPort),
    requests,
    get token() {
      return current;
    },
    rotateToken({ bundle = 'fresh' } = {}) {
      const old = current;
      current = makeDeveloperToken(Date.now(), TOKEN_LIFETIME_MS);
      if (bundle === 'fresh') {
        served = current;
        deploy++;
      }
      return { old, current };
    },
    rateLimitNext(count, retryAfterS = 1) {
      throttle.next(count, retryAfterS);
    },
    scrapes: () => requests.filter((r) => r.host === 'music.apple.com' && r.path === '/').length,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
