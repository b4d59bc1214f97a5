/**
 * t4.bcbits.com's signed stream URLs, shaped as Bandcamp hands them out in a page's trackinfo:
 * `https://t4.bcbits.com/stream/{32 hex}/mp3-128/{track id}?p=0&ts={unix s}&t={40 hex}&token={unix s}_{40 hex}`.
 * A URL serves for a day from `ts`; clients observe 410 Gone once it has expired, and also earlier when
 * Bandcamp's signing session has rotated, which expireAll() stands for. The fake checks its own
 * signature; the real one is opaque.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange } from '../../fixtures/range';

export const STREAM_HOST = 't4.bcbits.com';
/** How long a stream URL serves after it was handed out: a day, as observed. */
export const DEFAULT_STREAM_LIFETIME_MS = 24 * 60 * 60 * 1000;

function hex(text: string, length: number): string {
  return createHash('sha1').update(text).digest('hex').slice(0, length);
}

export interface StreamSigner {
  /** A fresh signed URL for a track, as a page served now carries it. */
  urlFor(trackId: number): string;
  /** The track a URL path and query stand for, or why it serves nothing. */
  check(url: URL): { readonly kind: 'ok'; readonly trackId: number } | { readonly kind: 'gone' } | { readonly kind: 'not-found' };
  /** Every URL handed out so far answers 410 from now on; pages served from now on carry new ones. */
  expireAll(): void;
}

export function streamSigner(lifetimeMs: number = DEFAULT_STREAM_LIFETIME_MS, now: () => number = Date.now): StreamSigner {
  let session = 1;
  const sign = (trackId: number, ts: number, s: number): string => hex(`hiqty-fake:${s}:${trackId}:${ts}`, 40);
  return {
    urlFor(trackId) {
      const ts = Math.floor(now() / 1000);
      const t = sign(trackId, ts, session);
      return `https://${STREAM_HOST}/stream/${hex(`file:${trackId}`, 32)}/mp3-128/${trackId}?p=0&ts=${ts}&t=${t}&token=${ts}_${hex(t, 40)}`;
    },
    check(url) {
      const m = /^\/stream\/([0-9a-f]{32})\/mp3-128\/(\d+)$/.exec(url.pathname);
      if (!m || m[1] !== hex(`file:${m[2] ?? ''}`, 32)) return { kind: 'not-found' };
      const trackId = Number(m[2]);
      const ts = Number(url.searchParams.get('ts') ?? Number.NaN);
      const t = url.searchParams.get('t') ?? '';
      const token = url.searchParams.get('token') ?? '';
      if (!Number.isSafeInteger(ts) || t !== sign(trackId, ts, session) || token !== `${ts}_${hex(t, 40)}`) return { kind: 'gone' };
      if (now() > ts * 1000 + lifetimeMs) return { kind: 'gone' };
      return { kind: 'ok', trackId };
    },
    expireAll() {
      session++;
    },
  };
}

/** An MP3 with Range support, as the stream host serves it (206 for a range, the full length otherwise). */
export async function sendMp3(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const size = (await stat(file)).size;
  const range = parseRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const head = { 'content-type': 'audio/mpeg', 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=0' };
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
