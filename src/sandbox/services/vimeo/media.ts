/**
 * The Vimeo fake's media, made by ffmpeg from tones and cached by their parameters like the other
 * fixtures: progressive MP4s with a (black) H.264 video track and the tone in AAC, as Vimeo's
 * progressive files carry both; HLS audio renditions (AAC in fMP4, from hls-tones) and video-only
 * HLS renditions, as Vimeo's masters separate them. Also how the CDN hosts serve those files.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { parseRange } from '../../fixtures/range';
import { runFfmpegOk } from '../../fixtures/run-ffmpeg';

/** A progressive file's size, as its config entry states it. */
export interface Rendition {
  readonly quality: string;
  readonly width: number;
  readonly height: number;
}

export const P360: Rendition = { quality: '360p', width: 640, height: 360 };
export const P240: Rendition = { quality: '240p', width: 426, height: 240 };
/** Listed largest first, as the config lists them: the source must pick the smallest itself. */
export const RENDITIONS: readonly Rendition[] = [P360, P240];

const FPS = 5;

async function exists(file: string): Promise<boolean> {
  return stat(file).then((s) => s.size > 0, () => false);
}

// Concurrent callers asking for the same output share one ffmpeg run instead of racing on it.
const inFlight = new Map<string, Promise<string>>();

/** `target` made by ffmpeg once: written aside (`args(temp)`) and renamed, so a reader never sees half of it. */
function cached(target: string, args: (temp: string) => string[], isDir: boolean): Promise<string> {
  const pending = inFlight.get(target);
  if (pending) return pending;
  const job = (async () => {
    if (await exists(isDir ? path.join(target, 'index.m3u8') : target)) return target;
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    if (isDir) await mkdir(temp, { recursive: true });
    try {
      await runFfmpegOk(args(temp));
      if (isDir) await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return target;
  })().finally(() => inFlight.delete(target));
  inFlight.set(target, job);
  return job;
}

function blackVideo(r: Rendition, seconds: string): string[] {
  return ['-f', 'lavfi', '-i', `color=c=black:s=${r.width}x${r.height}:r=${FPS}:d=${seconds}`];
}

const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(FPS * 2)];

/** A progressive MP4 (moov first, as files meant for streaming are): the video and the tone. */
export function makeProgressiveMp4(spec: { readonly hz: number; readonly durationMs: number; readonly rendition: Rendition; readonly dir: string }): Promise<string> {
  const seconds = (spec.durationMs / 1000).toFixed(3);
  const target = path.resolve(spec.dir, `vimeo-progressive-${spec.hz}hz-${spec.durationMs}ms-${spec.rendition.quality}.mp4`);
  return cached(
    target,
    (temp) => [
      '-loglevel', 'error', '-y',
      ...blackVideo(spec.rendition, seconds),
      '-f', 'lavfi', '-i', `sine=frequency=${spec.hz}:sample_rate=44100:duration=${seconds}`,
      ...H264,
      '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
      '-movflags', '+faststart', '-shortest', '-f', 'mp4', temp,
    ],
    false,
  );
}

/** A video-only HLS rendition (fMP4 with an EXT-X-MAP): `index.m3u8`, `init.mp4`, `seg%03d.m4s` in its directory. */
export function makeVideoRendition(spec: { readonly durationMs: number; readonly segmentMs: number; readonly rendition: Rendition; readonly dir: string }): Promise<string> {
  const seconds = (spec.durationMs / 1000).toFixed(3);
  const target = path.resolve(spec.dir, `vimeo-hls-video-${spec.durationMs}ms-${spec.segmentMs}-${spec.rendition.quality}`);
  return cached(
    target,
    (temp) => [
      '-loglevel', 'error', '-y',
      ...blackVideo(spec.rendition, seconds),
      ...H264,
      '-f', 'hls', '-hls_time', String(spec.segmentMs / 1000), '-hls_playlist_type', 'vod',
      '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
      '-hls_segment_filename', path.join(temp, 'seg%03d.m4s'),
      path.join(temp, 'index.m3u8'),
    ],
    true,
  );
}

function contentType(file: string, video: boolean): string {
  if (file.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  return video ? 'video/mp4' : 'audio/mp4';
}

/** Serves a file with Range support, as the CDNs do; 404 when it is not there. */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, video: boolean): Promise<void> {
  const size = await stat(file).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
  if (size === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  const range = parseRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
  const head = { 'content-type': contentType(file, video), 'accept-ranges': 'bytes', 'cache-control': 'max-age=86400' };
  const [status, start, end] = range.kind === 'ok' ? [206, range.start, range.end] : [200, 0, size - 1];
  res.writeHead(status, { ...head, 'content-length': end - start + 1, ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file, { start, end }).pipe(res);
}

/** Only names ffmpeg wrote: no path tricks out of a rendition's directory. */
export function safeName(name: string | undefined): string | undefined {
  return name !== undefined && /^[A-Za-z0-9_.-]+$/.test(name) && !name.startsWith('.') ? name : undefined;
}
