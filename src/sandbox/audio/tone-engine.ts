/**
 * Decoding plus analysis of one window of Opus frames. Shared per configuration by all monitors
 * of the process because the work is synchronous and the buffers (FFT tables, PCM scratch) are
 * the expensive part to hold 200 times.
 */
import { ToneAnalyzer, type ToneEstimate } from './fft';
import { isOpusInputError, sharedDecoder, type DecodeRate, type SharedOpusDecoder } from './opus-decoder';

/** Where a window's frames live: `count` frames of `lengths[i]` bytes at `slot(i) * slotBytes`. */
export interface FrameSource {
  readonly store: Buffer;
  readonly slotBytes: number;
  readonly lengths: Uint16Array;
  /** Physical slot index of the i-th frame to decode. */
  slot(i: number): number;
}

export type WindowVerdict = ToneEstimate & { readonly decoded: boolean; readonly error?: string };

export class ToneEngine {
  readonly decoder: SharedOpusDecoder;
  private readonly analyzer: ToneAnalyzer;
  private readonly pcm: Float32Array;

  constructor(readonly rate: DecodeRate, windowFrames: number, minRms: number) {
    this.decoder = sharedDecoder(rate);
    // 20 ms frames are what @discordjs/voice sends; longer frames are truncated to the window size.
    const maxSamples = (windowFrames * rate) / 50;
    this.pcm = new Float32Array(maxSamples);
    this.analyzer = new ToneAnalyzer({ sampleRate: rate, maxSamples, minRms, padding: 1.5 });
  }

  /** Decodes `warmup` frames for decoder state, then `count` frames into PCM, and finds the tone. */
  analyze(frames: FrameSource, warmup: number, count: number): WindowVerdict {
    try {
      return this.decodeAndAnalyze(frames, warmup, count);
    } catch (e) {
      if (isOpusInputError(e)) return failed(e);
      // Another opusscript user in the process broke the shared instance: one fresh attempt.
      try {
        this.decoder.recreate();
        return this.decodeAndAnalyze(frames, warmup, count);
      } catch (again) {
        return failed(again);
      }
    }
  }

  private decodeAndAnalyze(frames: FrameSource, warmup: number, count: number): WindowVerdict {
    const { store, slotBytes, lengths } = frames;
    this.decoder.resetState();
    let filled = 0;
    for (let i = 0; i < warmup + count; i++) {
      const slot = frames.slot(i);
      const len = lengths[slot] ?? 0;
      if (len === 0) return { hz: undefined, rms: 0, decoded: false, error: 'frame too large to keep' };
      const start = slot * slotBytes;
      const pcm = this.decoder.decode(store.subarray(start, start + len));
      if (i < warmup) continue;
      const samples = Math.min(pcm.length >> 1, this.pcm.length - filled);
      for (let s = 0; s < samples; s++) this.pcm[filled + s] = pcm.readInt16LE(s * 2) / 32768;
      filled += samples;
    }
    return { ...this.analyzer.analyze(this.pcm, filled), decoded: true };
  }
}

function failed(e: unknown): WindowVerdict {
  return { hz: undefined, rms: 0, decoded: false, error: e instanceof Error ? e.message : String(e) };
}

const engines = new Map<string, ToneEngine>();

export function toneEngine(rate: DecodeRate, windowFrames: number, minRms: number): ToneEngine {
  const key = `${rate}:${windowFrames}:${minRms}`;
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = new ToneEngine(rate, windowFrames, minRms);
    engines.set(key, engine);
  }
  return engine;
}
