/**
 * A local SoundCloud (DESIGN.md §6 "Services"): the site and its script CDN (client_id discovery),
 * api-v2 (resolve, search, tracks, sets, likes, transcodings answering `{url}`), and the media hosts
 * (HLS with fMP4 AAC or MPEG-TS segments, progressive MP3), each real host family on a loopback
 * listener of its own because their paths collide. Built from SoundCloud's observed behaviour; the
 * product reaches it only through HIQTY_SERVICE_ORIGINS.
 *
 * Scripted failures: rotateClientId() (the old id answers 401), setApiMode() for a slow, failing or
 * malformed api-v2, and catalog entries for preview-only, DRM, geo-blocked, removed (404) and a
 * transcoding that points at a private address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { makeHlsTone } from '../../fixtures/hls-tones';
import { makeTone } from '../../fixtures/tones';
import type { ServiceFake, ServiceRequest } from '../types';
import {
  BIG_SET,
  BIG_SET_SIZE,
  FAN_USER,
  LIKES,
  LIKES_PAGE_SIZE,
  RICK_USER,
  SET_TONES,
  SHORT_CODE,
  TONES_USER,
  TRACK_HLS,
  TRACKS,
  permalink,
  setUrl,
  trackUrl,
  type FakeSet,
  type FakeTrack,
  relatedTracks,
} from './catalog';
import { API, setJson, trackAuthorization, trackJson, userJson } from './json';
import { listen, type Listener } from '../listener';
import { sendJson, sendText } from './listener';
import { HLS_AAC_HOST, HLS_MP3_HOST, PROGRESSIVE_HOST, safeName, sendFile, sendPlaylist, signature } from './media';
import { scriptBody, scriptNames, sitePage } from './site';

export * from './catalog';
export { HLS_AAC_HOST, HLS_MP3_HOST, PROGRESSIVE_HOST } from './media';

/** How api-v2 behaves: `slow` holds every request unanswered (until stop), `failing` answers 503, `malformed` 200 with broken JSON. */
export type SoundcloudApiMode = 'ok' | 'slow' | 'failing' | 'malformed';

export interface SoundcloudFakeOptions {
  /** Where tone renditions are made and cached. */
  readonly dir: string;
  /** Each tone's length; default 6000 ms. */
  readonly toneMs?: number;
  /** HLS segment length; default 2000 ms. */
  readonly segmentMs?: number;
}

export interface SoundcloudFake extends ServiceFake {
  /** The client_id api-v2 accepts now. */
  readonly clientId: string;
  /**
   * A deploy with a new client_id: the old one answers 401 from now on. With `scripts: 'stale'` the
   * site keeps serving the old id (so a rediscovery finds a dead one too).
   */
  rotateClientId(options?: { readonly scripts?: 'fresh' | 'stale' }): { readonly old: string; readonly current: string };
  setApiMode(mode: SoundcloudApiMode): void;
  /**
   * Every track fetched by id (what a play reads, fresh) comes back blocked in this region (policy BLOCK, no
   * transcodings), while search and resolve still list them as before: a catalogue-wide block. Off with false.
   */
  blockEveryStream(on: boolean): void;
  /** A listener no override maps and no allow list names: where TRACK_ROGUE's stream URL points. */
  readonly trap: { readonly origin: string; readonly requests: readonly ServiceRequest[] };
  /** Requests to soundcloud.com's home page: one per client_id scrape. */
  scrapes(): number;
}

const CLIENT_IDS = ['iZIs9mchVcX5lhVRyQGGAYlNPVldzAoX', 'a3e059563d7fd3372b49b37f00a00bcf', 'Kx7Pm2Qa9RtL4vWn8ZcB3dYf6HgJ1sEu', 'Qw2Er4Ty6Ui8Op0As1Df3Gh5Jk7Lz9Xc'];

function bigSetTracks(): FakeTrack[] {
  return Array.from({ length: BIG_SET_SIZE }, (_, i) => ({
    id: BIG_SET.firstTrackId + i,
    user: TONES_USER,
    slug: `tone-${BIG_SET.hz}-${i + 1}`,
    title: `Tone ${BIG_SET.hz} Hz #${i + 1}`,
    hz: BIG_SET.hz,
    streams: ['hls-aac'],
  }));
}

