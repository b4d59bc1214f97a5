/**
 * Where a ranged plan starts reading for a position (DESIGN.md §6, "without downloading the past"):
 * the container's header, then the bytes from the cluster (WebM Cues) or fragment (MP4 sidx) at or
 * before the position; what remains of the position is dropped by the demuxer or ffmpeg (`skipMs`).
 * Anything that does not parse falls back to reading from byte 0 and dropping everything before the
 * position, as a file without an index is played: slower, never wrong.
 */
import { fetchBytes, type FetchContext, type MediaTarget } from '../fetch-context';
import type { ByteRange, StreamPlan } from '../plan';
import { parseMp4Layout, parseSidx } from './mp4-index';
import { parseCues, parseWebmHeader, pointAtOrBefore } from './webm-index';

type RangedPlan = Extract<StreamPlan, { kind: 'ranged' }>;

export interface RangedStart {
  /** The container header to hand the consumer before startByte's bytes. */
  readonly prefix?: Buffer;
  readonly startByte: number;
  /** What is left of the position once reading starts at startByte. */
  readonly skipMs: number;
  /** How the start was found, for logs. */
  readonly how: 'from-start' | 'webm-cues' | 'mp4-sidx';
}

/** Bytes fetched for a header found without initRange: 256 KiB, well past any audio file's Tracks or moov. */
export const HEADER_PROBE_BYTES = 256 * 1024;
/** Bytes fetched for Cues found through the SeekHead: 256 KiB, hours of audio's cue points. */
export const CUES_PROBE_BYTES = 256 * 1024;

export type RangedStartOutcome = { readonly kind: 'start'; readonly start: RangedStart } | { readonly kind: 'cancelled' };

interface Reading {
  readonly plan: RangedPlan;
  readonly target: MediaTarget;
  readonly ctx: FetchContext;
  readonly signal: AbortSignal;
}

const fromStart = (startMs: number): RangedStart => ({ startByte: 0, skipMs: startMs, how: 'from-start' });

async function bytes(r: Reading, start: number, endInclusive: number): Promise<Buffer | 'cancelled' | undefined> {
  const end = Math.min(endInclusive, r.plan.contentLength - 1);
  if (end < start) return undefined;
  const got = await fetchBytes(r.target, start, end, r.ctx, r.signal);
  if (got.kind === 'cancelled') return 'cancelled';
  if (got.kind === 'failed') return undefined;
  // A server that ignored the range sent the file from 0.
  if (got.status === 200 && !r.target.rangeParam) return start === 0 ? got.bytes.subarray(0, end + 1) : undefined;
  return got.bytes;
}

const endOf = (range: ByteRange): number => range.end + 1;

async function webmStart(r: Reading, startMs: number): Promise<RangedStart | 'cancelled'> {
  const { initRange, indexRange } = r.plan;
  const head = await bytes(r, 0, initRange !== undefined ? initRange.end : HEADER_PROBE_BYTES - 1);
  if (head === 'cancelled') return head;
  const header = head === undefined ? undefined : parseWebmHeader(head);
  const headerEnd = initRange !== undefined ? endOf(initRange) : header?.headerEnd;
  if (head === undefined || header === undefined || headerEnd === undefined || headerEnd > head.length) return fromStart(startMs);
  let cues: Buffer | 'cancelled' | undefined;
  if (indexRange !== undefined) cues = await bytes(r, indexRange.start, indexRange.end);
  else if (header.cuesAt !== undefined && header.cuesAt + 16 < head.length) cues = head.subarray(header.cuesAt);
  else if (header.cuesAt !== undefined) cues = await bytes(r, header.cuesAt, header.cuesAt + CUES_PROBE_BYTES - 1);
  if (cues === 'cancelled') return cues;
  const point = cues === undefined ? undefined : pointAtOrBefore(parseCues(cues, header), startMs);
  if (point === undefined || point.offset < headerEnd || point.offset >= r.plan.contentLength) return fromStart(startMs);
  return { prefix: head.subarray(0, headerEnd), startByte: point.offset, skipMs: Math.max(0, startMs - point.timeMs), how: 'webm-cues' };
}

async function mp4Start(r: Reading, startMs: number): Promise<RangedStart | 'cancelled'> {
  const { initRange, indexRange } = r.plan;
  const declared = initRange !== undefined && indexRange !== undefined;
  const head = await bytes(r, 0, declared ? Math.max(initRange.end, indexRange.end) : HEADER_PROBE_BYTES - 1);
  if (head === 'cancelled') return head;
  if (head === undefined) return fromStart(startMs);
  const layout = parseMp4Layout(head);
  const initEnd = initRange !== undefined ? endOf(initRange) : layout.initEnd;
  const sidx = indexRange !== undefined ? { start: indexRange.start, end: endOf(indexRange) } : layout.sidx;
  if (initEnd === undefined || sidx === undefined || initEnd > head.length) return fromStart(startMs);
  const index: Buffer | 'cancelled' | undefined = sidx.end <= head.length ? head.subarray(sidx.start, sidx.end) : await bytes(r, sidx.start, sidx.end - 1);
  if (index === 'cancelled') return index;
  const point = index === undefined ? undefined : pointAtOrBefore(parseSidx(index, sidx.start), startMs);
  if (point === undefined || point.offset < initEnd || point.offset >= r.plan.contentLength) return fromStart(startMs);
  return { prefix: head.subarray(0, initEnd), startByte: point.offset, skipMs: Math.max(0, startMs - point.timeMs), how: 'mp4-sidx' };
}

export async function rangedStart(plan: RangedPlan, target: MediaTarget, startMs: number, ctx: FetchContext, signal: AbortSignal): Promise<RangedStartOutcome> {
  if (startMs <= 0) return { kind: 'start', start: fromStart(0) };
  const reading: Reading = { plan, target, ctx, signal };
  const start = plan.container === 'webm' ? await webmStart(reading, startMs) : plan.container === 'mp4' ? await mp4Start(reading, startMs) : fromStart(startMs);
  return start === 'cancelled' ? { kind: 'cancelled' } : { kind: 'start', start };
}
