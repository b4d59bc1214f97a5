/**
 * What a filter change mid-track costs the listener (issue 16), in the reactions section: the Player
 * restarts the track at its position through one ffmpeg with the new -af chain, as it does for a
 * volume change. Two figures per try, from just before the Redis write (HSET of the settings field,
 * as /filter does):
 * - filter change → filtered tone: to the first packet of the shifted tone (nightcore: 440 Hz heard
 *   as 550 Hz), the analogue of "skip → next tone";
 * - the hole: the silence between the old play's last audio packet and the new play's first (the old
 *   play's five silence frames included, so never under 100 ms), for the filter change (the gap that
 *   ends at the first filtered packet) and, beside it, for a volume change, the path the filters follow
 *   (the first gap of 100 ms or more after the write: the tone does not change, and the padding makes a
 *   restart's hole at least that long, while jitter on a loaded machine makes shorter ones). The
 *   baseline has neither, so there is no usual-approach column.
 */
import type { GuildSpec } from '../src/sandbox';
import { guildKeys } from '../src/state';
import { waitFor } from '../test/support/wait';
import type { BenchStage } from './stage';

export interface FilterGapConfig {
  readonly playFirstMs: number;
  readonly quietMs: number;
}

export interface FilterChangeTry {
  /** Write to the first packet of the filtered tone. */
  readonly toToneMs: number;
  /** The hole in the audio the restart left. */
  readonly holeMs: number;
}

/** Nightcore on a 440 Hz tone: 550 Hz. */
const NIGHTCORE = '{"nightcore":true}';
const FILTERED_HZ = 550;

const stats = (stage: BenchStage, guild: GuildSpec) => stage.sandbox.voiceStats(guild.id, { flush: false });

async function audible(stage: BenchStage, guild: GuildSpec, ms: number): Promise<void> {
  await waitFor(`${ms} ms of audio in ${guild.id}`, () => stats(stage, guild).frames >= ms / 20, { timeoutMs: 20_000, intervalMs: 10 });
}

/** A restart's hole is at least the five 20 ms silence frames the stopped play sends. */
const RESTART_HOLE_MIN_MS = 100;

/** The first hole of a restart's length that ended after `afterMs`: its length. */
async function holeAfter(stage: BenchStage, guild: GuildSpec, afterMs: number): Promise<number> {
  const gap = await waitFor(`a restart's hole in ${guild.id}`, () => stats(stage, guild).gaps.find((g) => g.atMs > afterMs && g.ms >= RESTART_HOLE_MIN_MS), { timeoutMs: 20_000, intervalMs: 10 });
  return gap.ms;
}

/** The hole that ended with the packet at `endMs` (the first of the new play), or 0 when none did (seamless). */
function holeEndingAt(stage: BenchStage, guild: GuildSpec, afterMs: number, endMs: number): number {
  const gaps = stats(stage, guild).gaps.filter((g) => g.atMs > afterMs && g.atMs <= endMs + 20);
  return Math.max(0, ...gaps.map((g) => g.ms));
}

async function settle(stage: BenchStage, guild: GuildSpec, quietMs: number): Promise<void> {
  await stage.stopGuilds([guild]);
  await waitFor(`silence in ${guild.id}`, () => {
    const last = stats(stage, guild).lastPacketAtMs;
    return last === undefined || performance.now() - last >= quietMs;
  }, { timeoutMs: 20_000, intervalMs: 20 });
}

/** `longUrl`: a long 440 Hz Ogg Opus tone, which plays straight through until the filter comes. */
export async function filterChangeTry(stage: BenchStage, guild: GuildSpec, longUrl: string, c: FilterGapConfig): Promise<FilterChangeTry> {
  stage.resetAudio([guild]);
  await stage.play([guild], [longUrl]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  await stage.db.hset(guildKeys(guild.id).settings, 'filters', NIGHTCORE);
  const first = await waitFor(
    `${FILTERED_HZ} Hz in ${guild.id}`,
    () => stats(stage, guild).segments.find((s) => Math.abs(s.hz - FILTERED_HZ) <= 10 && s.startMs > at)?.startMs,
    { timeoutMs: 20_000, intervalMs: 10 },
  );
  const holeMs = holeEndingAt(stage, guild, at, first);
  await settle(stage, guild, c.quietMs);
  return { toToneMs: first - at, holeMs };
}

/** The same restart for a volume change: only its hole (the tone stays). */
export async function volumeChangeTry(stage: BenchStage, guild: GuildSpec, longUrl: string, c: FilterGapConfig): Promise<number> {
  stage.resetAudio([guild]);
  await stage.play([guild], [longUrl]);
  await audible(stage, guild, c.playFirstMs);
  const at = performance.now();
  await stage.db.hset(guildKeys(guild.id).settings, 'volume', '50');
  const holeMs = await holeAfter(stage, guild, at);
  await settle(stage, guild, c.quietMs);
  return holeMs;
}
