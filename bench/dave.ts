/**
 * What DAVE (end-to-end encryption, issue 13) costs:
 * - sections 1 and 2's cost steps (hiqty, passthrough and transcoded) once more on a stage whose
 *   sandbox runs DAVE in the other mode (off, when the bench runs with it required), for the
 *   "DAVE off vs on" table;
 * - DAVE's work per packet in the bot and in the sandbox (bench/dave-packet.ts).
 *
 * `make build && node dist/bench/dave.js` runs only this: both modes at FULL's `daveOther` counts and
 * the per-packet figures (`--smoke`: SMOKE); `make bench` runs it after the other sections.
 */
import type { DaveMode } from '../src/sandbox';
import { FULL, SMOKE, type BenchConfig, type DaveOtherConfig } from './config';
import { measureCostInNewPlayer, type CostRun } from './cost';
import { measureDavePacketCost, type DavePacketFigures } from './dave-packet';
import { runProgram } from './program';
import { daveTables } from './report';
import { BenchStage } from './stage';
import { hiqtySubject } from './subjects';

export interface DaveModeRun {
  readonly mode: DaveMode;
  /** hiqty's passthrough and transcode cost runs with the sandbox in this mode. */
  readonly cost: readonly CostRun[];
}

export interface DaveFigures {
  /** The mode the rest of the report ran with. */
  readonly mode: DaveMode;
  /** Sections 1 and 2 (hiqty only) in the other mode, at fewer guild counts. */
  readonly other: DaveModeRun;
  readonly packet: DavePacketFigures;
}

export function otherDaveMode(mode: DaveMode): DaveMode {
  return mode === 'required' ? 'off' : 'required';
}

/** The knobs a cost run takes from the bench's config. */
export type DaveRunConfig = Pick<BenchConfig, 'trackMs' | 'windowMs' | 'rssEveryMs' | 'settleMs' | 'rampTimeoutMs' | 'saturatedBusyPct' | 'saturatedLatePermille' | 'verify'>;

/** hiqty's passthrough and transcoded cost at `counts`, on a stage of its own whose sandbox runs DAVE `mode`. */
export async function measureCostWithDave(config: DaveRunConfig, mode: DaveMode, counts: DaveOtherConfig, progress: (line: string) => void): Promise<DaveModeRun> {
  const stage = await BenchStage.start(Math.max(...counts.passthrough.counts, ...counts.transcode.counts, 1), {}, mode, { in: 'process', verify: config.verify });
  try {
    // The same tones as sections 1 and 2 (bench/run.ts).
    const [passUrl, transUrl] = await Promise.all([stage.tone(440, config.trackMs, 'ogg-opus'), stage.tone(660, config.trackMs, 'mp3')]);
    const label = `cost, DAVE ${mode}`;
    const cost = [
      await measureCostInNewPlayer(stage, hiqtySubject, 'passthrough', { ...config, counts: counts.passthrough.counts, url: passUrl, progress }, label),
      await measureCostInNewPlayer(stage, hiqtySubject, 'transcode', { ...config, counts: counts.transcode.counts, url: transUrl, progress }, label),
    ];
    return { mode, cost };
  } finally {
    await stage.stop();
  }
}

/** The other mode's cost run and the per-packet figures, for `make bench` (after its own stage has stopped). */
export async function measureDave(config: BenchConfig, progress: (line: string) => void): Promise<DaveFigures> {
  const mode = otherDaveMode(config.dave);
  progress(`DAVE ${mode}: passthrough guilds ${config.daveOther.passthrough.counts.join('/')}, transcoded ${config.daveOther.transcode.counts.join('/')}, hiqty only`);
  const other = await measureCostWithDave(config, mode, config.daveOther, progress);
  progress(`DAVE per packet: ${config.davePacket.rounds} rounds of ${config.davePacket.packets} packets of ${config.davePacket.opusBytes} bytes`);
  return { mode: config.dave, other, packet: measureDavePacketCost(config.davePacket) };
}

async function main(): Promise<void> {
  const config = process.argv.includes('--smoke') ? SMOKE : FULL;
  const progress = (l: string): void => console.error(l);
  const started = performance.now();
  const main = await measureCostWithDave(config, config.dave, config.daveOther, progress);
  const figures = await measureDave(config, progress);
  console.log(daveTables(main, figures));
  console.error(`${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) runProgram(main);
