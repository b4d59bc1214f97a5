/**
 * Looks at the start of a stream without consuming it: the probe needs the first bytes, and
 * openTrack waits for the first Opus packet before it calls a track playable.
 */
import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../clock';

export type Peek<T> =
  /** The chunks were put back: the stream reads from its start again. */
  | { readonly kind: 'ready'; readonly chunks: readonly T[] }
  /** The stream ended: these chunks are all there was. */
  | { readonly kind: 'ended'; readonly chunks: readonly T[] }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timeout' };

export interface PeekOptions<T> {
  /** True once enough has been seen; asked after each chunk. */
  readonly enough: (chunks: readonly T[]) => boolean;
  readonly isChunk: (u: unknown) => u is T;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/**
 * Reads with 'readable' and read() rather than 'data': removing the last 'readable' listener puts
 * the stream back in its initial state, so the consumer may then use pipe, 'data', read() or
 * for-await as it likes (a pause() would stop a later 'data' listener from ever flowing).
 */
export function peek<T>(stream: Readable, options: PeekOptions<T>): Promise<Peek<T>> {
  const clock = options.clock ?? systemClock;
  return new Promise((resolve) => {
    const chunks: T[] = [];
    let finished = false;
    const timer = options.timeoutMs === undefined ? undefined : clock.setTimeout(() => done({ kind: 'timeout' }), options.timeoutMs);
    const done = (result: Peek<T>): void => {
      if (finished) return;
      finished = true;
      timer?.cancel();
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (result.kind === 'ready' || result.kind === 'timeout') {
        // Put back last chunk first so the stream reads them in their original order.
        for (let i = chunks.length - 1; i >= 0; i--) stream.unshift(chunks[i]);
      }
      resolve(result);
    };
    const onReadable = (): void => {
      for (;;) {
        if (finished) return;
        const chunk: unknown = stream.read();
        if (chunk === null) return;
        if (!options.isChunk(chunk)) continue;
        chunks.push(chunk);
        if (options.enough(chunks)) return done({ kind: 'ready', chunks });
      }
    };
    const onEnd = (): void => done({ kind: 'ended', chunks });
    const onError = (error: unknown): void => done({ kind: 'failed', error });
    // Destroyed without an error (by close()): nothing more will come.
    const onClose = (): void => done(stream.errored ? { kind: 'failed', error: stream.errored } : { kind: 'failed', error: new Error('the stream was closed') });
    // It may have ended or failed before anyone looked.
    if (stream.errored) return done({ kind: 'failed', error: stream.errored });
    if (stream.destroyed) return onClose();
    if (stream.readableEnded) return onEnd();
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

export function isBuffer(u: unknown): u is Buffer {
  return Buffer.isBuffer(u);
}
