/**
 * The result of `make bench`: one JSON document (bench/results/latest.json) and the same figures
 * as plain-text tables, with each of issue #8's targets marked met or missed.
 */
import { renderPacketPath, type PacketPathFigures } from './packet-path';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { CostRun, CostStep } from './cost';
import type { DaveFigures, DaveModeRun } from './dave';
import { pctOfCorePerTrack, type DavePacketFigures, type PacketCost } from './dave-packet';
import type { HerdFigures, HerdRun } from './herd';
import type { IdleFigures } from './idle';
import type { LatencyFigures } from './latency';
import type { DashboardLiveFigures } from './dashboard-live';
import type { RedisFailoverFigures } from './redis-failover';
import type { MetadataFigures } from './metadata';
import type { ReactionsFigures } from './reactions';
import type { RecoveryFigures } from './recovery';
import type { ServiceFigures } from './services';
import type { ServiceLatencyFigures } from './service-latency';
import type { Summary } from './stats';
import type { StallFigures } from './stall';
import { engineTable, projectionLine, stallLine, targets14Table, type Target14 } from './report-engine';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly node: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  readonly loadAtStart: number;
}

export interface Target {
  readonly what: string;
  readonly limit: string;
  readonly value: string;
  readonly met: boolean;
}

export interface Report {
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly cost: readonly CostRun[];
  readonly latency: LatencyFigures;
  /** YouTube and SoundCloud tracks against the fakes (section 3 and the service rows of section 4). */
  readonly services: ServiceFigures;
  readonly recovery: RecoveryFigures;
  readonly idle: IdleFigures;
  readonly herd: HerdFigures;
  readonly reactions: ReactionsFigures;
  /** Issue 15: a 100-track Spotify playlist resolved cold and cached (section 11). */
  readonly metadata: MetadataFigures;
  readonly dashboardLive: DashboardLiveFigures;
  /** Issue 18: a Sentinel failover under two instances, and WAIT's latency on lease writes (section 13). */
  readonly redisFailover: RedisFailoverFigures;
  /** Sections 1 and 2 with DAVE in the other mode, and DAVE's per-packet cost (section 9). */
  readonly dave: DaveFigures;
  readonly targets: readonly Target[];
  /** Issue 14: the stall step and the targets table (section 10). */
  readonly stall: StallFigures;
  readonly targets14: readonly Target14[];
  /** Issue 14: the packet path step by step (section 10e). */
  readonly packetPath: PacketPathFigures;
}

export function machine(): Machine {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { cpus: os.availableParallelism(), cpuModel: model, ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version, loadAtStart: os.loadavg()[0] ?? 0 };
}

function run(cost: readonly CostRun[], subject: CostRun['subject'], kind: CostRun['kind']): CostRun | undefined {
  return cost.find((r) => r.subject === subject && r.kind === kind);
}

function stepAt(r: CostRun | undefined, guilds: number): CostStep | undefined {
  return r?.steps.find((s) => s.guilds === guilds && s.window !== undefined);
}

/** The largest guild count that both hiqty and the baseline measured, for the ratio. */
function commonCount(cost: readonly CostRun[], kind: CostRun['kind'], preferred: number): number | undefined {
  const h = run(cost, 'hiqty', kind);
  const b = run(cost, 'baseline', kind);
  if (stepAt(h, preferred) && stepAt(b, preferred)) return preferred;
  const both = (h?.steps ?? []).filter((s) => s.guilds > 0 && stepAt(h, s.guilds) && stepAt(b, s.guilds)).map((s) => s.guilds);
  return both.length > 0 ? Math.max(...both) : undefined;
}

