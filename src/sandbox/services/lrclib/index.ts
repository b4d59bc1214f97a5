/**
 * A local LRCLIB (lrclib.net's public API, as documented at lrclib.net/docs and as maintained clients
 * call it): `GET /api/get?track_name&artist_name[&album_name][&duration]` answers the one record whose
 * title and artist match (case-insensitive) and, when `duration` (seconds) is given, whose length is
 * within ±2 s, or 404 `{"code":404,"name":"TrackNotFound","message":"Failed to find specified track"}`;
 * a missing track_name or artist_name is 400. `GET /api/search?q=` (words in title, artist or album) or
 * `?track_name=[&artist_name=]` answers an array of records (empty when nothing matches); neither is 400.
 * The product reaches it only through HIQTY_SERVICE_ORIGINS.
 *
 * Scripted: MALFORMED_TITLE answers a body of the wrong shape; failNext() answers 500s.
 */
import { sendJson } from '../answers';
import { listen } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { artistOf, LYRICS, MALFORMED_TITLE, type FakeLyrics } from './catalog';

export * from './catalog';

/** LRCLIB matches a length within this many seconds. */
const DURATION_TOLERANCE_S = 2;

export interface LrclibFake extends ServiceFake {
  /** The next `count` requests answer HTTP 500. */
  failNext(count: number): void;
  /** User-Agent headers seen, oldest first. */
  readonly userAgents: readonly string[];
}

function recordJson(l: FakeLyrics): unknown {
  return {
    id: l.id,
    name: l.song.title,
    trackName: l.song.title,
    artistName: artistOf(l),
    albumName: l.albumName,
    duration: l.song.durationMs / 1000,
    instrumental: l.instrumental,
    plainLyrics: l.plainLyrics,
    syncedLyrics: l.syncedLyrics,
  };
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

function badRequest(message: string): unknown {
  return { code: 400, name: 'ValidationError', message };
}

export async function startLrclibFake(): Promise<LrclibFake> {
  const requests: ServiceRequest[] = [];
  const userAgents: string[] = [];
  const all: readonly FakeLyrics[] = Object.values(LYRICS);
  let failing = 0;

  const api = await listen('lrclib.net', requests, (req, res, url) => {
    userAgents.push(req.headers['user-agent'] ?? '');
    if (failing > 0) {
      failing--;
      return sendJson(res, 500, { code: 500, name: 'InternalServerError', message: 'scripted failure' });
    }
    const p = url.searchParams;
    const trackName = p.get('track_name');
    const artistName = p.get('artist_name');
    const albumName = p.get('album_name');
    if (trackName !== null && fold(trackName) === fold(MALFORMED_TITLE)) return sendJson(res, 200, url.pathname === '/api/search' ? [{ id: 'x', lyrics: true }] : { id: 'x', trackName: 42 });
    if (url.pathname === '/api/get') {
      if (trackName === null || artistName === null) return sendJson(res, 400, badRequest('track_name and artist_name are required'));
      const durationText = p.get('duration');
      const duration = durationText === null ? undefined : Number(durationText);
      const found = all.find(
        (l) =>
          fold(l.song.title) === fold(trackName) &&
          fold(artistOf(l)) === fold(artistName) &&
          (albumName === null || fold(l.albumName) === fold(albumName)) &&
          (duration === undefined || Math.abs(l.song.durationMs / 1000 - duration) <= DURATION_TOLERANCE_S),
      );
      if (found === undefined) return sendJson(res, 404, { code: 404, name: 'TrackNotFound', message: 'Failed to find specified track' });
      return sendJson(res, 200, recordJson(found));
    }
    if (url.pathname === '/api/search') {
      const q = p.get('q');
      if (q === null && trackName === null) return sendJson(res, 400, badRequest('q or track_name is required'));
      const matches = all.filter((l) => {
        if (q !== null) {
          const hay = fold(`${l.song.title} ${artistOf(l)} ${l.albumName}`);
          return fold(q).split(' ').every((w) => hay.includes(w));
        }
        return (
          trackName !== null &&
          fold(l.song.title).includes(fold(trackName)) &&
          (artistName === null || fold(artistOf(l)).includes(fold(artistName))) &&
          (albumName === null || fold(l.albumName).includes(fold(albumName)))
        );
      });
      return sendJson(res, 200, matches.map(recordJson));
    }
    sendJson(res, 404, { code: 404, name: 'NotFound', message: 'Not found' });
  });

  return {
    origins: { 'lrclib.net': api.origin },
    allow: [api.hostPort],
    requests,
    userAgents,
    failNext(count) {
      failing = count;
    },
    stop: () => api.stop(),
  };
}
