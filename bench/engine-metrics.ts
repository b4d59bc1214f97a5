/**
 * The voice engine's own counters, read from a bot's /metrics (Prometheus text) before and after a
 * window. These names are the contract with the engine (issue 14); a counter the bot does not expose
 * reads as undefined and the report shows "-".
 */

export const ENGINE_COUNTERS = [
  'hiqty_voice_prepare_seconds_total',
  'hiqty_voice_dispatch_seconds_total',
  'hiqty_voice_packets_prepared_total',
  'hiqty_audio_frames_sent_total',
  'hiqty_voice_ticks_missed_total',
  'hiqty_audio_frames_late_total',
] as const;
export type EngineCounter = (typeof ENGINE_COUNTERS)[number];
export type EngineReading = Partial<Record<EngineCounter, number>>;

/** Sums every series of each counter (labels such as the worker are added up). */
export function parseEngineCounters(text: string): EngineReading {
  const out: EngineReading = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    const name = ENGINE_COUNTERS.find((c) => c === m?.[1]);
    const value = Number(m?.[2]);
    if (name !== undefined && Number.isFinite(value)) out[name] = (out[name] ?? 0) + value;
  }
  return out;
}

/** One scrape; an unreachable /metrics reads as no counters (the step still reports the rest). */
export async function readEngineCounters(metricsUrl: string | undefined): Promise<EngineReading> {
  if (metricsUrl === undefined) return {};
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
    return res.ok ? parseEngineCounters(await res.text()) : {};
  } catch {
    return {};
  }
}

/** What the engine reported over a window: its per-packet breakdown and missed ticks. */
export interface EngineFigures {
  readonly framesSent?: number;
  readonly packetsPrepared?: number;
  /** Prepare time ÷ packets prepared, dispatch time ÷ frames sent, in µs. */
  readonly prepareUsPerPacket?: number;
  readonly dispatchUsPerPacket?: number;
  readonly ticksMissed?: number;
  /** Frames the engine itself sent over 40 ms after the previous one of their track, per thousand sent: the sender's view of the late ‰ the sandbox measures. */
  readonly sentLatePermille?: number;
}

export function engineFigures(before: EngineReading, after: EngineReading): EngineFigures {
  const delta = (k: EngineCounter): number | undefined => {
    const a = after[k];
    const b = before[k];
    return a === undefined || b === undefined ? undefined : a - b;
  };
  const per = (seconds: number | undefined, n: number | undefined): number | undefined =>
    seconds === undefined || n === undefined || n <= 0 ? undefined : (seconds * 1e6) / n;
  const framesSent = delta('hiqty_audio_frames_sent_total');
  const packetsPrepared = delta('hiqty_voice_packets_prepared_total');
  const out: { -readonly [K in keyof EngineFigures]: EngineFigures[K] } = {};
  if (framesSent !== undefined) out.framesSent = framesSent;
  if (packetsPrepared !== undefined) out.packetsPrepared = packetsPrepared;
  const prepare = per(delta('hiqty_voice_prepare_seconds_total'), packetsPrepared);
  if (prepare !== undefined) out.prepareUsPerPacket = prepare;
  const dispatch = per(delta('hiqty_voice_dispatch_seconds_total'), framesSent);
  if (dispatch !== undefined) out.dispatchUsPerPacket = dispatch;
  const missed = delta('hiqty_voice_ticks_missed_total');
  if (missed !== undefined) out.ticksMissed = missed;
  const late = delta('hiqty_audio_frames_late_total');
  if (late !== undefined && framesSent !== undefined && framesSent > 0) out.sentLatePermille = (late / framesSent) * 1000;
  return out;
}
