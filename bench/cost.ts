/**
 * Cost per track: one player process, N guilds playing long tone tracks at once, RSS and CPU of the
 * process tree sampled over a window, frames late counted by the sandbox over the same window.
 * Steps go up in N with the same process; between steps every guild is stopped.
 */
import type { GuildSpec } from '../src/sandbox';
import { totals } from './audio-probe';
import { engineFigures, readEngineCounters, type EngineFigures } from './engine-metrics';
import { measureWindow, type WindowFigures } from './measure';
import type { BenchStage } from './stage';
import type { Subject } from './subjects';

export interface CostStep {
  readonly guilds: number;
  /** Undefined when the step was skipped (the previous one saturated); `note` says why. */
  readonly window?: WindowFigures;
  /** Guilds heard within the ramp time-out. */
  readonly heard: number;
  /** Audio frames received in the window, and that as a share of 50/s × guilds × seconds. */
  readonly frames: number;
  readonly framesPct: number;
  /** Frames arriving more than 40 ms after the previous one of their guild, per thousand frames. */
  readonly late: number;
  readonly latePermille: number;
  readonly maxGapMs: number;
  /** Frames received without being decrypted (sampled verification: counted and timed from the RTP header). */
  readonly unverified?: number;
  /** (RSS(N) − RSS(0)) / N and (CPU(N) − CPU(0)) / N, the idle process subtracted. */
  readonly slopeKb?: number;
  /** (RSS(N) − RSS(previous N)) / (N − previous N): the per-track slope between this step and the one before. */
  readonly stepSlopeKb?: number;
  /** Packets the player sent in the window (the engine's hiqty_audio_frames_sent_total, else the frames the sandbox received). */
  readonly packets?: number;
  /** The player's main process CPU time over the window ÷ `packets`, in µs (everything it did, not only audio). */
  readonly usPerPacket?: number;
  /** The engine's own breakdown from its /metrics (hiqty only, when exposed). */
  readonly engine?: EngineFigures;
  /** The same slope with PSS instead of RSS (shared library pages split among processes). */
  readonly pssSlopeKb?: number;
  readonly cpuPctPerTrack?: number;
  /** ffmpeg's own RSS and CPU per track (transcoding only; 0 for passthrough). */
  readonly ffmpegKbPerTrack?: number;
  readonly ffmpegCpuPctPerTrack?: number;
  /**
   * What the sandbox's DAVE listeners saw in the window, summed over the guilds: frames they decrypted,
   * transport-only frames where DAVE was due, frames they could not decrypt (all 0 with DAVE off).
   */
  readonly e2ee?: { readonly frames: number; readonly unencrypted: number; readonly failures: number };
  /** The sandbox kept up at this step: its process used under 90% of a core while counting every packet. */
  readonly sandboxKeptUp: boolean;
  readonly note?: string;
}

export interface CostRun {
  readonly subject: Subject['name'];
  /** `youtube` (Opus passthrough in ranged chunks) and `soundcloud` (HLS AAC, one ffmpeg) are the service tracks of bench/services.ts. */
  readonly kind: 'passthrough' | 'transcode' | 'youtube' | 'soundcloud';
  readonly steps: CostStep[];
}

export interface CostOptions {
  readonly counts: readonly number[];
  readonly url: string;
  readonly windowMs: number;
  readonly rssEveryMs: number;
  readonly settleMs: number;
  readonly rampTimeoutMs: number;
  readonly saturatedBusyPct: number;
  readonly saturatedLatePermille: number;
  readonly progress: (line: string) => void;
}

/** Starts the player for a cost run, sized for its largest guild count (hiqtySubject, baselineSubject). */
export type StartSubject = (stage: BenchStage, maxGuilds: number) => Promise<Subject>;

/**
 * One cost run in a player of its own: Redis flushed, the player started for the largest count, measured,
 * and closed whatever happens. `label` begins the progress line ("cost", "services cost").
 */
export async function measureCostInNewPlayer(stage: BenchStage, start: StartSubject, kind: CostRun['kind'], o: CostOptions, label: string): Promise<CostRun> {
  await stage.flush();
  const subject = await start(stage, Math.max(...o.counts));
  o.progress(`${label}: ${subject.name}, ${kind}, guilds ${o.counts.join('/')}`);
  try {
    return await measureCost(stage, subject, kind, o);
  } finally {
    await subject.close();
  }
}

