/**
 * A media URL read in ranged chunks (DESIGN.md §6): googlevideo throttles one long read, and a chunk
 * at a time lets a stream resume from any byte. When a chunk is refused as expired (403, 410 or 401:
 * signed URLs expire and are bound to the instance that asked), the plan's provider is asked ONCE
 * more with attempt + 1, and reading goes on from the same byte with the new URL; the consumer (a
 * demuxer or ffmpeg) never notices. A second expiry fails the stream with a reason that says so.
 */
import type { Readable } from 'node:stream';
import { isBodyError } from './metered-body';
import { MediaInputError, fetchFailureReason } from './media-error';
import { fetchRange, type FetchContext, type MediaTarget } from './fetch-context';
import type { PlanProvider } from './plan';
import { pullStream } from './pull-stream';

/** Default chunk: 10 MiB, as YouTube's own clients ask (a whole 4-minute Opus track is about 4 MiB). */
export const DEFAULT_CHUNK_BYTES = 10 * 1024 * 1024;

/** Statuses a signed media URL answers once it has expired or was bound to another client. */
const EXPIRED = new Set([401, 403, 410]);

/** How many times in a row a chunk cut short (a reset connection) is asked again from where it stopped. Default 2. */
export const DEFAULT_CHUNK_RETRIES = 2;

export interface RangedReaderOptions {
  readonly target: MediaTarget;
  readonly contentLength: number;
  /** First byte to read. Default 0. */
  readonly startByte?: number;
  /** Bytes handed out before the first chunk (a container header, when a seek skips to a cluster). */
  readonly prefix?: Buffer;
  /** Default DEFAULT_CHUNK_BYTES (10 MiB). */
  readonly chunkBytes?: number;
  /** Default DEFAULT_CHUNK_RETRIES (2). */
  readonly chunkRetries?: number;
  /** Asked again after an expiry; absent, an expiry fails the stream at once. */
  readonly provider?: PlanProvider;
  /** The attempt the current target came from. Default 0. */
  readonly attempt?: number;
  readonly fetch: FetchContext;
}

/** Asks the provider for the same file at a new URL. */
async function reask(options: RangedReaderOptions, attempt: number, status: number, signal: AbortSignal): Promise<MediaTarget | 'cancelled'> {
  if (options.provider === undefined) throw new MediaInputError(`the media URL expired (HTTP ${status})`);
  const outcome = await options.provider(attempt, signal);
  if (outcome.kind === 'cancelled' || signal.aborted) return 'cancelled';
  if (outcome.kind !== 'plan') throw new MediaInputError(`the media URL expired (HTTP ${status}) and asking again failed: ${outcome.reason}`);
  const plan = outcome.plan;
  if (plan.kind !== 'ranged' || plan.contentLength !== options.contentLength) {
    throw new MediaInputError(`the media URL expired (HTTP ${status}) and the new one is not the same file`);
  }
  return { url: plan.url, rangeParam: plan.rangeParam, ...(plan.headers === undefined ? {} : { headers: plan.headers }) };
}

async function* chunks(options: RangedReaderOptions, signal: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
  const { contentLength } = options;
  const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let target = options.target;
  let attempt = options.attempt ?? 0;
  let reasked = false;
  const chunkRetries = options.chunkRetries ?? DEFAULT_CHUNK_RETRIES;
  let retries = chunkRetries;
  let offset = Math.max(0, options.startByte ?? 0);
  if (options.prefix !== undefined && options.prefix.length > 0) yield options.prefix;
  while (offset < contentLength) {
    const end = Math.min(offset + chunkBytes, contentLength) - 1;
    const fetched = await fetchRange(target, offset, end, options.fetch, signal);
    if (fetched.kind === 'cancelled') return;
    if (fetched.kind === 'http-error' && EXPIRED.has(fetched.status)) {
      if (reasked) throw new MediaInputError(`the media URL expired twice (HTTP ${fetched.status})`);
      reasked = true;
      attempt++;
      const next = await reask(options, attempt, fetched.status, signal);
      if (next === 'cancelled') return;
      target = next;
      continue;
    }
    if (fetched.kind !== 'ok') throw new MediaInputError(fetchFailureReason(fetched));
    // With a Range header, a 200 is the whole file: usable only when the whole file was wanted from 0.
    const whole = fetched.status === 200 && !target.rangeParam;
    if (whole && offset > 0) throw new MediaInputError('the server ignores byte ranges, so the stream cannot go on from where it was');
    const before = offset;
    try {
      for await (const piece of fetched.body) {
        const chunk: Buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(String(piece));
        offset += chunk.length;
        yield chunk;
      }
    } catch (e) {
      if (signal.aborted) return;
      // A connection cut mid-chunk is asked again from the byte it stopped at, a few times.
      if (isBodyError(e) && e.kind === 'truncated' && retries > 0) {
        retries--;
        continue;
      }
      throw e;
    }
    if (whole) return;
    retries = chunkRetries;
    if (offset === before) throw new MediaInputError(`the server sent nothing from byte ${offset} of ${contentLength}`);
  }
}

/** The plan's bytes from startByte to the end, as one Readable (destroying it stops the download). */
export function rangedReader(options: RangedReaderOptions): Readable {
  return pullStream((signal) => chunks(options, signal));
}
