/**
 * A file at a URL as a byte stream: today's single download, or, for a position in an MP3 whose
 * duration is known, a Range from an estimate corrected by the file's TOC (seek/mp3-seek.ts) so the
 * past is not downloaded. Other formats, and servers without ranges, download from the start and
 * leave the position to ffmpeg or the demuxer, as before.
 */
import type { Readable } from 'node:stream';
import { readAll, type FetchContext } from './fetch-context';
import { fetchFailureReason } from './media-error';
import type { PlanHeaders } from './plan';
import { probe } from './probe';
import { safeFetch, type FetchOk } from './safe-fetch';
import { mp3SeekOffset } from './seek/mp3-seek';

/** Bytes read first to find the format and an MP3's TOC: 64 KiB (an ID3 tag with artwork can be bigger; then the bitrate estimate is used). */
export const FILE_HEAD_BYTES = 64 * 1024;

export interface FileRequest {
  readonly url: string;
  readonly headers?: PlanHeaders;
  readonly live: boolean;
  readonly startMs: number;
  readonly durationMs?: number;
  readonly contentLength?: number;
}

export type FileInput =
  | { readonly kind: 'body'; readonly body: Readable; readonly contentType: string | undefined; readonly skipMs: number; readonly how: string }
  | { readonly kind: 'unplayable'; readonly reason: string }
  | { readonly kind: 'cancelled' };

function totalFromContentRange(ok: FetchOk): number | undefined {
  const m = /\/(\d+)\s*$/.exec(String(ok.headers['content-range'] ?? ''));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

type Seeked = FileInput | undefined;

/** The MP3 from an estimated byte, or undefined to download from the start. */
async function seekMp3(request: FileRequest, durationMs: number, ctx: FetchContext, signal: AbortSignal): Promise<Seeked> {
  const headers = request.headers === undefined ? {} : { headers: request.headers };
  const first = await safeFetch(request.url, { ...ctx, ...headers, rangeStart: 0, rangeEnd: FILE_HEAD_BYTES - 1, signal });
  if (first.kind === 'cancelled') return first;
  if (first.kind !== 'ok') return { kind: 'unplayable', reason: fetchFailureReason(first) };
  // The whole file came: play it from the start, as a server without ranges allows.
  if (first.status !== 206) return { kind: 'body', body: first.body, contentType: first.contentType, skipMs: request.startMs, how: 'from-start' };
  const total = request.contentLength ?? totalFromContentRange(first);
  const head = await readAll(first, signal);
  if (head.kind === 'cancelled') return head;
  if (head.kind === 'failed' || total === undefined) return undefined;
  const probed = probe(head.bytes, first.contentType, false);
  if (probed.kind !== 'transcode' || probed.format !== 'mp3') return undefined;
  const seek = mp3SeekOffset(head.bytes, request.startMs, total, durationMs);
  if (seek.offset <= head.bytes.length || seek.offset >= total) return undefined;
  const rest = await safeFetch(request.url, { ...ctx, ...headers, rangeStart: seek.offset, signal });
  if (rest.kind === 'cancelled') return rest;
  if (rest.kind !== 'ok' || rest.status !== 206) {
    if (rest.kind === 'ok') rest.body.destroy();
    return undefined;
  }
  return { kind: 'body', body: rest.body, contentType: rest.contentType, skipMs: 0, how: `mp3-${seek.how}` };
}

export async function openFile(request: FileRequest, ctx: FetchContext, signal: AbortSignal): Promise<FileInput> {
  const { durationMs } = request;
  if (request.startMs > 0 && !request.live && durationMs !== undefined && durationMs > 0) {
    const seeked = await seekMp3(request, durationMs, ctx, signal);
    if (seeked !== undefined) return seeked;
  }
  const fetched = await safeFetch(request.url, {
    ...ctx,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.live ? { maxBytes: null } : {}),
    signal,
  });
  if (fetched.kind === 'cancelled') return fetched;
  if (fetched.kind !== 'ok') return { kind: 'unplayable', reason: fetchFailureReason(fetched) };
  return { kind: 'body', body: fetched.body, contentType: fetched.contentType, skipMs: request.startMs, how: 'from-start' };
}
