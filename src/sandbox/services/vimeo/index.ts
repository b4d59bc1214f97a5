/**
 * A local Vimeo (DESIGN.md §6 "Services"): player.vimeo.com's `/video/ID/config`, and the CDNs its
 * configs point at: vod-progressive.akamaized.net for progressive MP4s, vod-adaptive-ak.vimeocdn.com
 * and skyfire.vimeocdn.com for HLS, each host on a loopback listener of its own. Media URLs carry a
 * signed, expiring token (`exp=…~acl=…~hmac=…`) that the CDNs check, so only a fresh config plays.
 * Built from Vimeo's observed behaviour (player.ts); the product reaches it only through
 * HIQTY_SERVICE_ORIGINS.
 *
 * Scripted failures: catalog entries for a private, a password-protected, a removed and a malformed
 * video, an unlisted one asked without its hash, and setPlayerMode() for a failing player (503) or one
 * that refuses this server outright (a bare 403, as Vimeo answers addresses it blocks).
 */
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { makeHlsTone } from '../../fixtures/hls-tones';
import { listen, type Handler, type Listener } from '../listener';
import type { ServiceFake, ServiceRequest } from '../types';
import { fakeVimeoVideo, VIMEO_VIDEOS, type FakeVimeoVideo } from './catalog';
import { makeProgressiveMp4, makeVideoRendition, RENDITIONS, safeName, sendFile } from './media';
import { configJson, HLS_CDNS, masterPlaylist, MEDIA_URL_TTL_S, MISSING_BODY, passwordConfigJson, PLAYER_HOST, PRIVATE_BODY, PROGRESSIVE_HOST, tokenValid } from './player';

export * from './catalog';
export { DEFAULT_CDN, HLS_CDNS, PLAYER_HOST, PROGRESSIVE_HOST } from './player';

/** How player.vimeo.com behaves: `failing` answers 503, `blocked` a bare 403 with an HTML page. */
export type VimeoPlayerMode = 'ok' | 'failing' | 'blocked';

export interface VimeoFakeOptions {
  /** Where the media is made and cached. */
  readonly dir: string;
  /** Each video's length; default 6000 ms. */
  readonly toneMs?: number;
  /** HLS segment length; default 2000 ms. */
  readonly segmentMs?: number;
}

export interface VimeoFake extends ServiceFake {
  setPlayerMode(mode: VimeoPlayerMode): void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) }).end(text);
}

const notFound = (res: ServerResponse): void => sendText(res, 404, 'text/plain', 'not found');
/** What Akamai's and Fastly's token checks answer for a missing, forged or expired token. */
const forbidden = (res: ServerResponse): void => sendText(res, 403, 'text/html', '<html><body><h1>403 Forbidden</h1></body></html>');

const playable = (v: FakeVimeoVideo): boolean => v.kind === 'progressive' || v.kind === 'hls';

