/** Helpers for the tests of planned tracks: plan providers that count their attempts, tone checks, request ranges. */
import OpusScript from 'opusscript';
import { dominantFrequency } from '../../src/sandbox/audio/fft';
import type { PlanProvider, StreamPlan } from '../../src/media/plan';
import { opusPacketDurationMs } from '../../src/media/passthrough';
import type { FixtureRequest } from '../../src/sandbox/fixtures/server';

export interface CountingProvider {
  readonly provide: PlanProvider;
  readonly attempts: number[];
}

/** Answers attempt n with plans[n] (the last one for any later attempt). */
export function providerOf(...plans: StreamPlan[]): CountingProvider {
  const attempts: number[] = [];
  return {
    attempts,
    provide: (attempt) => {
      attempts.push(attempt);
      const plan = plans[Math.min(attempt, plans.length - 1)];
      return Promise.resolve(plan === undefined ? { kind: 'failed', reason: 'no plan' } : { kind: 'plan', plan });
    },
  };
}

export function totalMs(packets: readonly Buffer[]): number {
  return packets.reduce((sum, p) => sum + opusPacketDurationMs(p), 0);
}

/** The dominant frequency of the first `ms` of the packets (48 kHz stereo Opus), decoded. */
export function toneOf(packets: readonly Buffer[], ms = 600): number | undefined {
  const decoder = new OpusScript(48000, 2);
  try {
    const pcm: Int16Array[] = [];
    let seen = 0;
    // The first packets after a cut carry the decoder's ramp-up: skip 100 ms.
    for (const p of packets) {
      const decoded = decoder.decode(p);
      seen += opusPacketDurationMs(p);
      if (seen <= 100) continue;
      const samples = new Int16Array(decoded.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = decoded.readInt16LE(i * 2);
      pcm.push(samples);
      if (seen >= ms + 100) break;
    }
    const all = new Int16Array(pcm.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of pcm) {
      all.set(a, at);
      at += a.length;
    }
    return dominantFrequency(all, 48000, { channels: 2 }).hz;
  } finally {
    decoder.delete();
  }
}

/** The first byte a logged request asked for (Range header or range= parameter); 0 without either. */
export function firstByte(request: FixtureRequest): number {
  const param = /[?&]range=(\d+)-/.exec(request.path);
  if (param !== null) return Number(param[1]);
  const header = /^bytes=(\d+)-/.exec(request.range ?? '');
  return header === null ? 0 : Number(header[1]);
}

/** The last byte asked for, inclusive; undefined for an open-ended request. */
export function lastByte(request: FixtureRequest): number | undefined {
  const m = /[?&]range=\d+-(\d+)/.exec(request.path) ?? /^bytes=\d+-(\d+)/.exec(request.range ?? '');
  return m === null ? undefined : Number(m[1]);
}
