/**
 * Issue 14's part of the report: the voice engine's passthrough steps with their per-packet cost,
 * the stall step, the projection to a dedicated 2-core instance, and the targets table.
 */
import type { CostRun, CostStep } from './cost';
import type { HerdFigures } from './herd';
import type { IdleFigures } from './idle';
import type { StallFigures } from './stall';

export interface Target14 {
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

function measuredStep(r: CostRun | undefined, guilds: number): CostStep | undefined {
  return r?.steps.find((s) => s.guilds === guilds && s.window !== undefined);
}

/** (RSS(b) − RSS(a)) / (b − a) in KB per track: the target's slope between two steps. */
export function slopeBetween(r: CostRun | undefined, a: number, b: number): number | undefined {
  const sa = measuredStep(r, a)?.window;
  const sb = measuredStep(r, b)?.window;
  return sa && sb && b > a ? (sb.rssKb.total - sa.rssKb.total) / (b - a) : undefined;
}

/** The largest measured step, for the projection when 400 was not reached. */
function largestStep(r: CostRun | undefined): CostStep | undefined {
  return [...(r?.steps ?? [])].reverse().find((s) => s.guilds > 0 && s.window !== undefined && s.usPerPacket !== undefined);
}

/** Tracks per dedicated 2-core instance: 2 cores × 1e6 µs/s ÷ (50 packets/s × µs per packet). */
export function projectedTracks(usPerPacket: number | undefined, cores = 2): number | undefined {
  return usPerPacket === undefined || usPerPacket <= 0 ? undefined : (cores * 1e6) / (50 * usPerPacket);
}

export function projectionLine(hiqty: CostRun | undefined): string {
  const s = measuredStep(hiqty, 400) ?? largestStep(hiqty);
  const tracks = projectedTracks(s?.usPerPacket);
  return (
    `10c. Projection: ${fmt(tracks, 0)} passthrough tracks per dedicated 2-core instance = 2 cores × 1e6 µs/s ÷ (50 packets/s × ${fmt(s?.usPerPacket, 1)} µs per packet), ` +
    `the bot process's CPU time ÷ packets sent at ${s?.guilds ?? '-'} guilds (everything the process did, gateway and Redis included; the sandbox, Redis server and bench not counted)`
  );
}

/** 10a: hiqty's passthrough steps beside the baseline, with the engine's breakdown. */
export function engineTable(cost: readonly CostRun[], table: (h: readonly string[], rows: readonly (readonly string[])[]) => string): string {
  const h = cost.find((r) => r.subject === 'hiqty' && r.kind === 'passthrough');
  const b = cost.find((r) => r.subject === 'baseline' && r.kind === 'passthrough');
  const header = ['guilds', 'RSS MB', 'KB/tr', 'step KB/tr', 'CPU %/tr', 'µs/pkt', 'prep µs', 'disp µs', 'missed', 'late ‰', 'sent late ‰', 'max gap', 'base KB/tr', 'base %/tr', 'base µs/pkt', 'base late ‰', 'sandbox %', 'machine %'];
  const rows = (h?.steps ?? []).filter((s) => s.guilds > 0).map((s) => {
    const bs = b?.steps.find((x) => x.guilds === s.guilds);
    const has = s.window !== undefined;
    const bHas = bs?.window !== undefined;
    return [
      String(s.guilds),
      has ? fmt((s.window?.rssKb.total ?? NaN) / 1024, 1) : 'skipped',
      fmt(s.slopeKb, 0),
      fmt(s.stepSlopeKb, 0),
      fmt(s.cpuPctPerTrack, 3),
      fmt(s.usPerPacket, 1),
      fmt(s.engine?.prepareUsPerPacket, 1),
      fmt(s.engine?.dispatchUsPerPacket, 1),
      s.engine?.ticksMissed === undefined ? '-' : String(s.engine.ticksMissed),
      has ? fmt(s.latePermille, 2) : '-',
      fmt(s.engine?.sentLatePermille, 2),
      has ? fmt(s.maxGapMs, 0) : '-',
      bHas ? fmt(bs.slopeKb, 0) : bs?.note?.startsWith('skipped') ? 'skipped' : '-',
      bHas ? fmt(bs.cpuPctPerTrack, 3) : '-',
      bHas ? fmt(bs.usPerPacket, 1) : '-',
      bHas ? fmt(bs.latePermille, 2) : '-',
      fmt(s.window?.sandboxCpuPct, 0),
      fmt(s.window?.machineBusyPct, 0),
    ];
  });
  const verified = (h?.steps ?? []).filter((s) => s.guilds > 0 && s.window !== undefined);
  const checked = verified.map((s) => `${s.guilds}: ${s.e2ee?.frames ?? 0} DAVE frames decrypted, ${s.e2ee?.unencrypted ?? 0} unencrypted, ${s.e2ee?.failures ?? 0} failures, ${s.unverified ?? 0} of ${s.frames} frames only timed`).join('; ');
  return [
    table(header, rows),
    `   KB/tr = (RSS(N) − RSS(0)) / N; step KB/tr = the slope from the step before; µs/pkt = the player's main process CPU time ÷ packets sent`,
    `   (hiqty_audio_frames_sent_total); prep/disp µs = hiqty_voice_prepare/dispatch_seconds_total ÷ packets prepared/sent; missed = hiqty_voice_ticks_missed_total;`,
    `   late ‰ = frames the sandbox received over 40 ms after the previous of their guild; sent late ‰ = the same as the bot sent them (hiqty_audio_frames_late_total): the difference is the receiving side's own delays;`,
    `   max gap = the longest gap between two frames of any guild; sandbox % = the sandbox's own process (every packet timed, each stream decrypted 1 s in 10 s)`,
    `   verified windows: ${checked || '-'}`,
  ].join('\n');
}

export function stallLine(s: StallFigures): string {
  return (
    `10b. Stall: ${s.heard}/${s.guilds} guilds passthrough over ${s.seconds.toFixed(0)} s: longest gap of any guild ${fmt(s.maxGapMs, 0)} ms, ` +
    `late ${fmt(s.latePermille, 2)} ‰, frames ${fmt(s.framesPct, 1)}% of expected, ticks missed ${s.ticksMissed ?? '-'}`
  );
}

/** The herd run the target reads: the paced one (the product's defaults), else the first. */
function herdRun(h: HerdFigures): HerdFigures['runs'][number] | undefined {
  return h.runs.find((r) => r.mode === 'paced' && r.format === 'ogg-opus') ?? h.runs[0];
}

export function evaluateTargets14(cost: readonly CostRun[], stall: StallFigures, herd: HerdFigures, idle: IdleFigures): Target14[] {
  const h = cost.find((r) => r.subject === 'hiqty' && r.kind === 'passthrough');
  const at400 = measuredStep(h, 400);
  const out: Target14[] = [];
  const add = (figure: string, target: string, v: number | undefined, unit: string, ok: (v: number) => boolean, digits = 1): void => {
    const has = v !== undefined && Number.isFinite(v);
    out.push({ figure, target, measured: has ? `${v.toFixed(digits)}${unit}` : 'not measured', met: has && ok(v) });
  };
  add('RSS per passthrough track, slope 100 → 400 guilds', '≤ 250 KB', slopeBetween(h, 100, 400), ' KB', (v) => v <= 250, 0);
  add('CPU per passthrough track at 400 guilds', '≤ 0.1 % of a core', at400?.cpuPctPerTrack, ' %', (v) => v <= 0.1, 3);
  add('µs per packet at 400 guilds (bot CPU ÷ packets sent)', '≈ 20 µs', at400?.usPerPacket, ' µs', (v) => v <= 20);
  add('late frames (> 40 ms) at 400 guilds', '≤ 1 ‰', at400?.latePermille, ' ‰', (v) => v <= 1, 2);
  add(`longest stall of any guild at ${stall.guilds} guilds over ${stall.seconds.toFixed(0)} s`, '≤ 40 ms', stall.maxGapMs, ' ms', (v) => v <= 40, 0);
  const run = herdRun(herd);
  add(`herd: late ‰ of ${run?.steady ?? '-'} playing guilds while ${run?.herd ?? '-'} start at once (${run?.mode ?? '-'})`, '≤ 1 ‰', run?.during.latePermille, ' ‰', (v) => v <= 1, 2);
  add(`idle, ${idle.guilds} known guilds: RSS`, '≤ 150 MB', idle.rssKb / 1024, ' MB', (v) => v <= 150);
  add(`idle, ${idle.guilds} known guilds: CPU`, '≤ 1 %', idle.cpuPct, ' %', (v) => v <= 1, 2);
  add(`idle, ${idle.guilds} known guilds: Redis commands, busiest second (mean ${fmt(idle.redisCommandsPerSecond, 0)}/s)`, '≤ 10,000', idle.redisCommandsPerSecondPeak, '', (v) => v <= 10_000, 0);
  return out;
}

export function targets14Table(targets: readonly Target14[], table: (h: readonly string[], rows: readonly (readonly string[])[]) => string): string {
  return table(['figure (issue 14)', 'target', 'measured', 'met?'], targets.map((t) => [t.figure, t.target, t.measured, t.met ? 'met' : 'MISSED']));
}
