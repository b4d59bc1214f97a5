/**
 * The stall step (issue 14): N guilds (200 in FULL) play passthrough in one hiqty process for a long
 * window (60 s); the figure is the longest gap between two frames of any guild, which a stall of the
 * engine's clock (GC, a busy main thread, a missed tick) shows as. Target ≤ 40 ms.
 */
import { measureCostInNewPlayer, type CostOptions } from './cost';
import type { BenchStage } from './stage';
import { hiqtySubject } from './subjects';

export interface StallConfig {
  readonly guilds: number;
  readonly windowMs: number;
}

export const STALL_FULL: StallConfig = { guilds: 200, windowMs: 60_000 };
export const STALL_SMOKE: StallConfig = { guilds: 2, windowMs: 1000 };

export interface StallFigures {
  readonly guilds: number;
  readonly heard: number;
  readonly seconds: number;
  readonly frames: number;
  readonly framesPct: number;
  readonly latePermille: number;
  /** The longest gap between two consecutive frames of any guild over the window, ms. */
  readonly maxGapMs: number;
  readonly ticksMissed: number | undefined;
}

export async function measureStall(stage: BenchStage, c: StallConfig, o: Omit<CostOptions, 'counts' | 'windowMs'>): Promise<StallFigures> {
  const run = await measureCostInNewPlayer(stage, hiqtySubject, 'passthrough', { ...o, counts: [c.guilds], windowMs: c.windowMs }, 'stall');
  const step = run.steps[0];
  if (!step?.window) throw new Error(`stall: the ${c.guilds}-guild step was not measured: ${step?.note ?? ''}`);
  return {
    guilds: c.guilds,
    heard: step.heard,
    seconds: step.window.seconds,
    frames: step.frames,
    framesPct: step.framesPct,
    latePermille: step.latePermille,
    maxGapMs: step.maxGapMs,
    ticksMissed: step.engine?.ticksMissed,
  };
}