function normalize(url: string): string {
  try {
    const u = new URL(url);
    return `https://soundcloud.com${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return '';
  }
}

export async function startSoundcloudFake(options: SoundcloudFakeOptions): Promise<SoundcloudFake> {
  const toneMs = options.toneMs ?? 6000;
  const segmentMs = options.segmentMs ?? 2000;
  const durations = { toneMs };
  const bigSet: FakeSet = { ...BIG_SET, tracks: bigSetTracks(), fullEntries: 5 };
  let blockingStreams = false;
  const allTracks = new Map<number, FakeTrack>([...TRACKS, ...bigSet.tracks].map((t) => [t.id, t]));
  const sets = new Map<number, FakeSet>([SET_TONES, bigSet].map((s) => [s.id, s]));

  // Renditions, made once per tone (cached on disk across runs by their parameters).
  const hlsDirs = new Map<string, string>();
  for (const track of allTracks.values()) {
    for (const stream of track.streams) {
      if (stream !== 'hls-aac' && stream !== 'hls-ts') continue;
      const segmentType = stream === 'hls-aac' ? 'fmp4' : 'mpegts';
      const key = `${track.hz}:${segmentType}`;
      if (hlsDirs.has(key)) continue;
      const tone = await makeHlsTone({ hz: track.hz, durationMs: toneMs, segmentType, segmentMs, dir: options.dir });
      hlsDirs.set(key, tone.dir);
    }
  }
  const mp3Files = new Map<number, string>();
  for (const track of allTracks.values()) {
    if (track.streams.includes('progressive')) mp3Files.set(track.id, await makeTone({ hz: track.hz, durationMs: toneMs, format: 'mp3', dir: options.dir }));
  }

  const requests: ServiceRequest[] = [];
  let clientIndex = 0;
  let scriptIndex = 0;
  let deploy = 1;
  let apiMode: SoundcloudApiMode = 'ok';

  const byPermalink = new Map<string, () => unknown>();
  for (const track of allTracks.values()) byPermalink.set(normalize(trackUrl(track)), () => trackJson(track, durations));
  for (const set of sets.values()) byPermalink.set(normalize(setUrl(set)), () => setJson(set, durations));
  for (const user of [TONES_USER, FAN_USER, RICK_USER]) byPermalink.set(normalize(permalink(user)), () => userJson(user));

  const expires = (): number => Math.floor(Date.now() / 1000) + 3600;

  // --- soundcloud.com, m.soundcloud.com and on.soundcloud.com
  const site = await listen('soundcloud.com', requests, (req, res) => {
    sendText(res, 200, 'text/html; charset=utf-8', sitePage(deploy));
  });
  const short = await listen('on.soundcloud.com', requests, (_req, res, url) => {
    if (url.pathname === `/${SHORT_CODE}`) {
      res.writeHead(302, { location: `${trackUrl(TRACK_HLS)}?utm_source=clipboard&utm_medium=text&utm_campaign=social_sharing` }).end();
    } else sendText(res, 404, 'text/html', '<h1>Not found</h1>');
  });

  // --- a-v2.sndcdn.com
  const cdn = await listen('a-v2.sndcdn.com', requests, (_req, res, url) => {
    const names = scriptNames(deploy);
    const name = url.pathname.replace(/^\/assets\//, '');
    if (!names.includes(name) || !url.pathname.startsWith('/assets/')) return sendText(res, 404, 'text/plain', 'not found');
    const id = CLIENT_IDS[scriptIndex] ?? '';
    sendText(res, 200, 'application/javascript', scriptBody(name, names, id));
  });

  // --- api-v2.soundcloud.com
  const api = await listen('api-v2.soundcloud.com', requests, (req, res, url) => {
    if (apiMode === 'slow') return; // held until stop() cuts the connection
    if (apiMode === 'failing') return sendText(res, 503, 'text/html', '<html><body><h1>503 Service Unavailable</h1></body></html>');
    if (apiMode === 'malformed') return sendText(res, 200, 'application/json; charset=utf-8', '{"collection":[{"id":1,"kind":"tr');
    if (url.searchParams.get('client_id') !== CLIENT_IDS[clientIndex]) return sendJson(res, 401, {});
    return apiRoute(req, res, url);
  });

  function apiRoute(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    const p = url.pathname;
    if (p === '/resolve') {
      const target = normalize(url.searchParams.get('url') ?? '');
      const found = byPermalink.get(target);
      return found ? sendJson(res, 200, found()) : sendJson(res, 404, {});
    }
    let m = /^\/tracks\/(\d+)\/related$/.exec(p);
    if (m) {
      const seed = allTracks.get(Number(m[1]));
      if (seed === undefined) return sendJson(res, 404, {});
      const limit = Math.min(Number(url.searchParams.get('limit') ?? '10') || 10, 50);
      return sendJson(res, 200, {
        collection: relatedTracks(seed).slice(0, limit).map((t) => trackJson(t, durations)),
        next_href: null,
        query_urn: `soundcloud:trackrelated:${seed.id}`,
        variant: 'default',
      });
    }
    m = /^\/tracks\/(\d+)$/.exec(p);
    if (m) {
      const track = allTracks.get(Number(m[1]));
      if (track === undefined) return sendJson(res, 404, {});
      return sendJson(res, 200, trackJson(blockingStreams ? { ...track, policy: 'BLOCK', streams: [] } : track, durations));
    }
    if (p === '/tracks') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter((s) => s !== '');
      if (ids.length > 50) return sendJson(res, 400, { errors: [{ error_message: 'too many ids' }] });
      // Found ones only, and not in the order asked: as the real endpoint answers.
      const found = ids.flatMap((id) => allTracks.get(Number(id)) ?? []).reverse();
      return sendJson(res, 200, found.map((t) => trackJson(t, durations)));
    }
    m = /^\/playlists\/(\d+)$/.exec(p);
    if (m) {
      const set = sets.get(Number(m[1]));
      return set ? sendJson(res, 200, setJson(set, durations, true)) : sendJson(res, 404, {});
    }
    m = /^\/users\/(\d+)\/likes$/.exec(p);
    if (m) {
      if (Number(m[1]) !== FAN_USER.id) return sendJson(res, 200, { collection: [], next_href: null });
      const offset = Number(url.searchParams.get('offset') ?? '0') || 0;
      // Pages of LIKES_PAGE_SIZE whatever `limit` asks, so a short list still has a cursor to follow.
      const page = LIKES.slice(offset, offset + LIKES_PAGE_SIZE);
      const next = offset + LIKES_PAGE_SIZE < LIKES.length ? `${API}/users/${FAN_USER.id}/likes?offset=${offset + LIKES_PAGE_SIZE}&limit=${LIKES_PAGE_SIZE}` : null;
      return sendJson(res, 200, {
        collection: page.map((like) =>
          'track' in like
            ? { created_at: '2025-02-03T04:05:06Z', kind: 'like', track: trackJson(like.track, durations) }
            : { created_at: '2025-02-03T04:05:06Z', kind: 'like', playlist: setJson(like.set, durations) },
        ),
        next_href: next,
        query_urn: null,
      });
    }
    if (p === '/search/tracks') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase().trim();
      const limit = Math.min(Number(url.searchParams.get('limit') ?? '10') || 10, 200);
      const words = q.split(/\s+/).filter((w) => w !== '');
      const hits = TRACKS.filter((t) => words.length > 0 && words.every((w) => `${t.title} ${t.user.username}`.toLowerCase().includes(w)));
      return sendJson(res, 200, {
        collection: hits.slice(0, limit).map((t) => trackJson(t, durations)),
        total_results: hits.length,
        next_href: null,
        query_urn: `soundcloud:search:${Buffer.from(q).toString('hex').slice(0, 32)}`,
      });
    }
    m = /^\/media\/soundcloud:tracks:(\d+)\/[0-9a-f-]+\/(stream|preview)\/(hls|progressive)$/.exec(p);
    if (m) {
      const track = allTracks.get(Number(m[1]));
      if (!track) return sendJson(res, 404, {});
      if (url.searchParams.get('track_authorization') !== trackAuthorization(track)) return sendJson(res, 403, {});
      return sendJson(res, 200, { url: mediaUrl(track, m[3] === 'progressive') });
    }
    sendJson(res, 404, {});
  }

  /** The signed URL a transcoding answers, on the host SoundCloud serves that kind from. */
  function mediaUrl(track: FakeTrack, progressive: boolean): string {
    const sig = signature(expires());
    if (track.streams.includes('rogue')) return `${trap.origin}/${track.id}/playlist.m3u8?${sig}`;
    if (progressive) return `https://${PROGRESSIVE_HOST}/${track.id}.128.mp3?${sig}`;
    if (track.streams.includes('hls-aac')) return `https://${HLS_AAC_HOST}/${track.id}/aac_160k/${track.id}-aac/playlist.m3u8?${sig}`;
    return `https://${HLS_MP3_HOST}/playlist/${track.id}.128.mp3/playlist.m3u8?${sig}`;
  }

  // --- playback.media-streaming.soundcloud.cloud: HLS AAC, fMP4 segments
  const hlsAac = await listen(HLS_AAC_HOST, requests, async (req, res, url) => {
    const m = /^\/(\d+)\/aac_160k\/[\w-]+\/([^/]+)$/.exec(url.pathname);
    const track = m ? allTracks.get(Number(m[1])) : undefined;
    const dir = track ? hlsDirs.get(`${track.hz}:fmp4`) : undefined;
    const name = safeName(m?.[2]);
    if (!m || !track || dir === undefined || name === undefined) return sendText(res, 404, 'text/plain', 'not found');
    if (name === 'playlist.m3u8') return sendPlaylist(res, dir, `https://${HLS_AAC_HOST}${path.posix.dirname(url.pathname)}`, signature(expires()));
    return sendFile(req, res, path.join(dir, name));
  });

  // --- cf-hls-media.sndcdn.com: HLS, MPEG-TS segments
  const hlsMp3 = await listen(HLS_MP3_HOST, requests, async (req, res, url) => {
    const list = /^\/playlist\/(\d+)\.128\.mp3\/playlist\.m3u8$/.exec(url.pathname);
    const seg = /^\/media\/(\d+)\/([^/]+)$/.exec(url.pathname);
    const track = allTracks.get(Number((list ?? seg)?.[1]));
    const dir = track ? hlsDirs.get(`${track.hz}:mpegts`) : undefined;
    if (!track || dir === undefined) return sendText(res, 404, 'text/plain', 'not found');
    if (list) return sendPlaylist(res, dir, `https://${HLS_MP3_HOST}/media/${track.id}`, signature(expires()));
    const name = safeName(seg?.[2]);
    return name === undefined ? sendText(res, 404, 'text/plain', 'not found') : sendFile(req, res, path.join(dir, name));
  });

  // --- cf-media.sndcdn.com: progressive MP3
  const progressive = await listen(PROGRESSIVE_HOST, requests, async (req, res, url) => {
    const m = /^\/(\d+)\.128\.mp3$/.exec(url.pathname);
    const file = m ? mp3Files.get(Number(m[1])) : undefined;
    if (file === undefined) return sendText(res, 404, 'text/plain', 'not found');
    return sendFile(req, res, file);
  });

  const trapRequests: ServiceRequest[] = [];
  const trap = await listen('trap', trapRequests, (_req, res) => sendText(res, 200, 'application/vnd.apple.mpegurl', '#EXTM3U\n'));

  const listeners: Listener[] = [site, short, cdn, api, hlsAac, hlsMp3, progressive, trap];
  const origins: Record<string, string> = {
    'soundcloud.com': site.origin,
    'www.soundcloud.com': site.origin,
    'm.soundcloud.com': site.origin,
    'on.soundcloud.com': short.origin,
    'a-v2.sndcdn.com': cdn.origin,
    'api-v2.soundcloud.com': api.origin,
    [HLS_AAC_HOST]: hlsAac.origin,
    [HLS_MP3_HOST]: hlsMp3.origin,
    [PROGRESSIVE_HOST]: progressive.origin,
  };

  return {
    origins,
    allow: [site, short, cdn, api, hlsAac, hlsMp3, progressive].map((l) => l.hostPort),
    requests,
    get clientId() {
      return CLIENT_IDS[clientIndex] ?? '';
    },
    rotateClientId({ scripts = 'fresh' } = {}) {
      const old = CLIENT_IDS[clientIndex] ?? '';
      clientIndex = (clientIndex + 1) % CLIENT_IDS.length;
      if (scripts === 'fresh') {
        scriptIndex = clientIndex;
        deploy++;
      }
      return { old, current: CLIENT_IDS[clientIndex] ?? '' };
    },
    setApiMode(mode) {
      apiMode = mode;
    },
    blockEveryStream(on) {
      blockingStreams = on;
    },
    trap: { origin: trap.origin, requests: trapRequests },
    scrapes: () => requests.filter((r) => r.host === 'soundcloud.com' && r.path === '/').length,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
