/** play: resolve what was asked for, enqueue it within the guild's limits, and make the guild play. */
import { isLeft, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { ResolvedTrack, ResolveProgress } from '../media/resolve';
import { newTrackId, type Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { PlayInput, PlayManyInput } from './inputs';
import { fail, ok, withInput } from './run';

export interface PlayResult {
  readonly kind: 'queued';
  readonly tracks: readonly Track[];
  /** 1-based queue position of the first track queued (1: it plays now). */
  readonly position: number;
  readonly playlist: { readonly url: string; readonly title: string } | undefined;
  /** The queue was empty, so the first track starts now. */
  readonly startsNow: boolean;
}

export interface PlayHooks {
  readonly onProgress?: (p: ResolveProgress) => void;
  readonly signal?: AbortSignal;
}

interface Resolved {
  readonly source: string;
  readonly tracks: readonly ResolvedTrack[];
  readonly playlist?: { readonly url: string; readonly title: string };
}

async function resolveQuery(deps: OpsDeps, raw: string, hooks: PlayHooks): Promise<Either<OpError, Resolved>> {
  const query = raw.trim();
  if (query.length === 0) return fail({ kind: 'invalid-input', problems: ['query: paste a link'] });
  if (query.length > deps.limits.maxQueryLength) return fail({ kind: 'query-too-long', length: query.length, max: deps.limits.maxQueryLength });
  const resolved = await deps.resolver.resolve(query, { signal: hooks.signal, onProgress: hooks.onProgress });
  return resolved.kind === 'tracks' ? ok(resolved) : fail(resolved);
}

interface Target {
  readonly guild: string;
  readonly requester: { readonly id: string; readonly name: string };
  readonly next?: boolean;
  readonly channel?: string;
  readonly textChannel?: string;
}

/** The write half of play, shared by one query and many: one script enqueues within the limits, sets the channel, the text channel and `playing`. */
async function enqueueAndPlay(deps: OpsDeps, i: Target, resolved: readonly Resolved[]): Promise<Either<OpError, PlayResult>> {
  const now = deps.clock.now();
  const tracks: Track[] = resolved.flatMap((res) =>
    res.tracks.map((r) => ({
      id: newTrackId(),
      url: r.url,
      title: r.title,
      ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }),
      requester: i.requester,
      source: res.source,
      addedAt: now,
    })),
  );
  const enqueued = await deps.store.enqueueAndPlay(i.guild, tracks, {
    next: i.next === true,
    defaultMaxQueue: deps.limits.defaultMaxQueue,
    ...(i.channel === undefined ? {} : { channel: i.channel }),
    ...(i.textChannel === undefined ? {} : { textChannel: i.textChannel }),
  });
  if (enqueued.kind === 'invalid') return fail({ kind: 'invalid-input', problems: enqueued.problems });
  if (enqueued.kind !== 'enqueued') return fail(enqueued);
  const first = enqueued.positions[0] ?? 0;
  return ok({ kind: 'queued', tracks, position: first + 1, playlist: resolved.length === 1 ? resolved[0]?.playlist : undefined, startsNow: first === 0 });
}

export const play =
  (deps: OpsDeps) =>
  (input: PlayInput, hooks: PlayHooks = {}): TaskEither<OpError, PlayResult> =>
    withInput(PlayInput, input, async (i) => {
      const resolved = await resolveQuery(deps, i.query, hooks);
      return isLeft(resolved) ? resolved : enqueueAndPlay(deps, i, [resolved.right]);
    });

/**
 * Several queries at once (the REST API's and the CLI's list of URLs): every one is resolved before
 * anything is written, and all tracks go into the queue in one atomic enqueue, so a refusal of any of
 * them (a bad link, the queue limit) leaves the guild exactly as it was.
 */
export const playMany =
  (deps: OpsDeps) =>
  (input: PlayManyInput, hooks: PlayHooks = {}): TaskEither<OpError, PlayResult> =>
    withInput(PlayManyInput, input, async (i) => {
      const resolved: Resolved[] = [];
      for (const query of i.queries) {
        const r = await resolveQuery(deps, query, hooks);
        if (isLeft(r)) return r;
        resolved.push(r.right);
      }
      return enqueueAndPlay(deps, i, resolved);
    });
