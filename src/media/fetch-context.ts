/**
 * What every fetch of one track shares (the address policy, transport, clock, HIQTY_SERVICE_ORIGINS,
 * caps), and ranged requests over it: a `range=a-b` query parameter, as YouTube's clients send, or a
 * Range header.
 */
import type { PlanHeaders } from './plan';
import { fetchFailureReason } from './media-error';
import { safeFetch, type FetchOutcome, type SafeFetchOptions } from './safe-fetch';

export type FetchContext = Pick<SafeFetchOptions, 'allow' | 'lookup' | 'request' | 'clock' | 'overrides' | 'idleTimeoutMs' | 'headersTimeoutMs' | 'maxBytes'>;

/** Where a ranged plan's bytes are, as the reader needs them (the URL changes when a source is asked again). */
export interface MediaTarget {
  readonly url: string;
  readonly headers?: PlanHeaders;
  readonly rangeParam: boolean;
}

/**
 * The URL with `range=start-end` set. Appended as text rather than through URLSearchParams, which would
 * re-encode the rest of a signed query.
 */
export function withRangeParam(url: string, start: number, end: number): string {
  const range = `range=${start}-${end}`;
  if (/[?&]range=[^&#]*/.test(url)) return url.replace(/([?&])range=[^&#]*/, `$1${range}`);
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}${range}`;
}

/** Bytes start..end (inclusive) of the target. */
export function fetchRange(target: MediaTarget, start: number, end: number, ctx: FetchContext, signal: AbortSignal): Promise<FetchOutcome> {
  const headers = target.headers === undefined ? {} : { headers: target.headers };
  if (target.rangeParam) return safeFetch(withRangeParam(target.url, start, end), { ...ctx, ...headers, signal });
  return safeFetch(target.url, { ...ctx, ...headers, rangeStart: start, rangeEnd: end, signal });
}

export type Bytes = { readonly kind: 'bytes'; readonly bytes: Buffer; readonly status: number } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

/** Reads a (small, capped) body to its end; its failure's message is the reason, unless the signal fired. */
export async function readBody(body: AsyncIterable<unknown>, signal: AbortSignal | undefined): Promise<{ readonly kind: 'read'; readonly bytes: Buffer } | Exclude<Bytes, { kind: 'bytes' }>> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  } catch (e) {
    if (signal?.aborted === true) return { kind: 'cancelled' };
    return { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
  return { kind: 'read', bytes: Buffer.concat(chunks) };
}

/** Reads a whole (small) response: a header, a seek index, a playlist. */
export async function readAll(outcome: FetchOutcome, signal: AbortSignal): Promise<Bytes> {
  if (outcome.kind === 'cancelled') return outcome;
  if (outcome.kind !== 'ok') return { kind: 'failed', reason: fetchFailureReason(outcome) };
  const read = await readBody(outcome.body, signal);
  return read.kind === 'read' ? { kind: 'bytes', bytes: read.bytes, status: outcome.status } : read;
}

/** Bytes start..end of the target, read whole. A server that ignores the range sends more; the caller slices. */
export async function fetchBytes(target: MediaTarget, start: number, end: number, ctx: FetchContext, signal: AbortSignal): Promise<Bytes> {
  return readAll(await fetchRange(target, start, end, { ...ctx, maxBytes: Math.max(end - start + 1, 0) + 64 * 1024 }, signal), signal);
}