export async function measureCost(stage: BenchStage, subject: Subject, kind: CostRun['kind'], o: CostOptions): Promise<CostRun> {
  const steps: CostStep[] = [];
  let saturatedAt: number | undefined;
  let idle: WindowFigures | undefined;
  let previous: CostStep | undefined;
  for (const count of o.counts) {
    const guilds = stage.guilds.slice(0, count);
    if (guilds.length < count) throw new Error(`the sandbox has ${stage.guilds.length} guilds, ${count} asked`);
    if (saturatedAt !== undefined) {
      steps.push({ guilds: count, heard: 0, frames: 0, framesPct: 0, late: 0, latePermille: 0, maxGapMs: 0, sandboxKeptUp: true, note: `skipped: ${subject.name} saturated at ${saturatedAt} guilds` });
      o.progress(`  ${subject.name} ${kind} ${count}: skipped (saturated at ${saturatedAt})`);
      continue;
    }
    const measured = await measureStep(stage, subject, guilds, o, idle);
    const prevRss = previous?.window?.rssKb.total;
    const step: CostStep =
      previous !== undefined && prevRss !== undefined && measured.window !== undefined && count > previous.guilds
        ? { ...measured, stepSlopeKb: (measured.window.rssKb.total - prevRss) / (count - previous.guilds) }
        : measured;
    if (count === 0) idle = step.window;
    steps.push(step);
    previous = step;
    o.progress(
      `  ${subject.name} ${kind} ${count}: RSS ${((step.window?.rssKb.total ?? 0) / 1024).toFixed(1)} MB, CPU ${(step.window?.cpuPct.total ?? 0).toFixed(1)}%, ` +
        `late ${step.latePermille.toFixed(2)}‰, frames ${step.framesPct.toFixed(1)}%, sandbox ${(step.window?.sandboxCpuPct ?? 0).toFixed(0)}%, machine ${(step.window?.machineBusyPct ?? 0).toFixed(0)}%`,
    );
    const busy = step.window?.machineBusyPct ?? 0;
    if (count > 0 && (busy > o.saturatedBusyPct || step.latePermille > o.saturatedLatePermille || step.heard < count)) saturatedAt = count;
  }
  return { subject: subject.name, kind, steps };
}

async function measureStep(stage: BenchStage, subject: Subject, guilds: readonly GuildSpec[], o: CostOptions, idle: WindowFigures | undefined): Promise<CostStep> {
  const count = guilds.length;
  let heard = 0;
  const ids = guilds.map((g) => g.id);
  if (count > 0) {
    await stage.audio.reset(ids);
    await subject.play(guilds, o.url);
    // Five frames: the guild's stream is flowing, not only its first packet.
    heard = await stage.heardAll(guilds, 5, o.rampTimeoutMs);
  }
  await new Promise((resolve) => setTimeout(resolve, o.settleMs));
  await stage.audio.reset(ids);
  const before = await readEngineCounters(subject.metricsUrl);
  const window = await measureWindow(subject.pids, o.windowMs, o.rssEveryMs, stage.audio.pid);
  const [after, audio] = await Promise.all([readEngineCounters(subject.metricsUrl), stage.audio.audio(ids)]);
  const engine = engineFigures(before, after);
  const { frames, late, maxGapMs, e2ee, unverified, decryptFailures } = totals(audio);
  const packets = engine.framesSent ?? frames;
  const mainCpuMs = (window.cpuPct.main / 100) * window.seconds * 1000;
  if (count > 0) {
    await subject.stop(guilds);
    await stage.quiet(guilds);
  }
  const expected = count * 50 * window.seconds;
  const framesPct = expected > 0 ? (frames / expected) * 100 : 100;
  // Per track means per guild actually playing: a guild never heard costs little and would flatter the figure.
  const perTrack = (n: number, n0: number): number | undefined => (heard > 0 ? (n - n0) / heard : undefined);
  const errors = subject.errors();
  const notes: string[] = [];
  if (heard < count) {
    notes.push(`only ${heard} of ${count} guilds were heard within ${o.rampTimeoutMs / 1000} s (per-track figures divide by ${heard})${errors.length > 0 ? `; player errors: ${[...new Set(errors)].join('; ')}` : ''}`);
  }
  if (decryptFailures > 0) notes.push(`${decryptFailures} packets did not authenticate (transport encryption)`);
  if (e2ee.unencrypted + e2ee.failures > 0) notes.push(`DAVE: ${e2ee.unencrypted} frames sent without end-to-end encryption, ${e2ee.failures} the listener could not decrypt`);
  return {
    guilds: count,
    window,
    heard,
    frames,
    framesPct,
    late,
    latePermille: frames > 0 ? (late / frames) * 1000 : 0,
    maxGapMs,
    unverified,
    e2ee,
    ...(count > 0 && packets > 0 ? { packets, usPerPacket: (mainCpuMs * 1000) / packets } : {}),
    ...(Object.keys(engine).length > 0 ? { engine } : {}),
    slopeKb: perTrack(window.rssKb.total, idle?.rssKb.total ?? window.rssKb.total),
    pssSlopeKb: perTrack(window.pssKb.total, idle?.pssKb.total ?? window.pssKb.total),
    cpuPctPerTrack: perTrack(window.cpuPct.total, idle?.cpuPct.total ?? 0),
    ffmpegKbPerTrack: perTrack(window.rssKb.ffmpeg, 0),
    ffmpegCpuPctPerTrack: perTrack(window.cpuPct.ffmpeg, 0),
    sandboxKeptUp: window.sandboxCpuPct < 90,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
