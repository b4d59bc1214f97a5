/**
 * Reaction times (issue 11 moved these thresholds out of the tests): how long after an outside
 * change the audio at the sandbox does what it must. All times are this process's performance.now(),
 * from just before the Redis write (or the signal) to a packet's arrival at the sandbox:
 * - lease loss → silence: `player_lock` overwritten with another holder's value; to the last audio packet;
 * - skip → next tone: LPOP of the head mid-track; to the first packet of the next track (tone 660 Hz);
 * - stop → silence: `state` set to `stopped`; to the last audio packet (the baseline: its `stop` command);
 * - gap between tracks: a 2-track queue on one instance; from the end of track 1's last packet
 *   (arrival + one 20 ms frame) to the first packet of track 2, so 0 is seamless;
 * - SIGTERM → /readyz 503: polling /readyz every few ms while the instance drains a playing guild;
 * - REST change → SSE snapshot: a `PATCH .../settings` (volume) while an event stream of the guild is
 *   open on the same instance; to the arrival of the first snapshot that shows the new volume;
 * - filter change → filtered tone, and the hole a filter change and a volume change leave in the
 *   audio (bench/filter-gap.ts).
 * "Last packet" is known once the guild has been quiet for `quietMs`; each try uses a guild of its own.
 * A negative time to silence is a real reading: the last packet arrived before the write was even
 * sent, so the frame due next (at most 20 ms later) was never sent; the reaction took under one frame.
 * The gap between tracks includes the 5 silence frames (100 ms) @discordjs/voice sends after a track.
 * Only the stop has a usual-approach counterpart (the baseline's `player.stop(true)`): the baseline has
 * no queue, no leases, no /readyz and no API, so the other rows have no baseline column.
 * A skip is seamless at the packet level (no hole, same SSRC), so only the tone tells the tracks apart:
 * this section runs on a stage of its own whose sandbox decodes every 20 ms frame (the shared stage
 * decodes one 200 ms window in ten, which would place the next tone up to 2 s late). Tone starts are
 * therefore known to the frame. Cheap here: one guild plays at a time.
 *
 * `node dist/bench/reactions.js` runs this stage alone (`--smoke` for the tiny config); `make bench`
 * runs it with the rest.
 */
import type { DaveMode, GuildSpec } from '../src/sandbox';
import type { MonitorOptions } from '../src/sandbox/audio/monitor';
import { guildKeys, GUILDS_KEY } from '../src/state';
import { waitFor } from '../test/support/wait';
import { filterChangeTry, volumeChangeTry } from './filter-gap';
import { killProgram } from './procs';
import { fmtMs, reactionsTable } from './report';
import { BENCH_DAVE_MODE, BenchStage, type Bot } from './stage';
import { summarize, type Summary } from './stats';
import { baselineSubject, type Subject } from './subjects';
import { runProgram } from './program';

export interface ReactionsConfig {
  /** Tries of each figure. */
  readonly tries: number;
  /** Measure the baseline's stop too (the only figure with a usual-approach counterpart). */
  readonly baseline: boolean;
  /** The track that plays while the change comes (longer than any try), and how much of it plays first. */
  readonly longTrackMs: number;
  readonly playFirstMs: number;
  /** Length of each of the two tracks of the gap tries. */
  readonly gapTrackMs: number;
  /** No audio for this long: the last packet has come. */
  readonly quietMs: number;
}

export const REACTIONS_FULL: ReactionsConfig = { tries: 5, baseline: true, longTrackMs: 10_000, playFirstMs: 600, gapTrackMs: 600, quietMs: 1000 };
export const REACTIONS_SMOKE: ReactionsConfig = { tries: 1, baseline: true, longTrackMs: 10_000, playFirstMs: 300, gapTrackMs: 400, quietMs: 500 };

/** Guilds the stage needs: one per try of each of the seven hiqty figures and the baseline's stop. */
export function reactionGuilds(c: ReactionsConfig): number {
  return c.tries * (c.baseline ? 8 : 7) + 1;
}

/** The REST API token of the bench's bot (a local, throw-away instance). */
const API_TOKEN = 'bench-reactions-token';

