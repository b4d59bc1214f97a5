/**
 * The body of a fetched response as the rest of src/media sees it: counted, capped, watched for
 * stalls, and failing with a reason a person can read instead of a socket error code.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { systemClock, type Clock, type Timer } from '../clock';
import { AUDIO_BYTE_HIGH_WATER_MARK } from './stream-sizes';

/** 'cancelled': the fetch's signal fired after the headers (safeFetch destroys the body with it). */
export type BodyFailure = 'truncated' | 'idle' | 'too-large' | 'cancelled';

/** The one error a fetched body fails with; `kind` is a closed set so callers can switch on it. */
export class BodyError extends Error {
  constructor(
    readonly kind: BodyFailure,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export function isBodyError(e: unknown): e is BodyError {
  return e instanceof BodyError;
}

export interface MeterOptions {
  /** null: no cap (live streams never end). */
  readonly maxBytes: number | null;
  readonly idleTimeoutMs: number;
  /** From Content-Length: fewer bytes than this at the end means the download was cut short. */
  readonly expectedBytes?: number;
  readonly clock?: Clock;
}

export const TRUNCATED_REASON = 'the download stopped before the end (truncated)';

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${n} bytes`;
}

/**
 * Default 8 KiB: the most a chunk of a body may hold once it leaves the meter (half a second of audio
 * at 128 kbit/s). A socket read lands in a fresh 64 KiB buffer (on loopback, or a fast link, a full
 * one), and the chunk handed on is a slice of it: every hop queues at least one chunk whatever its
 * highWaterMark, and a small slice waiting in a queue keeps the whole 64 KiB alive (heap snapshots
 * showed four such buffers per playing track). Copied out in pieces of their own, the hops behind the
 * meter hold what their highWaterMark says, and a read buffer is let go as soon as it is copied.
 */
export const BODY_PIECE_BYTES = 8 * 1024;

/** A copy in a buffer of its own: Buffer.from would take a slice of Node's shared 64 KiB pool, pinning it the same way. */
function ownCopy(piece: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(piece.length);
  piece.copy(copy);
  return copy;
}

export class MeteredBody extends Transform {
  private received = 0;
  private lastProgressAt: number;
  private timer: Timer | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: MeterOptions) {
    // One read at a time waits on the writable side: the pieces queue on the readable side.
    super({ writableHighWaterMark: 1, readableHighWaterMark: AUDIO_BYTE_HIGH_WATER_MARK });
    this.clock = options.clock ?? systemClock;
    this.lastProgressAt = this.clock.monotonic();
    this.schedule(options.idleTimeoutMs);
  }

  get bytesRead(): number {
    return this.received;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    this.lastProgressAt = this.clock.monotonic();
    const { maxBytes } = this.options;
    if (maxBytes !== null && this.received > maxBytes) {
      callback(new BodyError('too-large', `the file is larger than the ${formatBytes(maxBytes)} limit`));
      return;
    }
    for (let at = 0; at < chunk.length; at += BODY_PIECE_BYTES) this.push(ownCopy(chunk.subarray(at, at + BODY_PIECE_BYTES)));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.stopTimer();
    const expected = this.options.expectedBytes;
    if (expected !== undefined && this.received < expected) {
      callback(new BodyError('truncated', TRUNCATED_REASON));
      return;
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopTimer();
    callback(error);
  }

  /** Called by the fetcher when the connection ends badly; the first failure wins. */
  fail(error: BodyError): void {
    if (!this.destroyed && !this.writableFinished) this.destroy(error);
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * One timer re-armed lazily rather than one per chunk. Time spent with data still buffered on
   * either side is the consumer's backpressure (a paused player, a busy ffmpeg), not a stalled
   * server, so it counts as progress.
   */
  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      if (this.destroyed || this.writableFinished) return;
      const now = this.clock.monotonic();
      if (this.readableLength > 0 || this.writableLength > 0) this.lastProgressAt = now;
      const quiet = now - this.lastProgressAt;
      const limit = this.options.idleTimeoutMs;
      if (quiet >= limit) {
        this.destroy(new BodyError('idle', `no data for ${formatSeconds(limit)}`));
        return;
      }
      this.schedule(limit - quiet);
    }, ms);
  }
}

export function formatSeconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