export function evaluateTargets(cost: readonly CostRun[], latency: LatencyFigures, recovery: RecoveryFigures, at = 100): Target[] {
  const h = stepAt(run(cost, 'hiqty', 'passthrough'), at);
  const targets: Target[] = [];
  const add = (what: string, limit: string, value: number | undefined, unit: string, ok: (v: number) => boolean): void => {
    const v = value ?? NaN;
    targets.push({ what, limit, value: Number.isFinite(v) ? `${fmt(v)}${unit}` : 'not measured', met: Number.isFinite(v) && ok(v) });
  };
  add(`passthrough at ${at} guilds: RSS per track`, '≤ 350 KB', h?.slopeKb, ' KB', (v) => v <= 350);
  add(`passthrough at ${at} guilds: CPU per track`, '≤ 0.5 %', h?.cpuPctPerTrack, ' %', (v) => v <= 0.5);
  add(`passthrough at ${at} guilds: frames late`, '≤ 1 ‰', h?.latePermille, ' ‰', (v) => v <= 1);
  const n = commonCount(cost, 'passthrough', at);
  const hb = n === undefined ? undefined : stepAt(run(cost, 'baseline', 'passthrough'), n);
  const hn = n === undefined ? undefined : stepAt(run(cost, 'hiqty', 'passthrough'), n);
  add(`passthrough: CPU per track, baseline ÷ hiqty (at ${n ?? '-'} guilds)`, '≥ 3×', ratio(hb?.cpuPctPerTrack, hn?.cpuPctPerTrack), '×', (v) => v >= 3);
  add(`command to first packet, passthrough p50 (cold: joins the channel; ${latency.via})`, '< 300 ms', latency.passthrough.cold.p50, ' ms', (v) => v < 300);
  add(`command to first packet, passthrough p50 (warm: already in the channel; ${latency.via})`, '< 300 ms', latency.passthrough.warm.p50, ' ms', (v) => v < 300);
  const crashLimit = recovery.lockTtlMs + 1500;
  add(`crash to resumed audio, max (TTL ${recovery.lockTtlMs} ms)`, `< ${crashLimit} ms`, recovery.crash.resumeMs.max, ' ms', (v) => v < crashLimit);
  add('rollout hand-over gap, max', '< 1000 ms', recovery.rollout.gapMs.max, ' ms', (v) => v < 1000);
  return targets;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b <= 0) return undefined;
  return a / b;
}

function fmt(v: number | undefined, digits?: number): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toFixed(d);
}

/** A plain-text table with right-aligned columns (the first left-aligned). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Kinds played through ffmpeg: their tables show ffmpeg's own share. */
function transcodes(kind: CostRun['kind']): boolean {
  return kind === 'transcode' || kind === 'soundcloud';
}

function costTable(cost: readonly CostRun[], kind: CostRun['kind']): string {
  const h = run(cost, 'hiqty', kind);
  const b = run(cost, 'baseline', kind);
  const counts = h?.steps.map((s) => s.guilds) ?? [];
  const header = ['guilds', 'RSS MB', 'KB/track', 'base KB/tr', '×', 'PSS KB/tr', 'base PSS', 'CPU %', 'CPU %/track', 'base %/tr', '×', 'late ‰', 'base late ‰', 'sandbox %', 'machine %'];
  if (transcodes(kind)) header.splice(7, 0, 'ffmpeg KB/tr');
  if (transcodes(kind)) header.splice(12, 0, 'ffmpeg %/tr');
  const rows = counts.map((n) => {
    const hs = h?.steps.find((s) => s.guilds === n);
    const bs = b?.steps.find((s) => s.guilds === n);
    const has = (s: CostStep | undefined): s is CostStep => s?.window !== undefined;
    const row = [
      String(n),
      fmt(has(hs) ? (hs.window?.rssKb.total ?? NaN) / 1024 : undefined, 1),
      fmt(hs?.slopeKb, 0),
      fmt(bs?.slopeKb, 0),
      ratio(bs?.slopeKb, hs?.slopeKb) === undefined ? '-' : `${fmt(ratio(bs?.slopeKb, hs?.slopeKb), 1)}×`,
      fmt(hs?.pssSlopeKb, 0),
      fmt(bs?.pssSlopeKb, 0),
      fmt(hs?.window?.cpuPct.total, 1),
      fmt(hs?.cpuPctPerTrack, 3),
      fmt(bs?.cpuPctPerTrack, 3),
      ratio(bs?.cpuPctPerTrack, hs?.cpuPctPerTrack) === undefined ? '-' : `${fmt(ratio(bs?.cpuPctPerTrack, hs?.cpuPctPerTrack), 1)}×`,
      n > 0 && has(hs) ? fmt(hs.latePermille, 2) : '-',
      n > 0 && has(bs) ? fmt(bs.latePermille, 2) : bs?.note?.startsWith('skipped') ? 'skipped' : '-',
      fmt(hs?.window?.sandboxCpuPct, 0),
      fmt(hs?.window?.machineBusyPct, 0),
    ];
    if (transcodes(kind)) row.splice(7, 0, fmt(hs?.ffmpegKbPerTrack, 0));
    if (transcodes(kind)) row.splice(12, 0, fmt(hs?.ffmpegCpuPctPerTrack, 3));
    return row;
  });
  const notes = [...(h?.steps ?? []), ...(b?.steps ?? [])]
    .filter((s) => s.note !== undefined || !s.sandboxKeptUp)
    .map((s) => `  note: ${s === undefined ? '' : `${(h?.steps ?? []).includes(s) ? 'hiqty' : 'baseline'} at ${s.guilds}: ${s.note ?? ''}${s.sandboxKeptUp ? '' : ` sandbox could not keep up (sandbox CPU ${fmt(s.window?.sandboxCpuPct, 0)}% of a core)`}`}`);
  return [table(header, rows), ...notes].join('\n');
}

