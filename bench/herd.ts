/**
 * A herd of starts (issue 11): `steady` guilds play, then `herd` more guilds are handed to the same
 * instance in one instant, as a failover does. What counts is the audio of the guilds that were
 * already playing: their late frames (> 40 ms after the previous one) from the herd's first write
 * until a second after its last guild is heard, beside the same count over an equally long window
 * right after, when the herd plays steadily (the same load without the starts: the machine's own
 * noise). Run twice in one process with the same guilds:
 * paced (HIQTY_MAX_OPENING and HIQTY_MAX_JOINING at their defaults) and unpaced (both so large nothing waits).
 * Pacing costs the herd some start latency; that is reported too.
 *
 * `node dist/bench/herd.js` runs this stage alone (about 40 s; `--herd N [--mp3]`, `--steady N`,
 * `--paced N`, `--unpaced-first` try other shapes); `make bench` runs it with the rest.
 */
import { engineFigures, readEngineCounters } from './engine-metrics';
import type { GuildSpec } from '../src/sandbox';
import { DEFAULT_MAX_OPENING } from '../src/media/open-gate';
import { DEFAULT_MAX_JOINING } from '../src/voice/join-pacer';
import { waitFor } from '../test/support/wait';
import { herdTable } from './report';
import { totals } from './audio-probe';
import { BENCH_DAVE_MODE, BenchStage } from './stage';
import { sleep, summarize, type Summary } from './stats';
import { runProgram } from './program';

export interface HerdShape {
  /** Guilds started at once. */
  readonly herd: number;
  /** What the herd plays: `mp3` (transcoded, the expensive kind of start) or `ogg-opus` (passthrough). */
  readonly format: 'mp3' | 'ogg-opus';
}

export interface HerdConfig {
  /** Guilds playing (passthrough) before the herd comes. */
  readonly steady: number;
  /**
   * Each herd is measured paced and unpaced. 50 passthrough starts is the failover of the issue; the
   * transcoded herd is smaller because 50 ffmpeg transcodes alone saturate 2 cores (`make bench`
   * section 2), which would hide the start behind the steady load.
   */
  readonly shapes: readonly HerdShape[];
  /** HIQTY_MAX_OPENING of the paced run (the default) and of the unpaced one (more than the herd: no open waits). */
  readonly pacedMaxOpening: number;
  readonly unpacedMaxOpening: number;
  readonly trackMs: number;
  /** From "every steady guild heard" to the quiet reference window. */
  readonly settleMs: number;
  /** Measured after the herd's last guild is first heard. */
  readonly afterMs: number;
  /** Longest the herd may take to be heard in full. */
  readonly herdTimeoutMs: number;
}

/** Issue 14's herd: 100 guilds play, then 200 passthrough starts at the same instant (the failover of one instance). */
export const HERD_FULL: HerdConfig = {
  steady: 100,
  shapes: [{ herd: 200, format: 'ogg-opus' }],
  pacedMaxOpening: DEFAULT_MAX_OPENING, unpacedMaxOpening: 1000, trackMs: 60_000, settleMs: 2000, afterMs: 1000, herdTimeoutMs: 30_000 };
export const HERD_SMOKE: HerdConfig = { steady: 2, shapes: [{ herd: 3, format: 'mp3' }], pacedMaxOpening: DEFAULT_MAX_OPENING, unpacedMaxOpening: 1000, trackMs: 10_000, settleMs: 200, afterMs: 200, herdTimeoutMs: 15_000 };

export interface AudioWindow {
  readonly seconds: number;
  readonly frames: number;
  /** Frames received as a share of 50 per second per guild over the window: below 100, audio was lost, not only late. */
  readonly framesPct: number;
  /** How late the late frames were, summed over the steady guilds: each gap minus its own 20 ms. */
  readonly delayMs: number;
  /** Frames of the steady guilds more than 40 ms after the previous one of their guild. */
  readonly late: number;
  readonly latePermille: number;
  readonly maxGapMs: number;
}

