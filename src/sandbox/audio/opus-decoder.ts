/**
 * One process-wide Opus decoder shared by every guild monitor.
 *
 * opusscript keeps views into a WebAssembly heap that is shared by all its instances: creating
 * many instances grows the heap and detaches the views of the older ones ("detached
 * ArrayBuffer"). So the monitors do not keep a decoder per stream; they buffer a window's frames
 * and decode them in one burst after resetting the shared decoder, which also makes the decoder
 * count independent of the number of guilds.
 *
 * opusscript 0.0.8 also writes decoded PCM at twice its allocated address (a HEAPU16 index used as
 * a byte offset), which is harmless only for an instance allocated early, low in the heap, before
 * other instances: one long-lived decoder, created when the first monitor starts, is the safe use.
 */
import OpusScript from 'opusscript';

export type DecodeRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** Opus `OPUS_RESET_STATE`: forget the previous stream so a burst starts clean. */
const OPUS_RESET_STATE = 4028;

export class SharedOpusDecoder {
  private decoder: OpusScript | undefined;
  private users = 0;

  constructor(readonly rate: DecodeRate) {}

  /** Creates the decoder now, while the heap is still small, rather than at the first window. */
  acquire(): void {
    this.users += 1;
    this.ensure();
  }

  /** The last user's release frees the WebAssembly memory. */
  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) this.dispose();
  }

  resetState(): void {
    this.withDecoder((d) => d.decoderCTL(OPUS_RESET_STATE, 0));
  }

  /** Mono PCM (Opus downmixes stereo streams itself, which halves the work). */
  decode(frame: Buffer): Buffer {
    return this.withDecoder((d) => d.decode(frame));
  }

  /**
   * Drops a decoder broken by another opusscript user (detached views after heap growth, or out
   * of bounds accesses); the next use creates a fresh one, normally in the memory just freed.
   */
  recreate(): void {
    this.dispose();
    this.ensure();
  }

  private withDecoder<T>(use: (d: OpusScript) => T): T {
    return use(this.ensure());
  }

  private ensure(): OpusScript {
    this.decoder ??= new OpusScript(this.rate, 1, OpusScript.Application.AUDIO);
    return this.decoder;
  }

  private dispose(): void {
    const d = this.decoder;
    this.decoder = undefined;
    if (d === undefined) return;
    try {
      d.delete();
    } catch {
      // A decoder whose heap views were detached cannot be freed cleanly; dropping it is all we can do.
    }
  }
}

const shared = new Map<DecodeRate, SharedOpusDecoder>();

export function sharedDecoder(rate: DecodeRate): SharedOpusDecoder {
  let d = shared.get(rate);
  if (d === undefined) {
    d = new SharedOpusDecoder(rate);
    shared.set(rate, d);
  }
  return d;
}

/** Errors libopus itself reports for bad input, as opposed to a broken WebAssembly instance. */
export function isOpusInputError(e: unknown): boolean {
  return e instanceof Error && /^Decoder? (CTL )?error/i.test(e.message);
}