function summaryRow(name: string, s: Summary, extra: readonly string[] = []): string[] {
  return [name, String(s.n), fmt(s.p50, 0), fmt(s.p95, 0), fmt(s.max, 0), ...extra];
}

/** What the usual approach adds for a service track and why it is not in the base columns. */
export const USUAL_SERVICE_APPROACH =
  'usual approach for a service track: a youtube-dl/yt-dlp process per track (about 50 MB each) feeding ffmpeg; not runnable here (yt-dlp is not installed and there is no internet)';

/** Section 3: cost per YouTube and SoundCloud track, with the baseline on the same media bytes. */
export function servicesCostText(s: ServiceFigures): string {
  return [
    '3a. YouTube (Opus passthrough, ranged chunks, no ffmpeg) cost per track; columns as in 1',
    costTable(s.cost, 'youtube'),
    '',
    "3b. SoundCloud (HLS AAC transcoded, one ffmpeg) cost per track, ffmpeg's share apart; columns as in 2",
    costTable(s.cost, 'soundcloud'),
    `  base = the baseline (one ffmpeg per track, Opus encoded in Node) on the same bytes: ${s.baselinePlays}.`,
    `  ${USUAL_SERVICE_APPROACH}: base leaves out the yt-dlp process.`,
  ].join('\n');
}

/** Service rows of section 4: `/play` to first packet, cold and warm. */
export function servicesLatencyTable(l: ServiceLatencyFigures): string {
  const usual = 'not runnable here';
  const rows = (name: string, r: ServiceLatencyFigures['youtube']): string[][] => [
    summaryRow(`${name} cold`, r.cold, [fmt(r.scrapesPerCold, 1), usual]),
    summaryRow(`${name} warm`, r.warm, [fmt(r.scrapesPerWarm, 1), usual]),
  ];
  return [
    '   service tracks via /play; cold = a bot just started, Redis flushed (no YouTube visitorData, no SoundCloud client_id, no search cache),',
    '   not in the channel; warm = in the channel, tokens in Redis, the query\'s results cached; scrapes = soundcloud.com page fetches per play',
    table(['', 'n', 'p50', 'p95', 'max', 'scrapes', 'usual approach (yt-dlp)'], [
      ...rows('YouTube link', l.youtube),
      ...rows('SoundCloud link', l.soundcloud),
      ...rows('text query', l.query),
    ]),
  ].join('\n');
}

export function resumeTable(rows: ServiceFigures['resume']): string {
  return [
    '   the 240 s YouTube video (WebM/Opus, about 3.9 MB) written to Redis with startMs, a warm bot; first media byte = where the first media read (header and',
    '   index aside) starts; asked = media bytes requested up to the first packet. Downloading the past would start at byte 0',
    table(
      ['start at', 'n', 'p50 ms', 'p95 ms', 'max ms', 'first media byte', 'bytes asked'],
      rows.map((r) => [`${r.startMs / 1000} s`, String(r.firstPacketMs.n), fmtMs(r.firstPacketMs.p50), fmtMs(r.firstPacketMs.p95), fmtMs(r.firstPacketMs.max), String(r.firstMediaOffset), String(r.bytesAsked)]),
    ),
  ].join('\n');
}

