/**
 * A byte Readable pulled from an async generator, whose destroy() aborts what the generator awaits.
 * Readable.from is not enough: its destroy waits for the generator's pending await (a fetch, a
 * playlist poll) to finish before the stream closes, so a stop would wait on the network.
 */
import { Readable } from 'node:stream';
import { AUDIO_BYTE_HIGH_WATER_MARK } from './stream-sizes';

export function pullStream(produce: (signal: AbortSignal) => AsyncGenerator<Buffer, void, undefined>): Readable {
  const controller = new AbortController();
  let iterator: AsyncGenerator<Buffer, void, undefined> | undefined;
  let pulling = false;
  const stream: Readable = new Readable({
    highWaterMark: AUDIO_BYTE_HIGH_WATER_MARK,
    read() {
      if (pulling) return;
      pulling = true;
      iterator ??= produce(controller.signal);
      const it = iterator;
      void (async () => {
        try {
          for (;;) {
            const next = await it.next();
            if (stream.destroyed) return;
            if (next.done === true) {
              stream.push(null);
              return;
            }
            if (!stream.push(next.value)) return;
          }
        } catch (e) {
          stream.destroy(e instanceof Error ? e : new Error(String(e)));
        } finally {
          pulling = false;
        }
      })();
    },
    destroy(err, callback) {
      controller.abort();
      // The generator ends at its next step; nothing waits for it.
      iterator?.return(undefined).catch(() => undefined);
      callback(err);
    },
  });
  return stream;
}
