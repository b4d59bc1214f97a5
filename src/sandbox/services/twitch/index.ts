/**
 * A local Twitch (DESIGN.md §6 "Services"), built from Twitch's behaviour as maintained clients observe it
 * (streamlink's twitch plugin, yt-dlp's extractor): gql.twitch.tv (persisted queries for metadata and
 * playback access tokens, the Client-ID checked), usher.ttvnw.net (master playlists for a signed, unexpired
 * token; 404 for a channel off the air), the weaver and edge hosts (*.hls.ttvnw.net: a sliding live
 * window of MPEG-TS AAC segments, every URL signed and expiring with its token), and the VOD CDN (a
 * finished broadcast's playlist of numbered segments). Each real host family has a loopback listener of
 * its own; the product reaches them only through HIQTY_SERVICE_ORIGINS.
 *
 * A test controls it: goOffline(login, how) ends a broadcast (ENDLIST, a stall, or gone), goLive starts
 * one, setTokenLifetime makes tokens expire within a test, revokeTokens makes every URL handed out answer
 * 403. Media is tone fixtures made by ffmpeg; the fake's clock (injectable) drives the live windows and
 * the expiries.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../../clock';
import { makeHlsTone } from '../../fixtures/hls-tones';
import { listen, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { Broadcast, segmentFiles, type OfflineHow, type SegmentFile } from './broadcast';
import { CHANNELS, VIDEOS, type FakeChannel, type FakeVideo } from './catalog';
import { gqlReply, type GqlWorld, type SignedToken } from './gql';
import { AUDIO_ONLY, livePlaylist, masterPlaylist, VIDEO_VARIANTS, vodPlaylist, type LiveSegment, type Variant } from './playlists';
import { Signer } from './signing';

export * from './catalog';
export type { OfflineHow } from './broadcast';

export const GQL_HOST = 'gql.twitch.tv';
export const USHER_HOST = 'usher.ttvnw.net';
export const WEAVER_HOST = 'video-weaver.fra05.hls.ttvnw.net';
export const EDGE_HOST = 'video-edge-c9a510.fra05.abs.hls.ttvnw.net';
export const VOD_HOST = 'd1m7jfoe9zdc1j.cloudfront.net';

/** Default lifetime of a playback access token: 20 minutes, about what Twitch's tokens say. */
export const DEFAULT_TOKEN_LIFETIME_MS = 20 * 60_000;

export interface TwitchFakeOptions {
  /** Where tone renditions are made and cached. */
  readonly dir: string;
  /** Drives the live windows and the expiries. Default the system clock. */
  readonly clock?: Clock;
  /** Segment length; default 2000 ms, as Twitch's. */
  readonly segmentMs?: number;
  /** A live broadcast loops over this much of its tone; default 60000 ms. */
  readonly loopMs?: number;
  /** Segments in a live playlist; default 6. */
  readonly window?: number;
  /** Default DEFAULT_TOKEN_LIFETIME_MS. */
  readonly tokenLifetimeMs?: number;
}

export interface ServedSegment {
  readonly login: string;
  readonly rendition: string;
  readonly sequence: number;
  readonly atMs: number;
}

export interface TwitchFake extends ServiceFake {
  readonly clock: Clock;
  /** Starts a new broadcast of the channel now (a new broadcast id: URLs of the last one answer 404). */
  goLive(login: string): void;
  /** Ends the channel's broadcast: `endlist` (default), `stall` (the playlist stops updating) or `gone` (404). */
  goOffline(login: string, how?: OfflineHow): void;
  /** Tokens issued from now on live this long. */
  setTokenLifetime(ms: number): void;
  /** Every token and signed URL handed out so far answers 403 from now on. */
  revokeTokens(): void;
  /** The edge answers the next `count` segment requests with `status` (default 403, as it answers a revoked URL). */
  refuseSegments(count: number, status?: number): void;
  /** Playback access tokens issued so far for a channel's login or a video's id. */
  tokensIssued(name: string): number;
  /** Segments the edge and the VOD CDN served, oldest first. */
  readonly segmentsServed: readonly ServedSegment[];
  /** Answers with status 403 so far (usher, weaver, edge). */
  refusals(): number;
  /** The bytes the edge serves for a live sequence number of a channel's rendition (default audio_only). */
  segmentBytes(login: string, sequence: number, rendition?: string): Promise<Buffer>;
}