export function autocompleteTable(a: ServiceFigures['autocomplete']): string {
  return [
    '   keystroke (the autocomplete interaction) to the bot\'s choices; Discord drops an answer after 3 s. "never gonna give you up" typed word by word;',
    `   cold = each prefix the first time (both services searched), warm = again (the Redis search cache); sources per answer: ${fmt(a.sourcesPerAnswer, 1)}`,
    table(['', 'n', 'p50 ms', 'p95 ms', 'max ms'], [
      ['cold', String(a.cold.n), fmtMs(a.cold.p50), fmtMs(a.cold.p95), fmtMs(a.cold.max)],
      ['warm', String(a.warm.n), fmtMs(a.warm.p50), fmtMs(a.warm.p95), fmtMs(a.warm.max)],
    ]),
  ].join('\n');
}

/** Every service part, for bench/services.ts run alone. */
export function servicesTables(s: ServiceFigures): string {
  return [servicesCostText(s), '', '4. Play to first packet at the sandbox (ms)', servicesLatencyTable(s.latency), '', '4c. Resume at a position without the past', resumeTable(s.resume), '', '4d. Autocomplete', autocompleteTable(s.autocomplete)].join('\n');
}

export function herdTable(runs: readonly HerdRun[]): string {
  const header = ['herd', 'opening', 'late', 'late ‰', 'sent late ‰', 'frames %', 'max gap ms', 'late after', 'herd heard', 'first packet p50', 'max'];
  const rows = runs.map((h) => [
    `${h.herd} ${h.format === 'mp3' ? 'transcoded' : 'passthrough'}, ${h.mode}`,
    String(h.maxOpening),
    `${h.during.late} of ${h.during.frames}`,
    fmt(h.during.latePermille, 2),
    h.sentLatePermille === undefined ? '-' : fmt(h.sentLatePermille, 2),
    fmt(h.during.framesPct, 0),
    fmt(h.during.maxGapMs, 0),
    String(h.quiet.late),
    `${h.herdHeard}/${h.herd}`,
    fmt(h.herdFirstPacketMs.p50, 0),
    fmt(h.herdFirstPacketMs.max, 0),
  ]);
  return table(header, rows);
}

/** Whole ms; -0 (a tiny negative) shows as 0. */
export function fmtMs(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v) || 0) : '-';
}

export function reactionsTable(r: ReactionsFigures): string {
  const row = (name: string, s: Summary, base: Summary | undefined, usual: string): string[] => [
    name,
    String(s.n),
    fmtMs(s.p50),
    fmtMs(s.max),
    base ? fmtMs(base.p50) : '-',
    base ? fmtMs(base.max) : '-',
    usual,
  ];
  return table(['', 'n', 'p50', 'max', 'base p50', 'base max', 'usual approach'], [
    row('lease loss → silence', r.leaseLossToSilenceMs, undefined, 'none: no leases'),
    row('skip → next tone', r.skipToNextToneMs, undefined, 'none: no queue'),
    row('stop → silence', r.stopToSilenceMs, r.baselineStopToSilenceMs, r.baselineStopToSilenceMs ? 'player.stop(true)' : 'not run'),
    row('gap between tracks', r.trackGapMs, undefined, 'none: no queue'),
    row('SIGTERM → /readyz 503', r.sigtermToNotReadyMs, undefined, 'none: no /readyz'),
    row('REST change → SSE snapshot', r.restToSseMs, undefined, 'none: no API'),
    row('filter change → filtered tone', r.filterToToneMs, undefined, 'none: no filters'),
    row('filter change: hole in the audio', r.filterHoleMs, undefined, 'none: no filters'),
    row('volume change: hole (same restart)', r.volumeHoleMs, undefined, 'none: fixed volume'),
  ]);
}

/** DAVE's share of a step: decrypted frames as % of all frames heard, or undefined without DAVE figures. */
function daveFramesPct(s: CostStep | undefined): number | undefined {
  if (!s?.e2ee || s.frames <= 0) return undefined;
  return (s.e2ee.frames / s.frames) * 100;
}

