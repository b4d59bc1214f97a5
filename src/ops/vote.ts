/**
 * Vote-skip: votes are a Redis set per track (so they hold across instances and die with the track's
 * TTL), and only the votes of members still listening count towards a majority of the listeners.
 */
import type { Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { addSkipVote, clearSkipVotes, type Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { VoteSkipInput } from './inputs';
import { fail, ok, withInput } from './run';

export type VoteSkipResult =
  | { readonly kind: 'voted'; readonly track: Track; readonly votes: number; readonly needed: number; readonly already: boolean }
  | { readonly kind: 'skipped'; readonly track: Track; readonly next: Track | undefined; readonly votes: number; readonly needed: number };

/** More than half of the listeners. */
export function votesNeeded(listeners: number): number {
  return Math.floor(Math.max(1, listeners) / 2) + 1;
}

export const voteSkip =
  (deps: OpsDeps) =>
  (input: VoteSkipInput): TaskEither<OpError, VoteSkipResult> =>
    withInput(VoteSkipInput, input, async (i): Promise<Either<OpError, VoteSkipResult>> => {
      const { snapshot } = await deps.store.snapshot(i.guild);
      const head = snapshot.head;
      if (head === undefined || head.kind !== 'track') return fail({ kind: 'queue-empty' });
      const tally = await addSkipVote(deps.redis, i.guild, head.track.id, i.voter, deps.limits.voteTtlMs);
      const added = tally.added;
      const voters = new Set(tally.voters);
      const listening = new Set([...i.listeners, i.voter]);
      const votes = [...voters].filter((v) => listening.has(v)).length;
      const needed = votesNeeded(listening.size);
      if (votes < needed) return ok({ kind: 'voted', track: head.track, votes, needed, already: !added });
      const r = await deps.store.skipIfHead(i.guild, head.track.id);
      await clearSkipVotes(deps.redis, i.guild, head.track.id);
      if (r.kind === 'not-head') return fail({ kind: 'changed' });
      return ok({ kind: 'skipped', track: head.track, next: snapshot.playlist[1], votes, needed });
    });
