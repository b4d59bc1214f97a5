/**
 * A local YouTube: one loopback HTTP server answering InnerTube (`player`, `search`, `browse`, `next`,
 * YouTube Music search), googlevideo's `/videoplayback` and HLS manifests, and i.ytimg.com
 * thumbnails, for every host in its `origins`. Requests arrive with the fake's own Host (the bot
 * connects to the override), so the host a request was meant for is told from its path.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { makeHlsTone } from '../../fixtures/hls-tones';
import { LiveHlsWindows } from '../../fixtures/live-hls';
import { parseRange } from '../../fixtures/range';
import { makeTone } from '../../fixtures/tones';
import { listen } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { FORBIDDEN_AFTER_BYTES, MISSING_PLAYLIST_ID, MIX, TROUBLED_CLIENT, VIDEOS, fakePlaylist, fakeVideo, relatedVideos, searchCatalog, type FakeVideo } from './catalog';
import { mp4Index, webmIndex } from './media-index';
import {
  adaptiveFormat,
  missingPlaylistResponse,
  mixResponse,
  watchNextResponse,
  musicSearchResponse,
  playabilityStatus,
  playlistContinuationResponse,
  playlistResponse,
  readPlaylistToken,
  responseContext,
  searchResponse,
  videoDetails,
  type MediaFile,
} from './responses';

/** Trouble for the whole service, every InnerTube endpoint at once. */
export type ServiceTrouble = 'down' | 'slow' | 'malformed';

export interface YoutubeFakeOptions {
  /** Where tone files are made and cached. */
  readonly dir: string;
  /** How long a `slow` answer is held: default 30 s, longer than any timeout a caller sets in tests. */
  readonly slowMs?: number;
  /** Entries per browse page: default 100, as YouTube pages playlists. */
  readonly pageSize?: number;
  /** What every answer says the visitor is: default a fixed fake value. */
  readonly visitorData?: string;
  /** Segments in the live window: default 3. */
  readonly liveWindow?: number;
}

export interface YoutubeFake extends ServiceFake {
  /** http://127.0.0.1:port */
  readonly origin: string;
  readonly visitorData: string;
  /** Turns service-wide trouble on, or off with undefined. */
  setTrouble(trouble: ServiceTrouble | undefined): void;
  /**
   * Every `player` answer becomes LOGIN_REQUIRED "Sign in to confirm you’re not a bot", as YouTube answered
   * whole hosting providers in 2024; search and browse go on working. Off with false.
   */
  refuseEveryPlay(on: boolean): void;
  /** Makes the media of these videos now (ffmpeg), so a first `player` answer is not held by an encode. */
  prepare(ids: readonly string[]): Promise<void>;
  /** Publishes the next segment(s) of the live stream's window (VIDEOS.live). */
  advanceLive(segments?: number): Promise<void>;
}

/** What YouTube's player answers a client it takes for a bot. */
const BOT_CHECK = {
  status: 'LOGIN_REQUIRED',
  reason: 'Sign in to confirm you’re not a bot',
  errorScreen: { playerErrorMessageRenderer: { reason: { simpleText: 'Sign in to confirm you’re not a bot' }, subreason: { runs: [{ text: 'This helps protect our community. Learn more' }] } } },
};

/** The visitorData the fake hands out unless told otherwise. */
export const FAKE_VISITOR_DATA = 'CgtoaXF0eUZha2VWRCiAgICAgAYyBgoCVVMSAA%3D%3D';

const SERVICE_HOSTS = ['www.youtube.com', 'youtube.com', 'm.youtube.com', 'music.youtube.com', 'youtubei.googleapis.com', '*.googlevideo.com', 'i.ytimg.com'];

interface Media {
  readonly files: ReadonlyMap<number, MediaFile & { readonly bytes: Buffer }>;
}

/** A 1×1 JPEG, enough for an artwork URL to answer. */
const PIXEL_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
  'base64',
);