/** 9a: hiqty's cost steps with DAVE off and on, at the guild counts both measured. */
export function daveCompareTable(main: DaveModeRun, other: DaveModeRun): string {
  const on = main.mode === 'required' ? main : other;
  const off = main.mode === 'required' ? other : main;
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const kind of ['passthrough', 'transcode'] as const) {
    const offRun = run(off.cost, 'hiqty', kind);
    const onRun = run(on.cost, 'hiqty', kind);
    for (const n of (other.cost.find((c) => c.kind === kind)?.steps ?? []).map((s) => s.guilds).filter((g) => g > 0)) {
      const a = stepAt(offRun, n);
      const b = stepAt(onRun, n);
      const delta = a?.cpuPctPerTrack !== undefined && b?.cpuPctPerTrack !== undefined ? b.cpuPctPerTrack - a.cpuPctPerTrack : undefined;
      rows.push([
        kind === 'transcode' ? 'transcoded' : kind,
        String(n),
        fmt(a?.slopeKb, 0),
        fmt(b?.slopeKb, 0),
        fmt(a?.cpuPctPerTrack, 3),
        fmt(b?.cpuPctPerTrack, 3),
        delta === undefined ? '-' : `${delta >= 0 ? '+' : ''}${fmt(delta, 3)}`,
        a ? fmt(a.latePermille, 2) : '-',
        b ? fmt(b.latePermille, 2) : '-',
        fmt(a?.window?.sandboxCpuPct, 0),
        fmt(b?.window?.sandboxCpuPct, 0),
        fmt(daveFramesPct(b), 1),
        b?.e2ee ? String(b.e2ee.unencrypted) : '-',
        b?.e2ee ? String(b.e2ee.failures) : '-',
      ]);
      for (const [mode, s] of [['off', a], ['on', b]] as const) if (s?.note) notes.push(`  note: DAVE ${mode}, ${kind} at ${n}: ${s.note}`);
    }
  }
  return [
    table(['', 'guilds', 'KB/tr off', 'KB/tr on', 'CPU %/tr off', 'CPU %/tr on', 'Δ %/tr', 'late ‰ off', 'late ‰ on', 'sandbox % off', 'sandbox % on', 'DAVE frames %', 'unencrypted', 'e2ee failures'], rows),
    ...notes,
  ].join('\n');
}

/** 9b: µs per packet, and as % of a core per playing track (50 packets/s). */
export function davePacketTable(p: DavePacketFigures): string {
  const row = (name: string, c: PacketCost): string[] => [name, fmt(c.us, 2), fmt(c.minUs, 2), fmt(pctOfCorePerTrack(c.us), 4)];
  return table(['', 'µs/packet', 'fastest round', '% core/track'], [
    row(`bot: DAVE encryptOpus (${p.opusBytes} → ${p.daveBytes} bytes)`, p.botEncrypt),
    row('bot: transport AES-256-GCM (as @discordjs/voice)', p.transportAesGcm),
    row('bot: transport XChaCha20-Poly1305 (@noble/ciphers)', p.transportXChaCha),
    row('sandbox: listener DAVE decrypt', p.listenerDecrypt),
    row('sandbox: transport AES-256-GCM decrypt', p.sandboxTransportDecrypt),
  ]);
}

/** Section 9, from the main mode's hiqty cost runs and the DAVE figures. */
export function daveTables(main: DaveModeRun, d: DaveFigures): string {
  const p = d.packet;
  return [
    `9a. DAVE off vs on: hiqty's cost per track (columns as in 1); the ${main.mode === 'required' ? 'on' : 'off'} figures are sections 1 and 2's, the ${d.other.mode === 'required' ? 'on' : 'off'}`,
    '    ones a run of their own; sandbox % = the sandbox process (DAVE on: its listeners decrypt every frame); DAVE frames % = frames the listener',
    '    decrypted as a share of frames heard (silence frames pass unencrypted); unencrypted and e2ee failures must be 0',
    daveCompareTable(main, d.other),
    '',
    `9b. DAVE's cost per 20 ms Opus packet, in one process: a real davey group of ${p.groupSize} (bot and listener) formed through the sandbox's`,
    `    external sender; median of ${p.rounds} rounds of ${p.packets} packets; % core/track = µs × 50 packets/s. The bot pays encryptOpus on top of the`,
    `    transport encryption (DAVE adds ${fmt((p.botEncrypt.us / p.transportAesGcm.us) * 100, 0)}% to AES-256-GCM's time); the sandbox pays the listener's decrypt on top of its transport decryption`,
    davePacketTable(p),
  ].join('\n');
}

