/** Queue edits by 1-based position (1 is the current track): remove, move, shuffle, clear. */
import type { TaskEither } from 'fp-ts/TaskEither';
import type { Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput, MoveInput, RemoveInput } from './inputs';
import { fail, ok, withInput } from './run';

export type RemoveResult = { readonly kind: 'removed'; readonly index: number; readonly track: Track | undefined };
export type MoveResult = { readonly kind: 'moved'; readonly from: number; readonly to: number; readonly track: Track | undefined };
export type ShuffleResult = { readonly kind: 'shuffled'; readonly count: number };
export type ClearResult = { readonly kind: 'cleared'; readonly removed: number };

/**
 * Removes the entry at a 1-based index. With `by` and mayRemoveOthers false, only the asker's own tracks.
 * Known limit: the ownership check reads the entry, then removes by index; if the queue shifts in
 * between (the track ended that very moment), the check applied to the entry that was there.
 */
export const remove =
  (deps: OpsDeps) =>
  (input: RemoveInput): TaskEither<OpError, RemoveResult> =>
    withInput(RemoveInput, input, async (i) => {
      const { snapshot } = await deps.store.snapshot(i.guild);
      const length = snapshot.playlistLength;
      if (length === 0) return fail({ kind: 'queue-empty' });
      if (i.index < 1 || i.index > length) return fail({ kind: 'index-out-of-range', index: i.index, length });
      if (i.by !== undefined && i.mayRemoveOthers === false) {
        const owner = snapshot.playlist[i.index - 1]?.requester;
        if (owner !== undefined && owner.id !== i.by) return fail({ kind: 'not-yours', index: i.index, owner: owner.name });
      }
      const r = await deps.store.remove(i.guild, i.index - 1);
      if (r.kind === 'out-of-range') return fail(r.length === 0 ? { kind: 'queue-empty' } : { kind: 'index-out-of-range', index: i.index, length: r.length });
      return ok({ kind: 'removed', index: i.index, track: r.entry.kind === 'track' ? r.entry.track : undefined });
    });

export const move =
  (deps: OpsDeps) =>
  (input: MoveInput): TaskEither<OpError, MoveResult> =>
    withInput(MoveInput, input, async (i) => {
      const r = await deps.store.move(i.guild, i.from - 1, i.to - 1);
      if (r.kind === 'out-of-range') {
        if (r.length === 0) return fail({ kind: 'queue-empty' });
        const bad = i.from < 1 || i.from > r.length ? i.from : i.to;
        return fail({ kind: 'index-out-of-range', index: bad, length: r.length });
      }
      return ok({ kind: 'moved', from: i.from, to: i.to, track: r.entry.kind === 'track' ? r.entry.track : undefined });
    });

/** Shuffles everything after the current track. */
export const shuffle =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, ShuffleResult> =>
    withInput(GuildInput, input, async ({ guild }) => {
      const { snapshot } = await deps.store.snapshot(guild);
      if (snapshot.playlistLength === 0) return fail({ kind: 'queue-empty' });
      return ok({ kind: 'shuffled', count: (await deps.store.shuffle(guild)).count });
    });

/** Empties the queue, the current track included; the desired state stays, so the next /play starts at once. */
export const clear =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, ClearResult> =>
    withInput(GuildInput, input, async ({ guild }) => {
      const r = await deps.store.clear(guild);
      return r.removed === 0 ? fail({ kind: 'queue-empty' }) : ok({ kind: 'cleared', removed: r.removed });
    });
