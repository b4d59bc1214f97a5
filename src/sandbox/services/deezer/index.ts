/**
 * A local Deezer (DESIGN.md §6 "Services"): api.deezer.com's public API (track, album, playlist and
 * their /tracks lists paged by `next`), www.deezer.com's pages where short links end, and the short-link
 * hosts link.deezer.com and deezer.page.link. As Deezer does, the API answers errors with HTTP 200 and an
 * error object. The product reaches it only through HIQTY_SERVICE_ORIGINS.
 *
 * Scripted behaviour: rateLimitNext() (429 with Retry-After), quotaNext() (Deezer's own quota error,
 * code 4, with HTTP 200), and catalog ids that are missing (error 800) or malformed.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, sendText, Throttle } from '../answers';
import { listen, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { deezerUrl, LONG_PLAYLIST, MALFORMED_TRACK_ID, PAGE_LINK_CODE, RICKROLL, SHARE_LINK_CODE, WAVEFORMS, type FakeDeezerAlbum, type FakeDeezerPlaylist, type FakeDeezerTrack } from './catalog';
import { albumEntryJson, albumJson, errorJson, listJson, playlistEntryJson, playlistJson, trackJson } from './json';

export * from './catalog';

/** A list's page size when `limit` is not given, and the most it may ask: Deezer's 25, and 100 here. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

export interface DeezerFake extends ServiceFake {
  /** The next `count` api.deezer.com requests answer 429 with `Retry-After: retryAfterS`. */
  rateLimitNext(count: number, retryAfterS?: number): void;
  /** The next `count` api.deezer.com requests answer Deezer's quota error (HTTP 200, code 4). */
  quotaNext(count: number): void;
}

function noData(res: ServerResponse): void {
  sendJson(res, 200, errorJson(800, 'DataException', 'no data'));
}

export async function startDeezerFake(): Promise<DeezerFake> {
  const requests: ServiceRequest[] = [];
  const tracks = new Map<number, FakeDeezerTrack>([RICKROLL, ...WAVEFORMS.tracks, ...LONG_PLAYLIST.tracks].map((t) => [t.id, t]));
  const albums = new Map<number, FakeDeezerAlbum>([[WAVEFORMS.id, WAVEFORMS]]);
  const playlists = new Map<number, FakeDeezerPlaylist>([[LONG_PLAYLIST.id, LONG_PLAYLIST]]);
  const tooMany = new Throttle((res, retryAfterS) => sendJson(res, 429, errorJson(4, 'Exception', 'Quota limit exceeded'), { 'retry-after': String(retryAfterS) }));
  const quota = new Throttle((res) => sendJson(res, 200, errorJson(4, 'Exception', 'Quota limit exceeded')));

  // --- api.deezer.com
  const api = await listen('api.deezer.com', requests, (_req, res, url) => {
    if (tooMany.take(res) || quota.take(res)) return;
    const m = /^\/(track|album|playlist)\/(\d+)(\/tracks)?$/.exec(url.pathname);
    if (m === null) return noData(res);
    const [, kind, idText = '', list] = m;
    const id = Number(idText);
    const index = Math.max(0, Number(url.searchParams.get('index') ?? '0') || 0);
    const limit = Math.min(MAX_LIMIT, Math.max(1, Number(url.searchParams.get('limit') ?? String(DEFAULT_LIMIT)) || DEFAULT_LIMIT));
    if (kind === 'track' && list === undefined) {
      if (id === MALFORMED_TRACK_ID) return sendJson(res, 200, { id: String(id), title: null, duration: 'long' });
      const track = tracks.get(id);
      return track === undefined ? noData(res) : sendJson(res, 200, trackJson(track));
    }
    if (kind === 'album') {
      const album = albums.get(id);
      if (album === undefined) return noData(res);
      if (list === undefined) return sendJson(res, 200, albumJson(album));
      const page = album.tracks.slice(index, index + limit).map((t, i) => albumEntryJson(t, index + i + 1));
      return sendJson(res, 200, listJson(`/album/${id}/tracks`, page, index, limit, album.tracks.length));
    }
    if (kind === 'playlist') {
      const playlist = playlists.get(id);
      if (playlist === undefined) return noData(res);
      if (list === undefined) return sendJson(res, 200, playlistJson(playlist));
      const page = playlist.tracks.slice(index, index + limit).map(playlistEntryJson);
      return sendJson(res, 200, { ...listJson(`/playlist/${id}/tracks`, page, index, limit, playlist.tracks.length), checksum: 'a1b2c3d4' });
    }
    noData(res);
  });

  // --- www.deezer.com (and deezer.com): where short links end; any page is a page.
  const site = await listen('www.deezer.com', requests, (_req, res) => sendText(res, 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Deezer</title></head><body></body></html>'));

  // --- the short-link hosts
  const pageLink = await listen('deezer.page.link', requests, (_req, res, url) => {
    if (url.pathname !== `/${PAGE_LINK_CODE}`) return sendText(res, 404, 'text/html', '<h1>Dynamic Link Not Found</h1>');
    res.writeHead(302, { location: `${deezerUrl('track', RICKROLL.id, 'us')}?deferredFl=1` }).end();
  });
  const shareLink = await listen('link.deezer.com', requests, (_req, res, url) => {
    if (url.pathname !== `/s/${SHARE_LINK_CODE}`) return sendText(res, 404, 'text/html', '<h1>Not Found</h1>');
    res.writeHead(302, { location: `${deezerUrl('album', WAVEFORMS.id, 'fr')}?host=0&utm_campaign=clipboard-generic&utm_source=user_sharing&utm_medium=desktop` }).end();
  });

  const listeners: Listener[] = [api, site, pageLink, shareLink];
  return {
    origins: { 'api.deezer.com': api.origin, 'www.deezer.com': site.origin, 'deezer.com': site.origin, 'deezer.page.link': pageLink.origin, 'link.deezer.com': shareLink.origin },
    allow: listeners.map((l) => l.hostPort),
    requests,
    rateLimitNext(count, retryAfterS = 1) {
      tooMany.next(count, retryAfterS);
    },
    quotaNext(count) {
      quota.next(count);
    },
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