export function renderReport(r: Report): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`hiqty bench, ${r.startedAt}, ${r.seconds.toFixed(0)} s`);
  out.push(`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, load average at start ${m.loadAtStart.toFixed(2)}`);
  out.push('');
  out.push(`DAVE (end-to-end encryption): ${r.dave.mode} in every section but 9a's ${r.dave.other.mode} columns`);
  out.push('');
  out.push('1. Passthrough (Ogg/Opus) cost per track. RSS: the bot and its children; KB/track = (RSS(N) - RSS(0)) / N;');
  out.push('   CPU % of one core; CPU %/track = (CPU(N) - CPU(0)) / N; late: frames > 40 ms after the previous; × = baseline / hiqty');
  out.push(costTable(r.cost, 'passthrough'));
  out.push('');
  out.push('2. Transcoded (MP3) cost per track, ffmpeg\'s share apart (included in KB/track and CPU %/track)');
  out.push(costTable(r.cost, 'transcode'));
  out.push('');
  out.push(servicesCostText(r.services));
  out.push('');
  out.push(`4. Play to first packet at the sandbox (ms; play = ${r.latency.via}; cold = bot not yet in the channel)`);
  out.push(
    table(['', 'n', 'p50', 'p95', 'max'], [
      summaryRow('passthrough cold', r.latency.passthrough.cold),
      summaryRow('passthrough warm', r.latency.passthrough.warm),
      summaryRow('transcoded cold', r.latency.transcode.cold),
      summaryRow('transcoded warm', r.latency.transcode.warm),
    ]),
  );
  out.push(servicesLatencyTable(r.services.latency));
  out.push('');
  out.push('4c. Resume at a position without the past');
  out.push(resumeTable(r.services.resume));
  out.push('');
  out.push('4d. Autocomplete');
  out.push(autocompleteTable(r.services.autocomplete));
  out.push('');
  out.push(`5. Recovery (ms; lock TTL ${r.recovery.lockTtlMs} ms; position error: + replayed, - skipped)`);
  out.push(
    table(['', 'n', 'p50', 'p95', 'max'], [
      summaryRow('crash: SIGKILL to resumed audio', r.recovery.crash.resumeMs),
      summaryRow('crash: position error', r.recovery.crash.positionErrorMs),
      summaryRow('rollout: hand-over gap', r.recovery.rollout.gapMs),
    ]),
  );
  out.push('');
  out.push(`6. Idle: ${r.idle.guilds} guilds known and stopped, resync every ${r.idle.resyncIntervalMs / 1000} s, over ${r.idle.seconds.toFixed(0)} s`);
  out.push(
    table(
      ['bot CPU %', 'bot RSS MB', 'Redis commands/s mean', 'median second', 'busiest second'],
      [[fmt(r.idle.cpuPct, 2), fmt(r.idle.rssKb / 1024, 1), fmt(r.idle.redisCommandsPerSecond, 0), fmt(r.idle.redisCommandsPerSecondMedian, 0), fmt(r.idle.redisCommandsPerSecondPeak, 0)]],
    ),
  );
  out.push('');
  out.push(`7. A herd of starts: ${r.herd.runs[0]?.steady ?? 0} guilds playing (passthrough), then a herd handed over at once; the playing guilds' audio`);
  out.push('   while the herd starts (until 1 s after its last guild is heard) and over as long right after; paced = HIQTY_MAX_OPENING default');
  out.push(herdTable(r.herd.runs));
  out.push('');
  out.push('8. Reaction times (ms, one instance): from the Redis write or the signal to the packet at the sandbox; gap: end of track 1 to track 2 (0 = seamless);');
  out.push('   base = the usual-approach baseline where it has the same control');
  out.push(reactionsTable(r.reactions));
  out.push('');
  out.push(daveTables({ mode: r.dave.mode, cost: r.cost.filter((c) => c.subject === 'hiqty') }, r.dave));
  out.push('');
  out.push('10a. Voice engine (issue 14): hiqty passthrough with DAVE, the sandbox in its own process, beside the usual-approach baseline');
  out.push(engineTable(r.cost, table));
  out.push('');
  out.push(stallLine(r.stall));
  out.push('');
  out.push(projectionLine(r.cost.find((c) => c.subject === 'hiqty' && c.kind === 'passthrough')));
  out.push('');
  out.push('10e. The packet path, step by step (one thread, 50 connections per tick, DAVE on and off)');
  out.push(...renderPacketPath(r.packetPath));
  out.push('');
  out.push('10d. Targets of issue 14 (herd: section 7; idle: section 6)');
  out.push(targets14Table(r.targets14, table));
  out.push('');
  out.push(`11. Metadata links (issue 15): resolving a ${r.metadata.tracks}-track Spotify playlist in one process (ms); cold: Redis flushed (Spotify asked`);
  out.push(`    ${r.metadata.coldRequests} times: a token, the playlist, its page); cached: a second instance, answered from Redis (Spotify asked ${r.metadata.cachedRequests} times)`);
  out.push(table(['', 'n', 'p50', 'p95', 'max'], [summaryRow('cold', r.metadata.coldMs), summaryRow('cached', r.metadata.cachedMs)]));
  out.push('');
  out.push('12. Dashboard (issue 17): from a change sent in one dashboard (a volume) to another member\'s page seeing it (ms), target p95 <= 200;');
  out.push(`    live: the guild's event stream (hiqty); polled: the usual approach, a page asking every ${r.dashboardLive.pollPeriodMs} ms`);
  out.push(table(['', 'n', 'p50', 'p95', 'max'], [summaryRow('live (SSE)', r.dashboardLive.streamMs), summaryRow('polled', r.dashboardLive.pollMs)]));
  out.push('');
  out.push(...redisFailoverTables(r.redisFailover));
  out.push('');
  out.push('Targets');
  out.push(table(['', 'target', 'measured', ''], r.targets.map((t) => [t.what, t.limit, t.value, t.met ? 'met' : 'MISSED'])));
  return out.join('\n');
}