export interface HerdRun {
  readonly mode: 'paced' | 'unpaced';
  readonly format: HerdShape['format'];
  readonly maxOpening: number;
  readonly steady: number;
  readonly herd: number;
  /** The steady guilds over a window as long as `during`, before the herd. */
  readonly quiet: AudioWindow;
  /** The steady guilds from the herd's write until `afterMs` after its last guild was heard. */
  readonly during: AudioWindow;
  /** Herd guilds heard within the time-out. */
  readonly herdHeard: number;
  /** Herd write to each herd guild's first packet at the sandbox. */
  readonly herdFirstPacketMs: Summary;
  /** The bot's own count over the herd window (every play it sent): frames it sent over 40 ms after the previous of their track, per thousand. */
  readonly sentLatePermille?: number;
}

export interface HerdFigures {
  readonly runs: readonly HerdRun[];
}

async function audioWindow(stage: BenchStage, guilds: readonly GuildSpec[], seconds: number): Promise<AudioWindow> {
  const { frames, late, lateMs, maxGapMs } = totals(await stage.audio.audio(guilds.map((g) => g.id)));
  const expected = guilds.length * 50 * seconds;
  return { seconds, frames, framesPct: expected > 0 ? (frames / expected) * 100 : 100, delayMs: lateMs, late, latePermille: frames > 0 ? (late / frames) * 1000 : 0, maxGapMs };
}

export type HerdUrls = { readonly steady: string } & Readonly<Record<HerdShape['format'], string>>;

async function herdRun(stage: BenchStage, c: HerdConfig, shape: HerdShape, mode: HerdRun['mode'], urls: HerdUrls, progress: (line: string) => void): Promise<HerdRun> {
  const maxOpening = mode === 'paced' ? c.pacedMaxOpening : c.unpacedMaxOpening;
  const steady = stage.guilds.slice(0, c.steady);
  const herd = stage.guilds.slice(c.steady, c.steady + shape.herd);
  await stage.flush();
  // Unpaced means neither starts nor voice joins wait: the herd does everything at once.
  const bot = await stage.startBot({ HIQTY_MAX_OPENING: String(maxOpening), HIQTY_MAX_JOINING: String(mode === 'paced' ? DEFAULT_MAX_JOINING : 1000) });
  try {
    const ids = (gs: readonly GuildSpec[]): string[] => gs.map((g) => g.id);
    await stage.audio.reset(ids([...steady, ...herd]));
    await stage.play(steady, [urls.steady]);
    const heard = await stage.heardAll(steady, 5, c.herdTimeoutMs);
    if (heard < steady.length) throw new Error(`herd: only ${heard} of ${steady.length} steady guilds were heard`);
    await sleep(c.settleMs);

    // The herd: one MULTI for all of its guilds, the way a failover hands them over in one instant.
    await stage.audio.reset(ids([...steady, ...herd]));
    const metricsUrl = `http://127.0.0.1:${bot.httpPort}/metrics`;
    const engineBefore = await readEngineCounters(metricsUrl);
    const sentAt = performance.now();
    await stage.play(herd, [urls[shape.format]]);
    const firstPackets = async (): Promise<Array<number | undefined>> => (await stage.audio.audio(ids(herd))).map((a) => a.firstPacketAtMs);
    await waitFor('the whole herd to be heard', async () => (await firstPackets()).every((t) => t !== undefined), { timeoutMs: c.herdTimeoutMs, intervalMs: 20 }).catch(() => undefined);
    await sleep(c.afterMs);
    const duringSeconds = (performance.now() - sentAt) / 1000;
    const during = await audioWindow(stage, steady, duringSeconds);
    const sent = engineFigures(engineBefore, await readEngineCounters(metricsUrl));
    const starts = (await firstPackets()).flatMap((t) => (t === undefined ? [] : [t - sentAt]));

    // The reference: the same guilds, the herd now playing steadily too, over a window as long.
    await stage.audio.reset(ids(steady));
    await sleep(duringSeconds * 1000);
    const quiet = await audioWindow(stage, steady, duringSeconds);

    const run: HerdRun = { mode, format: shape.format, maxOpening, steady: steady.length, herd: herd.length, quiet, during, herdHeard: starts.length, herdFirstPacketMs: summarize(starts), ...(sent.sentLatePermille === undefined ? {} : { sentLatePermille: sent.sentLatePermille }) };
    progress(
      `  herd of ${herd.length} ${shape.format === 'mp3' ? 'transcoded' : 'passthrough'}, ${mode} (HIQTY_MAX_OPENING=${maxOpening}): steady guilds during the herd: ${during.late} late of ${during.frames} frames (${during.framesPct.toFixed(0)}% of expected), ` +
        `${(during.delayMs / 1000).toFixed(1)} s late in all, max gap ${during.maxGapMs.toFixed(0)} ms (the bot's own count: ${run.sentLatePermille?.toFixed(2) ?? '-'}‰ late as sent); after it: ${quiet.late} late, ${(quiet.delayMs / 1000).toFixed(1)} s late; herd heard ${starts.length}/${herd.length}, first packet p50 ${run.herdFirstPacketMs.p50.toFixed(0)} ms max ${run.herdFirstPacketMs.max.toFixed(0)} ms`,
    );
    await stage.stopGuilds([...steady, ...herd]);
    await stage.quiet([...steady, ...herd]);
    return run;
  } finally {
    await stage.stopBots();
  }
}