export async function startVimeoFake(options: VimeoFakeOptions): Promise<VimeoFake> {
  const toneMs = options.toneMs ?? 6000;
  const segmentMs = options.segmentMs ?? 2000;
  const videos: FakeVimeoVideo[] = Object.values(VIMEO_VIDEOS);

  // Media, made once per tone (cached on disk across runs by their parameters).
  const audioDirs = new Map<number, string>();
  const progressive = new Map<string, string>();
  for (const video of videos.filter(playable)) {
    audioDirs.set(video.id, (await makeHlsTone({ hz: video.hz, durationMs: toneMs, segmentType: 'fmp4', segmentMs, dir: options.dir })).dir);
    if (video.kind !== 'progressive') continue;
    for (const rendition of RENDITIONS) progressive.set(`${video.id}/${rendition.quality}`, await makeProgressiveMp4({ hz: video.hz, durationMs: toneMs, rendition, dir: options.dir }));
  }
  const videoDirs = new Map<string, string>();
  for (const rendition of RENDITIONS) videoDirs.set(rendition.quality, await makeVideoRendition({ durationMs: toneMs, segmentMs, rendition, dir: options.dir }));

  const requests: ServiceRequest[] = [];
  let mode: VimeoPlayerMode = 'ok';
  const nowS = (): number => Math.floor(Date.now() / 1000);

  // --- player.vimeo.com
  const player = await listen(PLAYER_HOST, requests, (_req, res, url) => {
    if (mode === 'failing') return sendText(res, 503, 'text/html', '<html><body><h1>503 Service Unavailable</h1></body></html>');
    if (mode === 'blocked') return sendText(res, 403, 'text/html', '<!DOCTYPE html><html><head><title>Access denied</title></head><body>Sorry, you have been blocked</body></html>');
    const m = /^\/video\/(\d+)\/config$/.exec(url.pathname);
    const video = m === null ? undefined : fakeVimeoVideo(m[1] ?? '');
    if (video === undefined || video.kind === 'removed') return sendJson(res, 404, MISSING_BODY);
    // An unlisted video is found only with its hash; without it the player answers as for no video, with a 401.
    if (video.hash !== undefined && url.searchParams.get('h') !== video.hash) return sendJson(res, 401, MISSING_BODY);
    switch (video.kind) {
      case 'private':
        return sendJson(res, 403, PRIVATE_BODY);
      case 'password':
        return sendJson(res, 200, passwordConfigJson(video, toneMs));
      case 'malformed':
        return sendText(res, 200, 'application/json; charset=utf-8', JSON.stringify(configJson(video, toneMs, nowS() + MEDIA_URL_TTL_S)).slice(0, 200));
      case 'progressive':
      case 'hls':
        return sendJson(res, 200, configJson(video, toneMs, nowS() + MEDIA_URL_TTL_S));
    }
  });

  /** The video a signed media path is for, or an answer already sent. */
  function signedVideo(res: ServerResponse, token: string | undefined, id: string | undefined): FakeVimeoVideo | undefined {
    const video = fakeVimeoVideo(id ?? '');
    if (video === undefined || !playable(video)) return void notFound(res);
    if (!tokenValid(token ?? '', video.id, nowS())) return void forbidden(res);
    return video;
  }

  // --- vod-progressive.akamaized.net: /{token}/vimeo-prod-skyfire-std-us/01/{id}/{quality}.mp4
  const files = await listen(PROGRESSIVE_HOST, requests, async (req, res, url) => {
    const m = /^\/([^/]+)\/vimeo-prod-skyfire-std-us\/01\/(\d+)\/(\w+)\.mp4$/.exec(url.pathname);
    if (m === null) return notFound(res);
    const video = signedVideo(res, m[1], m[2]);
    if (video === undefined) return;
    const file = progressive.get(`${video.id}/${m[3] ?? ''}`);
    return file === undefined ? notFound(res) : sendFile(req, res, file, true);
  });

  // --- the HLS CDNs: /{token}/{id}/sep/playlist.m3u8, /{token}/{id}/audio/{group}/…, /{token}/{id}/video/{quality}/…
  const hls: Handler = async (req, res, url) => {
    const m = /^\/([^/]+)\/(\d+)\/(.+)$/.exec(url.pathname);
    if (m === null) return notFound(res);
    const video = signedVideo(res, m[1], m[2]);
    if (video === undefined) return;
    const rest = m[3] ?? '';
    if (rest === 'sep/playlist.m3u8') return sendText(res, 200, 'application/vnd.apple.mpegurl', masterPlaylist());
    const part = /^(audio|video)\/([\w-]+)\/([^/]+)$/.exec(rest);
    const dir = part?.[1] === 'audio' ? (part[2] === 'high' || part[2] === 'low' ? audioDirs.get(video.id) : undefined) : videoDirs.get(part?.[2] ?? '');
    const name = part?.[3] === 'playlist.m3u8' ? 'index.m3u8' : safeName(part?.[3]);
    if (dir === undefined || name === undefined) return notFound(res);
    return sendFile(req, res, path.join(dir, name), part?.[1] === 'video');
  };
  const cdns = await Promise.all(Object.values(HLS_CDNS).map(async (host) => ({ host, listener: await listen(host, requests, hls) })));

  const listeners: Listener[] = [player, files, ...cdns.map((c) => c.listener)];
  return {
    origins: { [PLAYER_HOST]: player.origin, [PROGRESSIVE_HOST]: files.origin, ...Object.fromEntries(cdns.map((c) => [c.host, c.listener.origin])) },
    allow: listeners.map((l) => l.hostPort),
    requests,
    setPlayerMode(next) {
      mode = next;
    },
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}