export interface ReactionsFigures {
  readonly leaseLossToSilenceMs: Summary;
  readonly skipToNextToneMs: Summary;
  readonly stopToSilenceMs: Summary;
  readonly baselineStopToSilenceMs: Summary | undefined;
  readonly trackGapMs: Summary;
  readonly sigtermToNotReadyMs: Summary;
  readonly restToSseMs: Summary;
  /** Issue 16 (bench/filter-gap.ts): a filter change mid-track, and the hole it and a volume change leave. */
  readonly filterToToneMs: Summary;
  readonly filterHoleMs: Summary;
  readonly volumeHoleMs: Summary;
  readonly tries: Readonly<Record<string, readonly number[]>>;
}

export interface ReactionUrls {
  /** 440 Hz, `longTrackMs`. */
  readonly long: string;
  /** 660 Hz, `longTrackMs`: the track after a skip. */
  readonly next: string;
  /** 440 Hz and 660 Hz, `gapTrackMs` each. */
  readonly gapA: string;
  readonly gapB: string;
}

export async function reactionUrls(stage: BenchStage, c: ReactionsConfig): Promise<ReactionUrls> {
  const [long, next, gapA, gapB] = await Promise.all([
    stage.tone(440, c.longTrackMs, 'ogg-opus'),
    stage.tone(660, c.longTrackMs, 'ogg-opus'),
    stage.tone(440, c.gapTrackMs, 'ogg-opus'),
    stage.tone(660, c.gapTrackMs, 'ogg-opus'),
  ]);
  return { long, next, gapA, gapB };
}

export async function measureReactions(stage: BenchStage, c: ReactionsConfig, urls: ReactionUrls, progress: (line: string) => void): Promise<ReactionsFigures> {
  if (stage.guilds.length < reactionGuilds(c)) throw new Error(`reactions need ${reactionGuilds(c)} guilds, the sandbox has ${stage.guilds.length}`);
  let next = 0;
  const takeGuild = (): GuildSpec => {
    const g = stage.guilds[next++];
    if (!g) throw new Error('out of guilds');
    return g;
  };
  const tries: Record<string, number[]> = {};
  const repeat = async (name: string, once: () => Promise<number>): Promise<Summary> => {
    const values: number[] = [];
    for (let i = 0; i < c.tries; i++) values.push(await once());
    tries[name] = values;
    const s = summarize(values);
    progress(`  ${name}: p50 ${fmtMs(s.p50)} ms, max ${fmtMs(s.max)} ms (${values.map(fmtMs).join(', ')})`);
    return s;
  };

  // One long-lived instance for the Redis-driven figures: a change reaches a bot that is already warm.
  const bot = await stage.startBot({ HIQTY_API_TOKEN: API_TOKEN });
  const leaseLossToSilenceMs = await repeat('lease loss → silence', () => leaseLossTry(stage, takeGuild(), urls, c));
  const skipToNextToneMs = await repeat('skip → next tone', () => skipTry(stage, takeGuild(), urls, c));
  const stopToSilenceMs = await repeat('stop → silence', () => stopTry(stage, takeGuild(), urls, c));
  const trackGapMs = await repeat('gap between tracks', () => gapTry(stage, takeGuild(), urls, c));
  const filterHoles: number[] = [];
  const filterToToneMs = await repeat('filter change → filtered tone', async () => {
    const r = await filterChangeTry(stage, takeGuild(), urls.long, c);
    filterHoles.push(r.holeMs);
    return r.toToneMs;
  });
  tries['filter change: hole'] = filterHoles;
  const filterHoleMs = summarize(filterHoles);
  progress(`  filter change: hole: p50 ${fmtMs(filterHoleMs.p50)} ms, max ${fmtMs(filterHoleMs.max)} ms (${filterHoles.map(fmtMs).join(', ')})`);
  const volumeHoleMs = await repeat('volume change: hole', () => volumeChangeTry(stage, takeGuild(), urls.long, c));
  const sseGuild = takeGuild();
  // The API knows only guilds with state: a stopped guild, known to the bot.
  await stage.stopGuilds([sseGuild]);
  await stage.db.sadd(GUILDS_KEY, sseGuild.id);
  const sse = await openEvents(bot, sseGuild);
  let volume = 10;
  const restToSseMs = await repeat('REST change → SSE snapshot', () => sse.change((volume += 1))).finally(() => sse.close());
  await stage.stopBots();
  await stage.flush();
  const sigtermToNotReadyMs = await repeat('SIGTERM → /readyz 503', () => sigtermTry(stage, takeGuild(), urls, c));

  let baselineStopToSilenceMs: Summary | undefined;
  if (c.baseline) {
    const baseline = await baselineSubject(stage, stage.guilds.length);
    try {
      baselineStopToSilenceMs = await repeat('baseline stop → silence', () => baselineStopTry(stage, baseline, takeGuild(), urls, c));
    } finally {
      await baseline.close();
    }
  }
  return { leaseLossToSilenceMs, skipToNextToneMs, stopToSilenceMs, baselineStopToSilenceMs, trackGapMs, sigtermToNotReadyMs, restToSseMs, filterToToneMs, filterHoleMs, volumeHoleMs, tries };
}

