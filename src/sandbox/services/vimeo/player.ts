/**
 * What player.vimeo.com answers for `/video/ID/config`, and the HLS master playlists of the CDNs, as
 * maintained clients observe them (yt-dlp's vimeo extractor, lavaplayer's Vimeo source): the config's
 * `video` (title, duration in seconds, owner, thumbs by width) and `request.files` (progressive MP4s;
 * `hls` with `default_cdn` and `cdns.{name}.url`); masters whose AUDIO renditions ("audio-high",
 * "audio-low", NAME "Original") and video variants are separate, with URIs relative to the master
 * ("../"). The fake offers no DASH: hiqty does not read it.
 */
import { createHmac } from 'node:crypto';
import type { FakeVimeoVideo } from './catalog';
import { P240, P360, RENDITIONS } from './media';

export const PLAYER_HOST = 'player.vimeo.com';
export const PROGRESSIVE_HOST = 'vod-progressive.akamaized.net';
/** The HLS CDNs a config names, the player's default first: `akfire_interconnect_quic` and `fastly_skyfire`. */
export const HLS_CDNS = { akfire_interconnect_quic: 'vod-adaptive-ak.vimeocdn.com', fastly_skyfire: 'skyfire.vimeocdn.com' } as const;
export const DEFAULT_CDN = 'akfire_interconnect_quic';

/** How long a config's media URLs are valid: 1 h. */
export const MEDIA_URL_TTL_S = 3600;

/** The audio groups of a master, and the bandwidth of the video variant that uses each. */
export const AUDIO_GROUPS = [
  { group: 'audio-low', name: 'low', rendition: P240, bandwidth: 350_000 },
  { group: 'audio-high', name: 'high', rendition: P360, bandwidth: 1_200_000 },
] as const;

const SECRET = 'hiqty-vimeo-fake';

function hmacOf(videoId: number, expiresAtS: number): string {
  return createHmac('sha256', SECRET).update(`${videoId}:${expiresAtS}`).digest('hex');
}

/** An Akamai-style token path segment, `exp=…~acl=…~hmac=…`, as Vimeo's media URLs carry. */
export function mediaToken(videoId: number, expiresAtS: number): string {
  return `exp=${expiresAtS}~acl=%2F${videoId}%2F%2A~hmac=${hmacOf(videoId, expiresAtS)}`;
}

/** Whether a token segment is one the fake issued for this video and is not past its `exp`. */
export function tokenValid(token: string, videoId: number, nowS: number): boolean {
  const m = /^exp=(\d+)~acl=[^~]*~hmac=([0-9a-f]{64})$/.exec(token);
  if (m === null) return false;
  const expiresAtS = Number(m[1]);
  return expiresAtS >= nowS && m[2] === hmacOf(videoId, expiresAtS);
}

/** `https://{host}/{token}/{id}/sep/playlist.m3u8`: the master of a video on one CDN. */
export function masterUrl(host: string, video: FakeVimeoVideo, expiresAtS: number): string {
  return `https://${host}/${mediaToken(video.id, expiresAtS)}/${video.id}/sep/playlist.m3u8`;
}

export function progressiveUrl(video: FakeVimeoVideo, quality: string, expiresAtS: number): string {
  return `https://${PROGRESSIVE_HOST}/${mediaToken(video.id, expiresAtS)}/vimeo-prod-skyfire-std-us/01/${video.id}/${quality}.mp4`;
}

function thumbs(video: FakeVimeoVideo): Record<string, string> {
  const base = `https://i.vimeocdn.com/video/${video.id}-7f3c9a2b1d`;
  return { '640': `${base}-d_640`, '960': `${base}-d_960`, '1280': `${base}-d_1280`, base };
}

function videoJson(video: FakeVimeoVideo, durationMs: number): Record<string, unknown> {
  return {
    id: video.id,
    title: video.title,
    duration: Math.round(durationMs / 1000),
    width: 640,
    height: 360,
    fps: 5,
    url: video.hash === undefined ? `https://vimeo.com/${video.id}` : null,
    privacy: video.hash === undefined ? 'anybody' : 'unlisted',
    unlisted_hash: video.hash ?? null,
    owner: { id: 100_000 + video.owner.slug.length, name: video.owner.name, url: `https://vimeo.com/${video.owner.slug}`, account_type: 'basic' },
    thumbs: thumbs(video),
    live_event: null,
    lang: null,
  };
}

/** The config of a playable video: its media URLs signed until `expiresAtS`. */
export function configJson(video: FakeVimeoVideo, durationMs: number, expiresAtS: number): Record<string, unknown> {
  const cdns = Object.fromEntries(Object.entries(HLS_CDNS).map(([name, host]) => [name, { url: masterUrl(host, video, expiresAtS), origin: 'gcs', avc_url: masterUrl(host, video, expiresAtS) }]));
  const progressive =
    video.kind === 'progressive'
      ? RENDITIONS.map((r, i) => ({ profile: 164 + i, width: r.width, height: r.height, mime: 'video/mp4', fps: 5, url: progressiveUrl(video, r.quality, expiresAtS), cdn: 'akamai_interconnect', quality: r.quality, id: `${video.id}-${r.quality}`, origin: 'gcs' }))
      : [];
  return {
    cdn_url: 'https://f.vimeocdn.com',
    vimeo_api_url: 'api.vimeo.com',
    request: {
      files: { hls: { separate_av: true, default_cdn: DEFAULT_CDN, cdns }, progressive },
      lang: 'en',
      referrer: null,
      expires: MEDIA_URL_TTL_S,
      timestamp: expiresAtS - MEDIA_URL_TTL_S,
    },
    video: videoJson(video, durationMs),
    view: 1,
    embed: { autoplay: 0, color: '00adef', on_site: 0 },
  };
}

/** A password-protected video's config: `view` 4 and no streams until the password is given. */
export function passwordConfigJson(video: FakeVimeoVideo, durationMs: number): Record<string, unknown> {
  return { request: {}, video: videoJson(video, durationMs), view: 4 };
}

/** The player's error bodies: its own title and words. */
export const PRIVATE_BODY = { title: 'Private Video', message: 'Because of its privacy settings, this video cannot be played here.' };
export const MISSING_BODY = { title: 'Sorry', message: 'This video does not exist.' };

/** The master playlist: two AUDIO groups and two video variants, each variant naming its group. */
export function masterPlaylist(): string {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...AUDIO_GROUPS.map((a) => `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${a.group}",NAME="Original",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="../audio/${a.name}/playlist.m3u8"`),
    ...AUDIO_GROUPS.flatMap((a) => [
      `#EXT-X-STREAM-INF:BANDWIDTH=${a.bandwidth},AVERAGE-BANDWIDTH=${Math.round(a.bandwidth * 0.8)},RESOLUTION=${a.rendition.width}x${a.rendition.height},FRAME-RATE=5.000,CODECS="avc1.64001E,mp4a.40.2",AUDIO="${a.group}",CLOSED-CAPTIONS=NONE`,
      `../video/${a.rendition.quality}/playlist.m3u8`,
    ]),
    '',
  ].join('\n');
}
