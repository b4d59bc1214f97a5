/** Playback controls: skip, pause, resume, stop, leave, seek, volume, loop, stay. */
import type { Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { newTrackId, type LoopMode, type Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput, LoopInput, SeekInput, SkipInput, StayInput, VolumeInput } from './inputs';
import { parsePosition } from './position';
import { fail, ok, withInput } from './run';

export type SkipResult = { readonly kind: 'skipped'; readonly track: Track; readonly next: Track | undefined; readonly requeued: boolean };

/** Skips the current track; with trackId, only if that is still the current one (a stale button skips nothing). */
export const skip =
  (deps: OpsDeps) =>
  (input: SkipInput): TaskEither<OpError, SkipResult> =>
    withInput(SkipInput, input, async (i) => {
      const { snapshot } = await deps.store.snapshot(i.guild);
      const head = snapshot.head;
      if (head === undefined || head.kind !== 'track') return fail({ kind: 'queue-empty' });
      if (i.trackId !== undefined && head.track.id !== i.trackId) return fail({ kind: 'changed' });
      const r = await deps.store.skipIfHead(i.guild, head.track.id);
      if (r.kind === 'not-head') return fail({ kind: 'changed' });
      return ok({ kind: 'skipped', track: head.track, next: snapshot.playlist[1], requeued: r.requeued });
    });

export type PauseResult = { readonly kind: 'paused'; readonly track: Track; readonly already: boolean };
export type ResumeResult = { readonly kind: 'resumed'; readonly track: Track; readonly already: boolean };

export const pause =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, PauseResult> =>
    withInput(GuildInput, input, async ({ guild }): Promise<Either<OpError, PauseResult>> => {
      const { snapshot } = await deps.store.snapshot(guild);
      const track = snapshot.playlist[0];
      if (track === undefined) return fail({ kind: 'queue-empty' });
      if (snapshot.state === 'stopped') return fail({ kind: 'not-playing' });
      if (snapshot.state === 'paused') return ok({ kind: 'paused', track, already: true });
      await deps.store.setState(guild, 'paused');
      return ok({ kind: 'paused', track, already: false });
    });

export const resume =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, ResumeResult> =>
    withInput(GuildInput, input, async ({ guild }): Promise<Either<OpError, ResumeResult>> => {
      const { snapshot } = await deps.store.snapshot(guild);
      const track = snapshot.playlist[0];
      if (track === undefined) return fail({ kind: 'queue-empty' });
      if (snapshot.channel === undefined) return fail({ kind: 'no-channel' });
      if (snapshot.state === 'playing') return ok({ kind: 'resumed', track, already: true });
      await deps.store.setState(guild, 'playing');
      return ok({ kind: 'resumed', track, already: false });
    });

export type StopResult = { readonly kind: 'stopped'; readonly removed: number };
export type LeaveResult = { readonly kind: 'left'; readonly removed: number };

/** Stops and empties the queue; the bot leaves the channel after the idle timeout (unless stay is on). */
export const stop =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, StopResult> =>
    withInput(GuildInput, input, async ({ guild }) => ok({ kind: 'stopped', removed: (await deps.store.stop(guild)).removed }));

/** Stops, empties the queue and drops the channel: the player leaves at once, even with stay on. */
export const leave =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, LeaveResult> =>
    withInput(GuildInput, input, async ({ guild }) => ok({ kind: 'left', removed: (await deps.store.stop(guild, { dropChannel: true })).removed }));

export type SeekResult = { readonly kind: 'seeked'; readonly track: Track; readonly positionMs: number };

/**
 * Seeks by desired state: the head is replaced by a copy under a new id with `startMs`, and the player,
 * seeing a new head, starts it there. Unknown fields of the track are kept.
 */
export const seek =
  (deps: OpsDeps) =>
  (input: SeekInput): TaskEither<OpError, SeekResult> =>
    withInput(SeekInput, input, async (i) => {
      const positionMs = typeof i.position === 'number' ? (Number.isFinite(i.position) && i.position >= 0 ? Math.round(i.position * 1000) : undefined) : parsePosition(i.position);
      if (positionMs === undefined) return fail({ kind: 'bad-position', input: String(i.position) });
      const { snapshot } = await deps.store.snapshot(i.guild);
      const head = snapshot.head;
      if (head === undefined || head.kind !== 'track') return fail({ kind: 'queue-empty' });
      if (head.track.live === true) return fail({ kind: 'not-seekable' });
      const durationMs = head.track.durationMs;
      if (durationMs !== undefined && positionMs >= durationMs) return fail({ kind: 'position-beyond-end', positionMs, durationMs });
      const track: Track = { ...head.track, id: newTrackId(), startMs: positionMs };
      const r = await deps.store.replaceHead(i.guild, head.raw, track);
      if (r.kind === 'empty') return fail({ kind: 'queue-empty' });
      if (r.kind === 'changed') return fail({ kind: 'changed' });
      if (r.kind === 'invalid') return fail({ kind: 'invalid-input', problems: r.problems });
      return ok({ kind: 'seeked', track, positionMs });
    });

export type VolumeResult = { readonly kind: 'volume-set'; readonly percent: number; readonly before: number };

export const setVolume =
  (deps: OpsDeps) =>
  (input: VolumeInput): TaskEither<OpError, VolumeResult> =>
    withInput(VolumeInput, input, async (i) => {
      if (!Number.isInteger(i.percent) || i.percent < 0 || i.percent > 200) return fail({ kind: 'volume-out-of-range', percent: i.percent });
      const { snapshot } = await deps.store.snapshot(i.guild);
      const r = await deps.store.setSettings(i.guild, { volume: i.percent });
      if (r.kind === 'invalid') return fail({ kind: 'invalid-input', problems: r.problems });
      return ok({ kind: 'volume-set', percent: i.percent, before: snapshot.settings.volume });
    });

export type LoopResult = { readonly kind: 'loop-set'; readonly mode: LoopMode };

export const setLoop =
  (deps: OpsDeps) =>
  (input: LoopInput): TaskEither<OpError, LoopResult> =>
    withInput(LoopInput, input, async (i) => {
      const r = await deps.store.setSettings(i.guild, { loop: i.mode });
      return r.kind === 'invalid' ? fail({ kind: 'invalid-input', problems: r.problems }) : ok({ kind: 'loop-set', mode: i.mode });
    });

export type StayResult = { readonly kind: 'stay-set'; readonly enabled: boolean };

export const setStay =
  (deps: OpsDeps) =>
  (input: StayInput): TaskEither<OpError, StayResult> =>
    withInput(StayInput, input, async (i) => {
      const r = await deps.store.setSettings(i.guild, { stay: i.enabled });
      return r.kind === 'invalid' ? fail({ kind: 'invalid-input', problems: r.problems }) : ok({ kind: 'stay-set', enabled: i.enabled });
    });
