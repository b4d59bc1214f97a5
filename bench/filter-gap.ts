/**
 * What a filter change mid-track costs the listener (issue 16), in the reactions section: the Player
 * restarts the track at its position through one ffmpeg with the new -af chain, as it does for a
 * volume change. Two figures per try, from just before the Redis write (HSET of the settings field,
 * as /filter does):
 * - filter change → filtered tone: to the first packet of the shifted tone (nightcore: 440 Hz heard
 *   as 550 Hz), the analogue of "skip → next tone";
 * - the hole: the first silence over 60 ms between audio packets after the write (the old play's five
 *   silence frames included), for the filter change and, beside it, for a volume change, the path the
 *   filters follow (the baseline has neither, so the volume change is the usual-approach figure).
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

/** The first hole over 60 ms that ended after `afterMs`: its length. */
async function holeAfter(stage: BenchStage, guild: GuildSpec, afterMs: number): Promise<number> {
  const gap = await waitFor(`a restart's hole in ${guild.id}`, () => stats(stage, guild).gaps.find((g) => g.atMs > afterMs), { timeoutMs: 20_000, intervalMs: 10 });
  return gap.ms;
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
  const holeMs = await holeAfter(stage, guild, at);
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
