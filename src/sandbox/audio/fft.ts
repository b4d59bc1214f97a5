/**
 * Dominant-frequency estimation for pure test tones. The sandbox identifies tracks by their tone,
 * so this must be accurate to a couple of hertz on a 200 ms window and cheap enough to run for
 * hundreds of concurrent streams: buffers are allocated once per analyser and reused.
 */

export interface ToneEstimate {
  /** Undefined when the window is too quiet to call a tone (silence). */
  readonly hz: number | undefined;
  /** Root mean square of the samples, on the -1..1 scale. */
  readonly rms: number;
}

export interface ToneAnalyzerOptions {
  readonly sampleRate: number;
  /** Longest input the analyser accepts; longer inputs are truncated. */
  readonly maxSamples: number;
  readonly minHz?: number;
  readonly maxHz?: number;
  /** Below this RMS (-1..1 scale) the window is silence. The default sits ~33 dB under ffmpeg's sine. */
  readonly minRms?: number;
  /** FFT size is the next power of two of maxSamples times this; more padding, finer bins, more work. */
  readonly padding?: number;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** In-place iterative radix-2 complex FFT over split real/imaginary arrays of power-of-two length. */
function fftInPlace(re: Float64Array, im: Float64Array, cos: Float64Array, sin: Float64Array, bitrev: Uint32Array): void {
  const n = re.length;
  for (let i = 0; i < n; i++) {
    const j = bitrev[i] ?? 0;
    if (j > i) {
      const tr = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = tr;
      const ti = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = ti;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step] ?? 0;
        const wi = sin[k * step] ?? 0;
        const a = start + k;
        const b = a + half;
        const br = re[b] ?? 0;
        const bi = im[b] ?? 0;
        const tr = wr * br - wi * bi;
        const ti = wr * bi + wi * br;
        const ar = re[a] ?? 0;
        const ai = im[a] ?? 0;
        re[b] = ar - tr;
        im[b] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }
}

/**
 * Hann window, zero padding and Gaussian (log-parabolic) interpolation of the peak: for a pure
 * tone this lands within a small fraction of a bin, far inside the ±2 Hz the sandbox needs.
 */
export class ToneAnalyzer {
  readonly sampleRate: number;
  readonly fftSize: number;
  private readonly maxSamples: number;
  private readonly minHz: number;
  private readonly maxHz: number;
  private readonly minRms: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bitrev: Uint32Array;

  constructor(options: ToneAnalyzerOptions) {
    this.sampleRate = options.sampleRate;
    this.maxSamples = options.maxSamples;
    this.minHz = options.minHz ?? 50;
    this.maxHz = Math.min(options.maxHz ?? 4000, options.sampleRate / 2);
    this.minRms = options.minRms ?? 0.002;
    const n = nextPowerOfTwo(options.maxSamples * (options.padding ?? 4));
    this.fftSize = n;
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / n);
    }
    this.bitrev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
  }

  /** Analyses the first `length` samples (mono, -1..1 scale). */
  analyze(samples: Float32Array, length: number = samples.length): ToneEstimate {
    const len = Math.min(length, samples.length, this.maxSamples);
    if (len < 16) return { hz: undefined, rms: 0 };
    let mean = 0;
    for (let i = 0; i < len; i++) mean += samples[i] ?? 0;
    mean /= len;
    let energy = 0;
    for (let i = 0; i < len; i++) {
      const v = (samples[i] ?? 0) - mean;
      energy += v * v;
    }
    const rms = Math.sqrt(energy / len);
    if (rms < this.minRms) return { hz: undefined, rms };

    const { re, im } = this;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < len; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (len - 1));
      re[i] = ((samples[i] ?? 0) - mean) * w;
    }
    fftInPlace(re, im, this.cos, this.sin, this.bitrev);

    const n = this.fftSize;
    const lo = Math.max(1, Math.floor((this.minHz * n) / this.sampleRate));
    const hi = Math.min(n / 2 - 2, Math.ceil((this.maxHz * n) / this.sampleRate));
    let best = -1;
    let bestPower = 0;
    for (let k = lo; k <= hi; k++) {
      const p = (re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2;
      if (p > bestPower) {
        bestPower = p;
        best = k;
      }
    }
    if (best < 0) return { hz: undefined, rms };
    const power = (k: number): number => Math.max((re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2, 1e-30);
    // Log-parabolic fit: a Hann-windowed tone's main lobe is close to a Gaussian.
    const a = Math.log(power(best - 1));
    const b = Math.log(power(best));
    const c = Math.log(power(best + 1));
    const denom = a - 2 * b + c;
    const delta = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
    return { hz: ((best + delta) * this.sampleRate) / n, rms };
  }
}

/** Converts Int16 PCM (mono, or interleaved channels averaged to mono) to -1..1 floats. */
export function int16ToMono(pcm: Int16Array, channels: number, out: Float32Array = new Float32Array(Math.floor(pcm.length / channels))): Float32Array {
  const frames = Math.min(Math.floor(pcm.length / channels), out.length);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let ch = 0; ch < channels; ch++) sum += pcm[i * channels + ch] ?? 0;
    out[i] = sum / channels / 32768;
  }
  return out;
}

/** One-shot convenience for tests and tools; hot paths keep a ToneAnalyzer instead. */
export function dominantFrequency(
  samples: Float32Array | Int16Array,
  sampleRate: number,
  options: { channels?: number; minHz?: number; maxHz?: number; minRms?: number } = {},
): ToneEstimate {
  const mono = samples instanceof Int16Array ? int16ToMono(samples, options.channels ?? 1) : samples;
  const analyzer = new ToneAnalyzer({
    sampleRate,
    maxSamples: mono.length,
    ...(options.minHz !== undefined ? { minHz: options.minHz } : {}),
    ...(options.maxHz !== undefined ? { maxHz: options.maxHz } : {}),
    ...(options.minRms !== undefined ? { minRms: options.minRms } : {}),
  });
  return analyzer.analyze(mono);
}