interface ChannelMedia {
  readonly audio: readonly SegmentFile[];
  readonly video: readonly SegmentFile[];
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'access-control-allow-origin': '*' });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, 'application/json', JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<{ readonly ok: unknown } | { readonly error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > 1024 * 1024) return { error: 'body too large' };
    chunks.push(b);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return { ok: parsed };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export async function startTwitchFake(options: TwitchFakeOptions): Promise<TwitchFake> {
  const clock = options.clock ?? systemClock;
  const segmentMs = options.segmentMs ?? 2000;
  const loopMs = options.loopMs ?? 60_000;
  const windowSize = options.window ?? 6;
  let tokenLifetimeMs = options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;

  const tone = async (hz: number, durationMs: number): Promise<SegmentFile[]> =>
    segmentFiles((await makeHlsTone({ hz, durationMs, segmentType: 'mpegts', segmentMs, dir: options.dir })).playlist);
  const channelMedia = new Map<string, ChannelMedia>();
  for (const channel of CHANNELS) channelMedia.set(channel.login, { audio: await tone(channel.hz, loopMs), video: await tone(channel.videoHz, loopMs) });
  const videoMedia = new Map<string, ChannelMedia>();
  for (const video of VIDEOS) videoMedia.set(video.id, { audio: await tone(video.hz, video.durationMs), video: await tone(video.owner.videoHz, video.durationMs) });

  const signer = new Signer();
  const requests: ServiceRequest[] = [];
  const segmentsServed: ServedSegment[] = [];
  const issued = new Map<string, number>();
  let refused = 0;
  let segmentsToRefuse = { count: 0, status: 403 };
  let broadcastCount = 0;
  const broadcasts = new Map<string, Broadcast>();

  const nowS = (): number => clock.now() / 1000;
  const mediaOf = (login: string): ChannelMedia => {
    const media = channelMedia.get(login);
    if (media === undefined) throw new Error(`the Twitch fake has no channel ${login}`);
    return media;
  };
  const channelOf = (login: string): FakeChannel | undefined => CHANNELS.find((c) => c.login === login);
  const goLive = (login: string): void => {
    broadcastCount++;
    broadcasts.set(login, new Broadcast(`4${String(broadcastCount).padStart(10, '0')}`, clock.now(), mediaOf(login).audio, windowSize));
  };
  for (const channel of CHANNELS) if (channel.liveAtStart) goLive(channel.login);
  const onAir = (login: string): Broadcast | undefined => {
    const b = broadcasts.get(login);
    return b !== undefined && b.offline === undefined ? b : undefined;
  };

  const count = (name: string): void => void issued.set(name, (issued.get(name) ?? 0) + 1);
  const expiresAt = (): number => Math.floor((clock.now() + tokenLifetimeMs) / 1000);
  const signed = (value: unknown): SignedToken => {
    const text = JSON.stringify(value);
    return { value: text, signature: signer.sign(text) };
  };

  const world: GqlWorld = {
    channel: channelOf,
    liveBroadcast: (login) => {
      const b = onAir(login);
      return b === undefined ? undefined : { id: b.id, startedAtMs: b.startedAtMs };
    },
    video: (id) => VIDEOS.find((v) => v.id === id),
    streamToken: (channel) => {
      count(channel.login);
      // The fields of a real token's value, as observed; the fake reads channel and expires.
      return signed({
        adblock: false,
        authorization: { forbidden: false, reason: '' },
        blackout_enabled: false,
        channel: channel.login,
        channel_id: Number(channel.id),
        chansub: { restricted_bitrates: [], view_until: 1924905600 },
        ci_gb: false,
        geoblock_reason: '',
        device_id: null,
        expires: expiresAt(),
        extended_history_allowed: false,
        game: '',
        hide_ads: false,
        https_required: true,
        mature: false,
        partner: false,
        platform: 'web',
        player_type: 'embed',
        private: { allowed_to_view: true },
        privileged: false,
        role: '',
        server_ads: true,
        show_ads: true,
        subscriber: false,
        turbo: false,
        user_id: null,
        user_ip: '127.0.0.1',
        version: 2,
      });
    },
    videoToken: (video) => {
      count(video.id);
      return signed({
        authorization: { forbidden: false, reason: '' },
        chansub: { restricted_bitrates: [], view_until: 1924905600 },
        device_id: null,
        expires: expiresAt(),
        https_required: true,
        privileged: false,
        user_id: null,
        version: 2,
        vod_id: Number(video.id),
      });
    },
  };

  function usherError(res: ServerResponse, status: number, url: URL, error: string, code: string): void {
    if (status === 403) refused++;
    sendJson(res, status, [{ url: url.href, error, error_code: code, type: 'error' }]);
  }

  /** The token of an usher request, checked as usher checks it: its signature, then its expiry. */
  function tokenOf(url: URL): { readonly value: Record<string, unknown> } | { readonly error: string; readonly code: string } {
    const token = url.searchParams.get('token') ?? url.searchParams.get('nauth') ?? '';
    const sig = url.searchParams.get('sig') ?? url.searchParams.get('nauthsig') ?? '';
    if (!signer.verify(token, sig)) return { error: 'Unauthorized', code: 'invalid_token' };
    let value: unknown;
    try {
      value = JSON.parse(token);
    } catch {
      return { error: 'Unauthorized', code: 'invalid_token' };
    }
    if (typeof value !== 'object' || value === null) return { error: 'Unauthorized', code: 'invalid_token' };
    const fields = Object.fromEntries(Object.entries(value));
    if (typeof fields.expires !== 'number' || fields.expires <= nowS()) return { error: 'Token expired', code: 'expired_token' };
    return { value: fields };
  }

  const weaverUrl = (login: string, broadcast: Broadcast, variant: Variant, expires: number): string =>
    `https://${WEAVER_HOST}/v1/playlist/${signer.seal({ c: login, r: variant.group, b: broadcast.id, e: expires })}.m3u8`;

  // --- gql.twitch.tv
  const gqlListener = await listen(GQL_HOST, requests, async (req, res, url) => {
    if (req.method !== 'POST' || url.pathname !== '/gql') return sendJson(res, 404, { error: 'Not Found', status: 404, message: 'Not Found' });
    const body = await readJson(req);
    if ('error' in body) return sendJson(res, 400, { error: 'Bad Request', status: 400, message: `The request body could not be read: ${body.error}` });
    const header = req.headers['client-id'];
    const reply = gqlReply(world, Array.isArray(header) ? header[0] : header, body.ok);
    sendJson(res, reply.status, reply.body);
  });

  // --- usher.ttvnw.net
  const usherListener = await listen(USHER_HOST, requests, (_req, res, url) => {
    const live = /^\/api(?:\/v2)?\/channel\/hls\/([a-z0-9_]+)\.m3u8$/i.exec(url.pathname);
    const vod = /^\/vod(?:\/v2)?\/(\d+)\.m3u8$/.exec(url.pathname);
    if (live === null && vod === null) return usherError(res, 404, url, 'Not Found', 'not_found');
    const token = tokenOf(url);
    if ('error' in token) return usherError(res, 403, url, token.error, token.code);
    const expires = Number(token.value.expires);
    const audioOnly = url.searchParams.get('allow_audio_only') === 'true';
    if (live !== null) {
      const login = (live[1] ?? '').toLowerCase();
      if (token.value.channel !== login) return usherError(res, 403, url, 'Unauthorized', 'invalid_token');
      const broadcast = onAir(login);
      if (broadcast === undefined) return usherError(res, 404, url, 'twirp error not_found: transcode does not exist', 'transcode_does_not_exist');
      const variants = [...VIDEO_VARIANTS, ...(audioOnly ? [AUDIO_ONLY] : [])];
      const info = { nowMs: clock.now(), broadcastId: broadcast.id, streamTimeS: (clock.now() - broadcast.startedAtMs) / 1000 };
      return sendText(res, 200, 'application/vnd.apple.mpegurl', masterPlaylist(info, variants.map((variant) => ({ variant, url: weaverUrl(login, broadcast, variant, expires) }))));
    }
    const id = vod?.[1] ?? '';
    const video = VIDEOS.find((v) => v.id === id);
    if (String(token.value.vod_id) !== id || video === undefined) return usherError(res, 403, url, 'Unauthorized', 'invalid_token');
    const prefix = `https://${VOD_HOST}/${vodPrefix(video)}`;
    const variants = [VIDEO_VARIANTS[0] ?? AUDIO_ONLY, ...(audioOnly ? [AUDIO_ONLY] : [])];
    const info = { nowMs: clock.now(), broadcastId: `${video.id}`, streamTimeS: 0 };
    return sendText(res, 200, 'application/vnd.apple.mpegurl', masterPlaylist(info, variants.map((variant) => ({ variant, url: `${prefix}/${variant.group}/index-dvr.m3u8` }))));
  });

  // --- the weaver (live media playlists) and the edge (segments): *.hls.ttvnw.net
  const hlsHost = (pathname: string): string => (pathname.startsWith('/v1/segment/') ? EDGE_HOST : WEAVER_HOST);
  const hlsListener = await listen(hlsHost, requests, async (_req, res, url) => {
    const playlist = /^\/v1\/playlist\/([\w.-]+)\.m3u8$/.exec(url.pathname);
    const segment = /^\/v1\/segment\/([\w.-]+)\.ts$/.exec(url.pathname);
    const sealed = signer.unseal((playlist ?? segment)?.[1] ?? '');
    if (sealed === undefined) {
      refused++;
      return sendText(res, 403, 'text/plain', 'Forbidden');
    }
    if (typeof sealed.e !== 'number' || sealed.e <= nowS()) {
      refused++;
      return sendText(res, 403, 'text/plain', 'Forbidden: expired');
    }
    const login = String(sealed.c);
    const rendition = String(sealed.r);
    const broadcast = broadcasts.get(login);
    const media = channelMedia.get(login);
    if (broadcast === undefined || broadcast.id !== sealed.b || broadcast.offline === 'gone' || media === undefined) return sendText(res, 404, 'text/plain', 'Not Found');
    const files = rendition === AUDIO_ONLY.group ? media.audio : media.video;
    if (playlist !== null) {
      const now = clock.now();
      const shown = broadcast.window(now, windowSize);
      const segments: LiveSegment[] = shown.sequences.map((sequence) => ({
        sequence,
        durationS: broadcast.segment(sequence, files).durationS,
        url: `https://${EDGE_HOST}/v1/segment/${signer.seal({ c: login, r: rendition, b: broadcast.id, s: sequence, e: Number(sealed.e) })}.ts`,
        atMs: broadcast.startedAtMs + (sequence - windowSize) * segmentMs,
        discontinuity: broadcast.startsLoop(sequence),
      }));
      return sendText(res, 200, 'application/vnd.apple.mpegurl', livePlaylist({ broadcastId: broadcast.id, startedAtMs: broadcast.startedAtMs, elapsedS: (now - broadcast.startedAtMs) / 1000, segments, endlist: shown.endlist }));
    }
    const sequence = Number(sealed.s);
    if (!broadcast.isPublished(sequence, clock.now())) return sendText(res, 404, 'text/plain', 'Not Found');
    if (segmentsToRefuse.count > 0) {
      segmentsToRefuse = { ...segmentsToRefuse, count: segmentsToRefuse.count - 1 };
      if (segmentsToRefuse.status === 403) refused++;
      return sendText(res, segmentsToRefuse.status, 'text/plain', segmentsToRefuse.status === 403 ? 'Forbidden' : 'Not Found');
    }
    const bytes = await readFile(broadcast.segment(sequence, files).file);
    segmentsServed.push({ login, rendition, sequence, atMs: clock.now() });
    res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': bytes.length });
    res.end(bytes);
  });

  // --- the VOD CDN: {hash}_{login}_{id}_{unix time}/{rendition}/index-dvr.m3u8 and N.ts
  const vodListener = await listen(VOD_HOST, requests, async (_req, res, url) => {
    const m = /^\/[0-9a-f]{20}_([a-z0-9_]+)_(\d+)_\d+\/(\w+)\/(index-dvr\.m3u8|\d+\.ts)$/.exec(url.pathname);
    const video = VIDEOS.find((v) => v.id === m?.[2]);
    const media = video === undefined ? undefined : videoMedia.get(video.id);
    if (m === null || video === undefined || media === undefined || m[1] !== video.owner.login) return sendText(res, 403, 'application/xml', '<Error><Code>AccessDenied</Code></Error>');
    const files = m[3] === AUDIO_ONLY.group ? media.audio : media.video;
    const name = m[4] ?? '';
    if (name === 'index-dvr.m3u8') return sendText(res, 200, 'application/vnd.apple.mpegurl', vodPlaylist(files));
    const index = Number(name.replace(/\.ts$/, ''));
    const file = files[index];
    if (file === undefined) return sendText(res, 403, 'application/xml', '<Error><Code>AccessDenied</Code></Error>');
    const bytes = await readFile(file.file);
    segmentsServed.push({ login: video.owner.login, rendition: m[3] ?? '', sequence: index, atMs: clock.now() });
    res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': bytes.length });
    res.end(bytes);
  });

  const listeners: Listener[] = [gqlListener, usherListener, hlsListener, vodListener];
  return {
    origins: { [GQL_HOST]: gqlListener.origin, [USHER_HOST]: usherListener.origin, '*.hls.ttvnw.net': hlsListener.origin, [VOD_HOST]: vodListener.origin },
    allow: listeners.map((l) => l.hostPort),
    requests,
    clock,
    goLive,
    goOffline(login, how = 'endlist') {
      const broadcast = onAir(login);
      if (broadcast === undefined) throw new Error(`${login} is not on the air in the Twitch fake`);
      broadcast.goOffline(clock.now(), how);
    },
    setTokenLifetime(ms) {
      tokenLifetimeMs = ms;
    },
    revokeTokens() {
      signer.revoke();
    },
    refuseSegments(count, status = 403) {
      segmentsToRefuse = { count, status };
    },
    tokensIssued: (name) => issued.get(name) ?? 0,
    segmentsServed,
    refusals: () => refused,
    async segmentBytes(login, sequence, rendition = AUDIO_ONLY.group) {
      const broadcast = broadcasts.get(login);
      if (broadcast === undefined) throw new Error(`${login} has no broadcast in the Twitch fake`);
      const media = mediaOf(login);
      return readFile(broadcast.segment(sequence, rendition === AUDIO_ONLY.group ? media.audio : media.video).file);
    },
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}

/** Where the VOD CDN keeps a video: a hash, the owner's login, the video id and a unix time, as Twitch's paths read. */
function vodPrefix(video: FakeVideo): string {
  const hash = Buffer.from(`${video.owner.login}:${video.id}`).toString('hex').padEnd(20, '0').slice(0, 20);
  return `${hash}_${video.owner.login}_${video.id}_1767323045`;
}