/** Section 13: the failover rounds per lock TTL, then WAIT's latency. */
export function redisFailoverTables(f: RedisFailoverFigures): string[] {
  const out: string[] = [];
  out.push('13. Redis failover (issue 18): a primary, a replica, 3 Sentinels (down-after 1 s); two instances play 3 guilds; SIGKILL of the primary.');
  out.push('    Per guild (ms): the longest silence after the kill (0 = played straight through), the position error (+ replayed, - skipped),');
  out.push('    the longest stretch two instances sent into it at once (README bound: 200 ms)');
  for (const run of f.runs) {
    out.push(`    lock TTL ${run.lockTtlMs} ms; acknowledged enqueues ${run.acknowledged}, lost ${run.lost}`);
    out.push(
      table(['', 'n', 'p50', 'p95', 'max'], [
        summaryRow('failover: kill to new primary', run.failoverMs),
        summaryRow('interruption per guild', run.interruptionMs),
        summaryRow('position error per guild', run.positionErrorMs),
        summaryRow('overlap per guild', run.overlapMs),
      ]),
    );
  }
  out.push(`13b. WAIT on lease writes (ms): a claim, and a renewal round of ${f.leasesPerRound} leases (one pipeline, one WAIT)`);
  // Sub-millisecond on loopback: two decimals.
  const row = (name: string, s: Summary): string[] => [name, String(s.n), fmt(s.p50, 2), fmt(s.p95, 2), fmt(s.max, 2)];
  out.push(
    table(['', 'n', 'p50', 'p95', 'max'], [
      row('claim, HIQTY_REDIS_WAIT_MS=0', f.claimMs.off),
      row('claim, WAIT with a replica', f.claimMs.withReplica),
      row('claim, no replica (ROLE only)', f.claimMs.withoutReplica),
      row('renewal round, HIQTY_REDIS_WAIT_MS=0', f.renewalRoundMs.off),
      row('renewal round, WAIT with a replica', f.renewalRoundMs.withReplica),
      row('renewal round, no replica (ROLE only)', f.renewalRoundMs.withoutReplica),
    ]),
  );
  return out;
}