/** Guilds the stage needs: the steady ones and the largest herd. */
export function herdGuilds(c: HerdConfig): number {
  return c.steady + Math.max(0, ...c.shapes.map((s) => s.herd));
}

/** Each shape paced first, then unpaced, on one stage; each run with a fresh bot. */
export async function measureHerd(
  stage: BenchStage,
  c: HerdConfig,
  urls: HerdUrls,
  progress: (line: string) => void,
  modes: readonly HerdRun['mode'][] = ['paced', 'unpaced'],
): Promise<HerdFigures> {
  if (stage.guilds.length < herdGuilds(c)) throw new Error(`herd needs ${herdGuilds(c)} guilds, the sandbox has ${stage.guilds.length}`);
  const runs: HerdRun[] = [];
  for (const shape of c.shapes) for (const mode of modes) runs.push(await herdRun(stage, c, shape, mode, urls, progress));
  return { runs };
}

/** The tone tracks the herd plays (the stage caches them). */
export async function herdUrls(stage: BenchStage, trackMs: number): Promise<HerdUrls> {
  const [steady, ogg, mp3] = await Promise.all([stage.tone(440, trackMs, 'ogg-opus'), stage.tone(550, trackMs, 'ogg-opus'), stage.tone(660, trackMs, 'mp3')]);
  return { steady, 'ogg-opus': ogg, mp3 };
}

async function main(): Promise<void> {
  const base = process.argv.includes('--smoke') ? HERD_SMOKE : HERD_FULL;
  // `--herd N`, `--steady N`, `--mp3`: other shapes of the stage, to explore without editing the config.
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const herd = arg('--herd');
  const c: HerdConfig = {
    ...base,
    steady: arg('--steady') ?? base.steady,
    pacedMaxOpening: arg('--paced') ?? base.pacedMaxOpening,
    shapes: herd === undefined ? base.shapes : [{ herd, format: process.argv.includes('--mp3') ? 'mp3' : 'ogg-opus' }],
  };
  const stage = await BenchStage.start(herdGuilds(c), {}, BENCH_DAVE_MODE, { in: 'process' });
  try {
    const order = process.argv.includes('--unpaced-first') ? (['unpaced', 'paced'] as const) : (['paced', 'unpaced'] as const);
    const figures = await measureHerd(stage, c, await herdUrls(stage, c.trackMs), (l) => console.error(l), order);
    console.log(herdTable(figures.runs));
  } finally {
    await stage.stop();
  }
}

if (require.main === module) runProgram(main);
