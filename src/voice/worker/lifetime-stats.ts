/**
 * An engine host's counters over all its engine's lives (EngineHost.stats): counters add up across
 * restarts, gauges (guilds, playing, the longest gap, ffmpeg processes) are the living engine's.
 */
import type { EngineStats } from '../engine/contract';
import { EMPTY_STATS } from '../engine/host';

type CounterName = 'framesSent' | 'framesLate' | 'ticks' | 'ticksMissed' | 'packetsPrepared' | 'prepareMicros' | 'dispatchMicros';
const COUNTERS: readonly CounterName[] = ['framesSent', 'framesLate', 'ticks', 'ticksMissed', 'packetsPrepared', 'prepareMicros', 'dispatchMicros'];

/** b's gauges, a's and b's counters added. */
function add(a: EngineStats, b: EngineStats): EngineStats {
  const sum: { -readonly [K in keyof EngineStats]: EngineStats[K] } = { ...b };
  for (const name of COUNTERS) sum[name] = a[name] + b[name];
  return sum;
}

export class LifetimeStats {
  /** Counters of the engines that died, summed. */
  private past: EngineStats = EMPTY_STATS;
  private living: EngineStats = EMPTY_STATS;

  /** The living engine's latest report. */
  report(stats: EngineStats): void {
    this.living = stats;
  }

  /** The engine died: its last counters join the past, its gauges go to zero. */
  died(): void {
    this.past = add(this.past, this.living);
    this.living = EMPTY_STATS;
  }

  current(): EngineStats {
    return add(this.past, this.living);
  }
}
