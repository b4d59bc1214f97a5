/**
 * A local Bandcamp (DESIGN.md §6 "Services"): artists' sites (`{artist}.bandcamp.com`, track and album
 * pages carrying the player's `data-tralbum`), bandcamp.com's search box endpoint, and t4.bcbits.com's
 * signed MP3 streams (ffmpeg-made tones), each real host on a loopback listener of its own: a request
 * reaches a listener with the listener's own Host, so an artist's site is told apart by its listener.
 * Built from Bandcamp's observed behaviour; the product reaches it only through HIQTY_SERVICE_ORIGINS.
 *
 * Scripted failures: expireStreams() (every stream URL handed out so far answers 410), setSearchMode()
 * for a failing or malformed search, and catalog pages that are removed (404), have no player data, or
 * hold broken JSON; an unknown artist's site answers 404 for everything.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeTone } from '../../fixtures/tones';
import { listen, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { ALBUMS, ALL_TRACKS, BANDS, TROUBLE, albumOf, albumUrl, artIdOf, siteUrl, trackUrl, type FakeBand } from './catalog';
import { albumTralbum, NOT_FOUND_HTML, pageHtml, trackTralbum, type PageTiming } from './pages';
import { SEARCH_PATH, searchAnswer } from './search';
import { DEFAULT_STREAM_LIFETIME_MS, STREAM_HOST, sendMp3, streamSigner } from './streams';

export * from './catalog';
export { STREAM_HOST } from './streams';
export { SEARCH_PATH } from './search';

/** How the search endpoint behaves: `failing` answers 503, `malformed` 200 with JSON cut short. */
export type BandcampSearchMode = 'ok' | 'failing' | 'malformed';

export interface BandcampFakeOptions {
  /** Where the tones are made and cached. */
  readonly dir: string;
  /** Each tone's length (and every track's duration on its page); default 6000 ms. */
  readonly toneMs?: number;
  /** How long a stream URL serves after its page was read; default a day (DEFAULT_STREAM_LIFETIME_MS). */
  readonly streamLifetimeMs?: number;
}

export interface BandcampFake extends ServiceFake {
  /** Bandcamp's signing session rotates: every stream URL handed out so far answers 410 Gone from now on. */
  expireStreams(): void;
  setSearchMode(mode: BandcampSearchMode): void;
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendText(res, status, 'text/html; charset=utf-8', html);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBandcampFake(options: BandcampFakeOptions): Promise<BandcampFake> {
  const timing: PageTiming = { toneMs: options.toneMs ?? 6000 };
  const signer = streamSigner(options.streamLifetimeMs ?? DEFAULT_STREAM_LIFETIME_MS);
  const streams = (track: { readonly id: number }): string => signer.urlFor(track.id);
  const mp3s = new Map<number, string>();
  for (const track of ALL_TRACKS) {
    if (track.streamable) mp3s.set(track.id, await makeTone({ hz: track.hz, durationMs: timing.toneMs, format: 'mp3', dir: options.dir }));
  }
  const requests: ServiceRequest[] = [];
  let searchMode: BandcampSearchMode = 'ok';

  /** One artist's site: its track and album pages (and the scripted trouble on Sine Collective's). */
  function artistSite(band: FakeBand) {
    return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
      const page = `${siteUrl(band)}${url.pathname.replace(/\/+$/, '')}`;
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendHtml(res, 405, NOT_FOUND_HTML);
      if (page === TROUBLE.noTralbum) return sendHtml(res, 200, pageHtml({ title: 'No Player', band, url: page, artId: 0, album: undefined, tralbumText: undefined }));
      if (page === TROUBLE.malformed) return sendHtml(res, 200, pageHtml({ title: 'Garbled', band, url: page, artId: 0, album: undefined, tralbumText: '{"current":{"title":"Garbled","type":"album"},"trackinfo":[{"title":"Cut sh' }));
      const album = ALBUMS.find((a) => albumUrl(a) === page);
      if (album !== undefined) {
        const tralbumText = JSON.stringify(albumTralbum(album, streams, timing));
        return sendHtml(res, 200, pageHtml({ title: album.title, band, url: page, artId: album.artId, album, tralbumText }));
      }
      const track = ALL_TRACKS.find((t) => trackUrl(t) === page);
      if (track !== undefined) {
        const tralbumText = JSON.stringify(trackTralbum(track, streams, timing));
        return sendHtml(res, 200, pageHtml({ title: track.title, band, url: page, artId: artIdOf(track), album: albumOf(track), tralbumText }));
      }
      if (url.pathname === '/') return sendHtml(res, 200, pageHtml({ title: band.name, band, url: siteUrl(band), artId: 0, album: undefined, tralbumText: undefined }));
      sendHtml(res, 404, NOT_FOUND_HTML);
    };
  }

  const sites = await Promise.all(BANDS.map(async (band) => ({ band, listener: await listen(`${band.subdomain}.bandcamp.com`, requests, artistSite(band)) })));
  // Any other artist's site: no such artist.
  const nobody = await listen('*.bandcamp.com', requests, (_req, res) => sendHtml(res, 404, NOT_FOUND_HTML));

  // --- bandcamp.com: the search box's endpoint
  const site = await listen('bandcamp.com', requests, async (req, res, url) => {
    if (url.pathname !== SEARCH_PATH) return sendHtml(res, 404, NOT_FOUND_HTML);
    if (req.method !== 'POST') return sendJson(res, 405, { error: true, error_message: 'method not allowed' });
    const body = await readRequestBody(req);
    if (searchMode === 'failing') return sendHtml(res, 503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    if (searchMode === 'malformed') return sendText(res, 200, 'application/json; charset=utf-8', '{"auto":{"results":[{"type":"t","id":12');
    const answer = searchAnswer(body);
    sendJson(res, answer.status, answer.json);
  });

  // --- t4.bcbits.com: signed MP3 streams
  const media = await listen(STREAM_HOST, requests, async (req, res, url) => {
    const checked = signer.check(url);
    const file = checked.kind === 'ok' ? mp3s.get(checked.trackId) : undefined;
    if (checked.kind === 'gone') return sendHtml(res, 410, '<html><body><h1>410 Gone</h1></body></html>');
    if (file === undefined) return sendHtml(res, 404, '<html><body><h1>404 Not Found</h1></body></html>');
    return sendMp3(req, res, file);
  });

  const listeners: Listener[] = [...sites.map((s) => s.listener), nobody, site, media];
  const origins: Record<string, string> = {
    ...Object.fromEntries(sites.map((s) => [`${s.band.subdomain}.bandcamp.com`, s.listener.origin])),
    '*.bandcamp.com': nobody.origin,
    'bandcamp.com': site.origin,
    [STREAM_HOST]: media.origin,
  };
  return {
    origins,
    allow: listeners.map((l) => l.hostPort),
    requests,
    expireStreams: () => signer.expireAll(),
    setSearchMode(mode) {
      searchMode = mode;
    },
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