function hostOf(pathname: string): string {
  if (pathname.startsWith('/videoplayback')) return 'rr1---sn-hiqty.googlevideo.com';
  if (pathname.startsWith('/api/manifest/')) return 'manifest.googlevideo.com';
  if (pathname.startsWith('/vi/')) return 'i.ytimg.com';
  return 'www.youtube.com';
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

function field(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = Reflect.get(at, key);
  }
  return at;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startYoutubeFake(options: YoutubeFakeOptions): Promise<YoutubeFake> {
  const requests: ServiceRequest[] = [];
  const visitorData = options.visitorData ?? FAKE_VISITOR_DATA;
  const pageSize = options.pageSize ?? 100;
  const slowMs = options.slowMs ?? 30_000;
  const liveWindow = options.liveWindow ?? 3;
  const mediaDir = path.resolve(options.dir);
  const live = new LiveHlsWindows(mediaDir);
  const media = new Map<string, Promise<Media>>();
  const timers = new Set<NodeJS.Timeout>();
  let trouble: ServiceTrouble | undefined;
  let refusingPlays = false;

  function mediaOf(video: FakeVideo): Promise<Media> {
    let job = media.get(video.id);
    if (job === undefined) {
      job = (async () => {
        const files = new Map<number, MediaFile & { bytes: Buffer }>();
        const spec = { hz: video.hz, durationMs: video.durationMs, dir: mediaDir };
        const m4a = await readFile(await makeTone({ ...spec, format: 'm4a-aac' }));
        const m4aIndex = mp4Index(m4a);
        const bitrate = (bytes: Buffer): number => Math.round((bytes.length * 8 * 1000) / video.durationMs);
        // A video-only format first, as YouTube lists them: a client must pick audio, not the first entry.
        files.set(160, { itag: 160, mimeType: 'video/mp4; codecs="avc1.4d400c"', size: m4a.length, bitrate: bitrate(m4a) * 4, ...m4aIndex, bytes: m4a });
        if (video.kind !== 'aac-only') {
          const webm = await readFile(await makeTone({ ...spec, format: 'webm-opus' }));
          files.set(251, { itag: 251, mimeType: 'audio/webm; codecs="opus"', size: webm.length, bitrate: bitrate(webm), ...webmIndex(webm), bytes: webm });
        }
        files.set(140, { itag: 140, mimeType: 'audio/mp4; codecs="mp4a.40.2"', size: m4a.length, bitrate: bitrate(m4a), ...m4aIndex, bytes: m4a });
        return { files };
      })();
      job.catch(() => media.delete(video.id));
      media.set(video.id, job);
    }
    return job;
  }

  function liveName(video: FakeVideo): Promise<string> {
    return makeHlsTone({ hz: video.hz, durationMs: video.durationMs, segmentType: 'mpegts', segmentMs: 2000, dir: mediaDir }).then((t) => t.name);
  }

  function mediaUrl(video: FakeVideo, file: MediaFile, clientName: string): string {
    const expired = video.trouble === 'expired-url' && clientName === TROUBLED_CLIENT;
    const expire = Math.floor(Date.now() / 1000) + (expired ? -60 : 6 * 3600);
    const query = new URLSearchParams({
      expire: String(expire),
      id: video.id,
      itag: String(file.itag),
      source: 'youtube',
      requiressl: 'yes',
      mime: file.mimeType.split(';')[0] ?? '',
      gir: 'yes',
      clen: String(file.size),
      dur: (video.durationMs / 1000).toFixed(3),
      c: clientName,
      sig: 'AJfQdSswRQIhAhiqtyfake',
    });
    const base = video.trouble === 'private-host' ? 'http://169.254.169.254' : 'https://rr1---sn-hiqty.googlevideo.com';
    return `${base}/videoplayback?${query.toString()}`;
  }

  async function player(res: ServerResponse, body: unknown): Promise<void> {
    const videoId = str(field(body, 'videoId')) ?? '';
    const clientName = str(field(body, 'context', 'client', 'clientName')) ?? 'WEB';
    const video = fakeVideo(videoId);
    if (video === undefined) {
      sendJson(res, 200, { responseContext: responseContext(visitorData), playabilityStatus: { status: 'ERROR', reason: 'This video is unavailable' } });
      return;
    }
    if (video.trouble === 'failing') return sendJson(res, 500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } });
    if (video.trouble === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(`{"responseContext":{"visitorData":"${visitorData}"},"playabilityStatus":{"status":"OK","playableInEmbed":tr`);
      return;
    }
    if (video.trouble === 'slow') await hold(res, slowMs);
    if (res.destroyed) return;
    const status = refusingPlays ? BOT_CHECK : playabilityStatus(video);
    const base = { responseContext: responseContext(visitorData), playabilityStatus: status, videoDetails: videoDetails(video), trackingParams: 'CAAQ' };
    if (status.status !== 'OK') return sendJson(res, 200, base);
    if (video.kind === 'live') {
      const name = await liveName(video);
      const hlsManifestUrl = `https://manifest.googlevideo.com/api/manifest/hls_playlist/expire/${Math.floor(Date.now() / 1000) + 21600}/id/${video.id}/source/yt_live_broadcast/r/${name}/index.m3u8`;
      return sendJson(res, 200, { ...base, streamingData: { expiresInSeconds: '21540', adaptiveFormats: [], hlsManifestUrl } });
    }
    const { files } = await mediaOf(video);
    const cipher = video.trouble === 'cipher-only' && clientName === TROUBLED_CLIENT;
    const adaptiveFormats = [...files.values()].map((file) => {
      const url = mediaUrl(video, file, clientName);
      return adaptiveFormat(file, video, cipher ? { signatureCipher: `s=${encodeURIComponent('AOq0QJ8wRQ')}&sp=sig&url=${encodeURIComponent(url)}` } : { url });
    });
    sendJson(res, 200, { ...base, streamingData: { expiresInSeconds: '21540', formats: [], adaptiveFormats } });
  }

  function hold(res: ServerResponse, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });
  }

  function search(res: ServerResponse, body: unknown): void {
    const query = str(field(body, 'query')) ?? '';
    const music = str(field(body, 'context', 'client', 'clientName')) === 'WEB_REMIX';
    const found = searchCatalog(query, music);
    sendJson(res, 200, music ? musicSearchResponse(visitorData, found) : searchResponse(visitorData, found));
  }

  function entries(ids: readonly string[]): FakeVideo[] {
    return ids.map((id) => fakeVideo(id)).filter((e): e is FakeVideo => e !== undefined);
  }

  function browse(res: ServerResponse, body: unknown): void {
    const token = str(field(body, 'continuation'));
    if (token !== undefined) {
      const read = readPlaylistToken(token);
      const playlist = read === undefined ? undefined : fakePlaylist(read.playlistId);
      if (read === undefined || playlist === undefined) return sendJson(res, 400, { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } });
      return sendJson(res, 200, playlistContinuationResponse(visitorData, playlist, entries(playlist.videoIds), read.offset, pageSize));
    }
    const browseId = str(field(body, 'browseId')) ?? '';
    const playlist = browseId.startsWith('VL') ? fakePlaylist(browseId.slice(2)) : undefined;
    if (playlist === undefined) {
      if (browseId === `VL${MISSING_PLAYLIST_ID}` || browseId.startsWith('VL')) return sendJson(res, 200, missingPlaylistResponse(visitorData));
      return sendJson(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
    }
    sendJson(res, 200, playlistResponse(visitorData, playlist, entries(playlist.videoIds), pageSize));
  }

  function next(res: ServerResponse, body: unknown): void {
    const playlistId = str(field(body, 'playlistId'));
    const videoId = str(field(body, 'videoId')) ?? MIX.seedVideoId;
    if (playlistId === MIX.id) return sendJson(res, 200, mixResponse(visitorData, MIX, entries(MIX.videoIds), videoId));
    // Any other catalogue video's radio mix (what autoplay asks for): the seed, then what YouTube relates to it.
    // A live stream gets no mix (as on YouTube): its watch page's "up next" column only.
    const seed = fakeVideo(videoId);
    if (seed !== undefined && seed.kind !== 'live' && playlistId === `RD${videoId}`) return sendJson(res, 200, mixResponse(visitorData, { id: playlistId, title: `Mix - ${seed.title}` }, [seed, ...relatedVideos(videoId)], videoId));
    if (seed !== undefined && (playlistId === undefined || playlistId === `RD${videoId}`)) return sendJson(res, 200, watchNextResponse(visitorData, videoId, relatedVideos(videoId)));
    sendJson(res, 200, { responseContext: responseContext(visitorData), contents: { twoColumnWatchNextResults: { results: { results: { contents: [] } } } } });
  }

  async function innertube(req: IncomingMessage, res: ServerResponse, endpoint: string): Promise<void> {
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
    }
    if (trouble === 'down') return sendJson(res, 503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
    if (trouble === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end('{"responseContext":{"serviceTrackingParams":[{"serv');
      return;
    }
    if (trouble === 'slow') await hold(res, slowMs);
    if (res.destroyed) return;
    switch (endpoint) {
      case 'player':
        return player(res, body);
      case 'search':
        return search(res, body);
      case 'browse':
        return browse(res, body);
      case 'next':
        return next(res, body);
      default:
        return sendJson(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
    }
  }

  async function videoplayback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams;
    const expire = Number(q.get('expire'));
    if (!Number.isFinite(expire) || expire * 1000 < Date.now()) return void res.writeHead(403).end();
    const video = fakeVideo(q.get('id') ?? '');
    if (video === undefined) return void res.writeHead(404).end();
    const file = (await mediaOf(video)).files.get(Number(q.get('itag')));
    if (file === undefined) return void res.writeHead(404).end();
    const size = file.size;
    // googlevideo reads `range=a-b` from the query and answers 200 with those bytes; a Range header gets a 206.
    const param = q.get('range');
    const asked = param !== null ? parseRange(`bytes=${param}`, size) : parseRange(req.headers.range, size);
    if (asked.kind === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    const start = asked.kind === 'ok' ? asked.start : 0;
    const end = asked.kind === 'ok' ? asked.end : size - 1;
    const cutting = video.trouble === 'forbidden-midstream' && q.get('c') === TROUBLED_CLIENT;
    if (cutting && start >= FORBIDDEN_AFTER_BYTES) return void res.writeHead(403).end();
    const headers: Record<string, string | number> = { 'content-type': q.get('mime') ?? 'application/octet-stream', 'content-length': end - start + 1, 'accept-ranges': 'bytes' };
    if (param === null && asked.kind === 'ok') headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(param === null && asked.kind === 'ok' ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    if (cutting && end >= FORBIDDEN_AFTER_BYTES) {
      // The URL goes bad mid-response: what was sent stays, the connection drops, and asking again gets 403.
      res.write(file.bytes.subarray(start, FORBIDDEN_AFTER_BYTES), () => res.destroy());
      return;
    }
    res.end(file.bytes.subarray(start, end + 1));
  }

  async function manifest(res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/');
    const id = parts[parts.indexOf('id') + 1] ?? '';
    const rendition = parts[parts.indexOf('r') + 1] ?? '';
    const file = parts[parts.length - 1] ?? '';
    const video = fakeVideo(id);
    if (video === undefined || video.kind !== 'live' || rendition === '' || path.basename(rendition) !== rendition) return void res.writeHead(404).end();
    if (file === 'index.m3u8') {
      const text = await live.playlist(rendition, liveWindow);
      if (text === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      return void res.end(text);
    }
    if (!/^seg\d+\.ts$/.test(file)) return void res.writeHead(404).end();
    try {
      const bytes = await readFile(path.join(mediaDir, rendition, file));
      res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': bytes.length });
      res.end(bytes);
    } catch {
      res.writeHead(404).end();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const api = /^\/youtubei\/v1\/([a-z_]+)$/.exec(url.pathname);
    if (api !== null && req.method === 'POST') return innertube(req, res, api[1] ?? '');
    if (url.pathname === '/videoplayback') return videoplayback(req, res, url);
    if (url.pathname.startsWith('/api/manifest/hls_playlist/')) return manifest(res, url);
    if (url.pathname.startsWith('/vi/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': PIXEL_JPEG.length });
      return void res.end(PIXEL_JPEG);
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>404</body></html>');
  }

  const listener = await listen(hostOf, requests, handle);
  const origin = listener.origin;

  return {
    origin,
    visitorData,
    origins: Object.fromEntries(SERVICE_HOSTS.map((h) => [h, origin])),
    allow: [listener.hostPort],
    requests,
    setTrouble(t) {
      trouble = t;
    },
    refuseEveryPlay(on) {
      refusingPlays = on;
    },
    async prepare(ids) {
      await Promise.all(ids.map((id) => fakeVideo(id)).filter((v): v is FakeVideo => v !== undefined).map((v) => (v.kind === 'live' ? liveName(v) : mediaOf(v))));
    },
    async advanceLive(segments = 1) {
      live.advance(await liveName(VIDEOS.live), segments);
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await listener.stop();
    },
  };
}