const stats = (stage: BenchStage, guild: GuildSpec) => stage.sandbox.voiceStats(guild.id, { flush: false });

/** Waits for `ms` of audio in the guild (from a clean slate). */
async function audible(stage: BenchStage, guild: GuildSpec, ms: number): Promise<void> {
  await waitFor(`${ms} ms of audio in ${guild.id}`, () => stats(stage, guild).frames >= ms / 20, { timeoutMs: 20_000, intervalMs: 10 });
}

/** The arrival of the guild's last audio packet, once none came for `quietMs` (at most 20 s). */
async function lastAudio(stage: BenchStage, guild: GuildSpec, quietMs: number): Promise<number> {
  return waitFor(
    `silence in ${guild.id}`,
    () => {
      const last = stats(stage, guild).lastPacketAtMs;
      return last !== undefined && performance.now() - last >= quietMs ? last : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 20 },
  );
}

/** Start of the first segment of the tone (±10 Hz) that began after `afterMs`. */
function toneStart(stage: BenchStage, guild: GuildSpec, hz: number, afterMs: number): number | undefined {
  return stats(stage, guild).segments.find((s) => Math.abs(s.hz - hz) <= 10 && s.startMs > afterMs)?.startMs;
}

async function leaseLossTry(stage: BenchStage, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  const keys = guildKeys(guild.id);
  stage.resetAudio([guild]);
  await stage.play([guild], [urls.long]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  // Another instance's value with a TTL longer than the try: the bot may not win the guild back meanwhile.
  await stage.db.set(keys.player_lock, 'intruder:999', 'PX', 30_000);
  const last = await lastAudio(stage, guild, c.quietMs);
  await stage.stopGuilds([guild]);
  await stage.db.del(keys.player_lock);
  return last - at;
}

async function skipTry(stage: BenchStage, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  stage.resetAudio([guild]);
  await stage.play([guild], [urls.long, urls.next]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  await stage.db.lpop(guildKeys(guild.id).playlist);
  const first = await waitFor(`the next tone in ${guild.id}`, () => toneStart(stage, guild, 660, at - 1), { timeoutMs: 20_000, intervalMs: 10 });
  await stage.stopGuilds([guild]);
  await lastAudio(stage, guild, 200);
  return first - at;
}

async function stopTry(stage: BenchStage, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  stage.resetAudio([guild]);
  await stage.play([guild], [urls.long]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  await stage.db.set(guildKeys(guild.id).state, 'stopped');
  const last = await lastAudio(stage, guild, c.quietMs);
  await stage.stopGuilds([guild]);
  return last - at;
}

async function gapTry(stage: BenchStage, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  stage.resetAudio([guild]);
  await stage.play([guild], [urls.gapA, urls.gapB]);
  const second = await waitFor(`the second track in ${guild.id}`, () => toneStart(stage, guild, 660, 0), { timeoutMs: 20_000, intervalMs: 10 });
  await lastAudio(stage, guild, c.quietMs);
  // Windows record every packet (decoded or not): the last window before track 2 ends at track 1's last packet + 20 ms.
  const endOfFirst = Math.max(...stage.sandbox.voiceStats(guild.id).windows.filter((w) => w.startMs < second).map((w) => w.endMs));
  await stage.stopGuilds([guild]);
  return second - endOfFirst;
}

async function sigtermTry(stage: BenchStage, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  const bot: Bot = await stage.startBot();
  stage.resetAudio([guild]);
  // A guild playing keeps the drain (and /readyz) alive until its track ends.
  await stage.play([guild], [urls.long]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  bot.program.child.kill('SIGTERM');
  const notReady = await waitFor(
    `${bot.instance} /readyz 503`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${bot.httpPort}/readyz`).catch(() => undefined);
      // Connection refused (the process already gone) would be a failure to report 503 while draining.
      if (res === undefined && !bot.program.alive()) throw new Error(`${bot.instance} exited before /readyz said 503`);
      return res?.status === 503 ? performance.now() : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 2 },
  );
  await stage.stopGuilds([guild]);
  await killProgram(bot.program);
  return notReady - at;
}

interface EventsProbe {
  /** PATCHes the guild's volume; resolves with the ms until a snapshot showing it arrived. */
  change(volume: number): Promise<number>;
  close(): void;
}

/** Opens the guild's event stream and records every snapshot frame's arrival. */
async function openEvents(bot: Bot, guild: GuildSpec): Promise<EventsProbe> {
  const api = `http://127.0.0.1:${bot.httpPort}/api/v1/guilds/${guild.id}`;
  const auth = { Authorization: `Bearer ${API_TOKEN}` };
  const abort = new AbortController();
  const res = await fetch(`${api}/events`, { headers: auth, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}: ${await res.text()}`);
  const frames: { atMs: number; data: string }[] = [];
  const body = res.body.pipeThrough(new TextDecoderStream());
  void (async () => {
    let buffer = '';
    for await (const chunk of body) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (frame.includes('event: snapshot') && data !== undefined) frames.push({ atMs: performance.now(), data });
      }
    }
  })().catch(() => undefined); // the abort at close ends the loop
  await waitFor('the first snapshot', () => frames.length > 0, { timeoutMs: 10_000 });
  return {
    async change(volume) {
      const at = performance.now();
      const patched = await fetch(`${api}/settings`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ volume }) });
      if (patched.status >= 300) throw new Error(`PATCH settings answered ${patched.status}: ${await patched.text()}`);
      const seen = await waitFor(`a snapshot with volume ${volume}`, () => frames.find((f) => f.atMs >= at && f.data.includes(`"volume":${volume}`)), { timeoutMs: 10_000, intervalMs: 2 });
      return seen.atMs - at;
    },
    close: () => abort.abort(),
  };
}

async function baselineStopTry(stage: BenchStage, baseline: Subject, guild: GuildSpec, urls: ReactionUrls, c: ReactionsConfig): Promise<number> {
  stage.resetAudio([guild]);
  await baseline.play([guild], urls.long);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  await baseline.stop([guild]);
  return (await lastAudio(stage, guild, c.quietMs)) - at;
}

/** The sandbox's monitor for this section: every frame decoded on its own (1-frame windows still tell 440 Hz from 660 Hz). */
export const REACTIONS_MONITOR: MonitorOptions = { decodeEvery: 'all', windowFrames: 1 };

/** The whole section on a stage of its own (see the top of this file for why). */
export async function runReactions(c: ReactionsConfig, progress: (line: string) => void, dave: DaveMode = BENCH_DAVE_MODE): Promise<ReactionsFigures> {
  const stage = await BenchStage.start(reactionGuilds(c), REACTIONS_MONITOR, dave);
  try {
    return await measureReactions(stage, c, await reactionUrls(stage, c), progress);
  } finally {
    await stage.stop();
  }
}

async function main(): Promise<void> {
  const c = process.argv.includes('--smoke') ? REACTIONS_SMOKE : REACTIONS_FULL;
  const started = performance.now();
  const figures = await runReactions(c, (l) => console.error(l));
  console.log(reactionsTable(figures));
  console.error(`${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) runProgram(main);
