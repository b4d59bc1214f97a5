/** play: resolve what was asked for, enqueue it within the guild's limits, and make the guild play. */
import { isLeft, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { QueryOutcome, ResolveProgress, SkippedSource } from '../sources/query';
import type { Playlist, SourceTrack } from '../sources/types';
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
  readonly playlist: Playlist | undefined;
  /** The queue was empty, so the first track starts now. */
  readonly startsNow: boolean;
  /** Entries of a playlist or set left out because they cannot play (preview only, DRM, a dead link), with why. */
  readonly leftOut: readonly { readonly title: string; readonly reason: string }[];
  /** Sources a search passed over (resting after errors, failing) before another one found the track. */
  readonly skippedSources: readonly SkippedSource[];
}

export interface PlayHooks {
  readonly onProgress?: (p: ResolveProgress) => void;
  readonly signal?: AbortSignal;
}

interface Resolved {
  readonly tracks: readonly SourceTrack[];
  readonly playlist?: Playlist;
  readonly leftOut: readonly { readonly title: string; readonly reason: string }[];
  readonly skippedSources: readonly SkippedSource[];
}

/** Every outcome but tracks, as the refusal the interfaces word. */
export function outcomeError(outcome: Exclude<QueryOutcome, { kind: 'tracks' }>): OpError {
  switch (outcome.kind) {
    case 'refused':
      return { kind: 'link-refused', reason: outcome.reason };
    case 'unavailable':
      return { kind: 'source-unavailable', source: outcome.source, reason: outcome.reason };
    case 'service-failed':
      return { kind: 'source-failed', source: outcome.source, reason: outcome.reason };
    case 'cooling-down':
      return { kind: 'cooling-down', sources: outcome.sources };
    case 'no-results':
      return { kind: 'no-results', query: outcome.query, skipped: outcome.skipped };
    case 'empty':
      return { kind: 'playlist-empty', what: outcome.what };
    case 'cancelled':
      return { kind: 'cancelled' };
  }
}

/** The query as the resolver takes it (prefixes such as `yt:` stay: the resolver parses them), or why not. */
export function checkQuery(deps: OpsDeps, raw: string): Either<OpError, string> {
  const query = raw.trim();
  if (query.length === 0) return fail({ kind: 'empty-query' });
  if (query.length > deps.limits.maxQueryLength) return fail({ kind: 'query-too-long', length: query.length, max: deps.limits.maxQueryLength });
  return ok(query);
}

async function resolveQuery(deps: OpsDeps, raw: string, hooks: PlayHooks): Promise<Either<OpError, Resolved>> {
  const query = checkQuery(deps, raw);
  if (isLeft(query)) return query;
  const outcome = await deps.resolver.resolve(query.right, { ...(hooks.signal === undefined ? {} : { signal: hooks.signal }), ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }) });
  if (outcome.kind !== 'tracks') return fail(outcomeError(outcome));
  if (outcome.tracks.length === 0) return fail({ kind: 'playlist-empty', what: outcome.playlist === undefined ? 'answer' : 'playlist' });
  return ok({ tracks: outcome.tracks, ...(outcome.playlist === undefined ? {} : { playlist: outcome.playlist }), leftOut: outcome.skipped ?? [], skippedSources: outcome.skippedSources ?? [] });
}

/** Where and for whom play queues. */
export interface Target {
  readonly guild: string;
  readonly requester: { readonly id: string; readonly name: string };
  readonly next?: boolean;
  readonly channel?: string;
  readonly textChannel?: string;
}

/** A queue entry with everything the source told about the track (optional fields only when known). */
export function trackOf(s: SourceTrack, requester: Target['requester'], addedAt: number): Track {
  return {
    id: newTrackId(),
    url: s.url,
    title: s.title,
    source: s.source,
    ...(s.sourceId === undefined ? {} : { sourceId: s.sourceId }),
    ...(s.artist === undefined ? {} : { artist: s.artist }),
    ...(s.durationMs === undefined ? {} : { durationMs: s.durationMs }),
    ...(s.artworkUrl === undefined ? {} : { artworkUrl: s.artworkUrl }),
    ...(s.isrc === undefined ? {} : { isrc: s.isrc }),
    ...(s.live === undefined ? {} : { live: s.live }),
    requester,
    addedAt,
  };
}

/**
 * The write of play: one script enqueues the tracks within the guild's limits (max_queue, else the
 * default, and max_per_user), sets the channel, the text channel if none, and `playing`. Saved
 * playlists load through it too. Answers the 0-based position of the first track.
 */
export async function enqueueAndPlayTracks(deps: OpsDeps, i: Target, tracks: readonly Track[]): Promise<Either<OpError, number>> {
  const enqueued = await deps.store.enqueueAndPlay(i.guild, tracks, {
    next: i.next === true,
    defaultMaxQueue: deps.limits.defaultMaxQueue,
    ...(i.channel === undefined ? {} : { channel: i.channel }),
    ...(i.textChannel === undefined ? {} : { textChannel: i.textChannel }),
  });
  if (enqueued.kind === 'invalid') return fail({ kind: 'invalid-input', problems: enqueued.problems });
  if (enqueued.kind !== 'enqueued') return fail(enqueued);
  return ok(enqueued.positions[0] ?? 0);
}

/** The write half of play, shared by one query and many. */
async function enqueueAndPlay(deps: OpsDeps, i: Target, resolved: readonly Resolved[]): Promise<Either<OpError, PlayResult>> {
  const now = deps.clock.now();
  const tracks: Track[] = resolved.flatMap((res) => res.tracks.map((s) => trackOf(s, i.requester, now)));
  const enqueued = await enqueueAndPlayTracks(deps, i, tracks);
  if (isLeft(enqueued)) return enqueued;
  const first = enqueued.right;
  return ok({
    kind: 'queued',
    tracks,
    position: first + 1,
    playlist: resolved.length === 1 ? resolved[0]?.playlist : undefined,
    startsNow: first === 0,
    leftOut: resolved.flatMap((r) => r.leftOut),
    skippedSources: resolved.flatMap((r) => r.skippedSources),
  });
}

export const play =
  (deps: OpsDeps) =>
  (input: PlayInput, hooks: PlayHooks = {}): TaskEither<OpError, PlayResult> =>
    withInput(PlayInput, input, async (i) => {
      const resolved = await resolveQuery(deps, i.query, hooks);
      return isLeft(resolved) ? resolved : enqueueAndPlay(deps, i, [resolved.right]);
    });

/**
 * Several queries at once (the REST API's and the CLI's list, /search's chosen results): every one is
 * resolved before anything is written, and all tracks go into the queue in one atomic enqueue, so a
 * refusal of any of them (a bad link, the queue limit) leaves the guild exactly as it was.
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
