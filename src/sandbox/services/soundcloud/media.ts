/**
 * The media hosts: HLS playlists and segments (made by ffmpeg from the tones) and progressive MP3s.
 * Playlists are rewritten with absolute, signed-looking segment URLs on the real host, as SoundCloud
 * serves them, so every segment request goes through HIQTY_SERVICE_ORIGINS like the playlist did.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange } from '../../fixtures/range';
import { sendText } from './listener';

export const HLS_AAC_HOST = 'playback.media-streaming.soundcloud.cloud';
export const HLS_MP3_HOST = 'cf-hls-media.sndcdn.com';
export const PROGRESSIVE_HOST = 'cf-media.sndcdn.com';

/** CloudFront-style signature parameters: real media URLs carry them; the fake only looks for them. */
export function signature(expiresAtS: number): string {
  return `expires=${expiresAtS}&Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=ZmFrZQ__&Key-Pair-Id=APKAFAKE`;
}

/** Rewrites a playlist's relative URIs (segments, EXT-X-MAP) to absolute ones under `base`. */
export function absolutePlaylist(text: string, base: string, query: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT-X-MAP:')) return line.replace(/URI="([^"]+)"/, (_m, uri: string) => `URI="${base}/${uri}?${query}"`);
      if (line === '' || line.startsWith('#')) return line;
      return `${base}/${line}?${query}`;
    })
    .join('\n');
}

function contentType(file: string): string {
  if (file.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (file.endsWith('.ts')) return 'video/mp2t';
  if (file.endsWith('.mp3')) return 'audio/mpeg';
  return 'audio/mp4';
}

/** Serves a file with Range support; 404 when it is not there. */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const size = await stat(file).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
  if (size === undefined) return sendText(res, 404, 'text/plain', 'not found');
  const range = parseRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const head = { 'content-type': contentType(file), 'accept-ranges': 'bytes', 'cache-control': 'max-age=86400' };
  if (range.kind === 'ok') {
    res.writeHead(206, { ...head, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start: range.start, end: range.end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...head, 'content-length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

/** A rendition's playlist with absolute URLs. */
export async function sendPlaylist(res: ServerResponse, dir: string, base: string, query: string): Promise<void> {
  const text = await readFile(path.join(dir, 'index.m3u8'), 'utf8');
  sendText(res, 200, 'application/vnd.apple.mpegurl', absolutePlaylist(text, base, query));
}

/** Only names ffmpeg wrote: no path tricks out of a rendition's directory. */
export function safeName(name: string | undefined): string | undefined {
  return name !== undefined && /^[A-Za-z0-9_.-]+$/.test(name) && !name.startsWith('.') ? name : undefined;
}
