/**
 * History and back: the guild's last played tracks (hiqty:server:{g}:history, newest first), /previous,
 * requeueing from the history, and /skipto. Every write is one script in src/state.
 */
import * as t from 'io-ts';
import type { Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { intInRange, NonEmptyString, Snowflake } from '../codecs';
import { HISTORY_LENGTH, newTrackId, Requester, type Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { fail, ok, withInput } from './run';

/** Entries per page of /history (10, like /queue). */
export const HISTORY_PAGE_SIZE = 10;

/** Most entries one requeue takes: one page's worth, what one menu offers. */
export const MAX_HISTORY_PICKS = HISTORY_PAGE_SIZE;

export const HistoryPageInput = t.intersection([t.type({ guild: Snowflake }), t.partial({ page: intInRange(-1_000_000, 1_000_000), pageSize: intInRange(1, 25) })]);
export type HistoryPageInput = t.TypeOf<typeof HistoryPageInput>;

export const PreviousInput = t.intersection([
  t.type({ guild: Snowflake }),
  t.partial({
    /** The voice channel to play in; absent keeps the one already desired. */
    channel: Snowflake,
    /** Where announcements go unless the guild already has a channel for them. */
    textChannel: Snowflake,
  }),
]);
export type PreviousInput = t.TypeOf<typeof PreviousInput>;

const TrackIds = new t.Type<string[], string[], unknown>(
  `a list of 1 to ${MAX_HISTORY_PICKS} track ids`,
  (u): u is string[] => Array.isArray(u) && u.every((v) => typeof v === 'string'),
  (u, c) => (Array.isArray(u) && u.length >= 1 && u.length <= MAX_HISTORY_PICKS ? t.array(NonEmptyString).validate(u, c) : t.failure(u, c)),
  t.identity,
);

export const RequeueHistoryInput = t.intersection([
  /** The ids of the history entries' tracks: what a menu offered, so a pick of an entry that is gone is refused. */
  t.type({ guild: Snowflake, trackIds: TrackIds, requester: Requester }),
  t.partial({ channel: Snowflake, textChannel: Snowflake }),
]);
export type RequeueHistoryInput = t.TypeOf<typeof RequeueHistoryInput>;

/** 1-based like /queue: 1 is the current track. */
export const SkipToInput = t.type({ guild: Snowflake, index: intInRange(-1_000_000_000, 1_000_000_000) });
export type SkipToInput = t.TypeOf<typeof SkipToInput>;

export interface HistoryPage {
  readonly kind: 'history-page';
  /** 1-based. */
  readonly page: number;
  readonly pages: number;
  readonly pageSize: number;
  /** Entries in the whole history, unreadable ones included. */
  readonly length: number;
  /** The page's readable entries, newest first; index is 1-based over the whole history (1: the last played). */
  readonly entries: readonly { readonly index: number; readonly playedAt: number; readonly track: Track }[];
  /** The page's entries that do not decode, reported with why (they stay in the history). */
  readonly unreadable: readonly { readonly index: number; readonly raw: string; readonly reason: string }[];
}

/** One page of the history, newest first. */
export const historyPage =
  (deps: OpsDeps) =>
  (input: HistoryPageInput): TaskEither<OpError, HistoryPage> =>
    withInput(HistoryPageInput, input, async (i) => {
      const pageSize = i.pageSize ?? HISTORY_PAGE_SIZE;
      const page = i.page ?? 1;
      // The history is at most HISTORY_LENGTH entries: read whole, it is one small LRANGE.
      const list = await deps.store.history(i.guild, HISTORY_LENGTH);
      const length = list.entries.length + list.corrupt.length;
      if (length === 0) return fail({ kind: 'history-empty' });
      const pages = Math.max(1, Math.ceil(length / pageSize));
      if (page < 1 || page > pages) return fail({ kind: 'page-out-of-range', page, pages });
      const first = (page - 1) * pageSize;
      const onPage = (index: number): boolean => index >= first && index < first + pageSize;
      return ok({
        kind: 'history-page',
        page,
        pages,
        pageSize,
        length,
        entries: list.entries.filter((e) => onPage(e.index)).map((e) => ({ index: e.index + 1, playedAt: e.entry.playedAt, track: e.entry.track })),
        unreadable: list.corrupt.filter((c) => onPage(c.index ?? 0)).map((c) => ({ index: (c.index ?? 0) + 1, raw: c.raw, reason: c.reason })),
      });
    });

export interface PreviousResult {
  readonly kind: 'previous';
  /** The track back at the head (under a new id, so it plays from its start). */
  readonly track: Track;
  /** When it had been played. */
  readonly playedAt: number;
  /** The track that was playing: now right after it, resuming at resumeAtMs (undefined: from its start). */
  readonly interrupted: Track | undefined;
  readonly resumeAtMs: number | undefined;
}

/**
 * Plays the last played track again: it leaves the history and goes to the head, so another /previous goes
 * one further back. The current track stays next. A corrupt newest entry is moved to the quarantine and
 * reported (history-corrupt), so the next try goes on past it.
 */
export const previous =
  (deps: OpsDeps) =>
  (input: PreviousInput): TaskEither<OpError, PreviousResult> =>
    withInput(PreviousInput, input, async (i) => {
      const r = await deps.store.previous(i.guild, {
        defaultMaxQueue: deps.limits.defaultMaxQueue,
        ...(i.channel === undefined ? {} : { channel: i.channel }),
        ...(i.textChannel === undefined ? {} : { textChannel: i.textChannel }),
      });
      switch (r.kind) {
        case 'restored':
          return ok({ kind: 'previous', track: r.track, playedAt: r.entry.playedAt, interrupted: r.interrupted?.track, resumeAtMs: r.interrupted?.resumeAtMs });
        case 'empty':
          return fail({ kind: 'history-empty' });
        case 'corrupt':
          await deps.store.quarantineHistoryEntry(i.guild, r.raw, `history entry: ${r.reason}`);
          return fail({ kind: 'history-corrupt', reason: r.reason });
        case 'invalid':
          return fail({ kind: 'invalid-input', problems: r.problems });
        case 'no-channel':
          return fail({ kind: 'no-channel' });
        case 'queue-full':
          return fail({ kind: 'queue-full', limit: r.limit });
      }
    });

export interface RequeueHistoryResult {
  readonly kind: 'queued';
  readonly tracks: readonly Track[];
  /** 1-based queue position of the first one (1: it plays now). */
  readonly position: number;
  readonly startsNow: boolean;
}

/**
 * Appends history entries to the queue like /play: new ids, the member who asked as the requester (so
 * max_per_user counts them), the guild's limits in the same script, and the guild set playing. The entries
 * stay in the history. A track id no longer in the history refuses the whole pick (history-gone).
 */
export const requeueFromHistory =
  (deps: OpsDeps) =>
  (input: RequeueHistoryInput): TaskEither<OpError, RequeueHistoryResult> =>
    withInput(RequeueHistoryInput, input, async (i) => {
      const list = await deps.store.history(i.guild, HISTORY_LENGTH);
      const byId = new Map(list.entries.map((e) => [e.entry.track.id, e.entry.track]));
      const now = deps.clock.now();
      const tracks: Track[] = [];
      for (const id of i.trackIds) {
        const found = byId.get(id);
        if (found === undefined) return fail({ kind: 'history-gone' });
        const { startMs: _ignored, ...rest } = found;
        tracks.push({ ...rest, id: newTrackId(), requester: i.requester, addedAt: now });
      }
      const r = await deps.store.enqueueAndPlay(i.guild, tracks, {
        defaultMaxQueue: deps.limits.defaultMaxQueue,
        ...(i.channel === undefined ? {} : { channel: i.channel }),
        ...(i.textChannel === undefined ? {} : { textChannel: i.textChannel }),
      });
      if (r.kind === 'invalid') return fail({ kind: 'invalid-input', problems: r.problems });
      if (r.kind !== 'enqueued') return fail(r);
      const first = r.positions[0] ?? 0;
      return ok({ kind: 'queued', tracks, position: first + 1, startsNow: first === 0 });
    });

export type SkipToResult =
  | { readonly kind: 'skipped-to'; readonly index: number; readonly track: Track; readonly skipped: Track; readonly dropped: number; readonly requeued: boolean }
  | { readonly kind: 'already-current'; readonly track: Track };

/**
 * Jumps to the 1-based queue position: the current track goes to the history (like a skip), the ones
 * between it and the target were never played and are dropped (with loop queue they go to the back).
 */
export const skipTo =
  (deps: OpsDeps) =>
  (input: SkipToInput): TaskEither<OpError, SkipToResult> =>
    withInput(SkipToInput, input, async (i): Promise<Either<OpError, SkipToResult>> => {
      if (i.index === 1) {
        const { snapshot } = await deps.store.snapshot(i.guild, { queue: 'head' });
        const head = snapshot.head;
        if (head === undefined) return fail({ kind: 'queue-empty' });
        if (head.kind !== 'track') return fail({ kind: 'changed' });
        return ok({ kind: 'already-current', track: head.track });
      }
      const r = await deps.store.skipTo(i.guild, i.index - 1);
      switch (r.kind) {
        case 'skipped':
          return ok({ kind: 'skipped-to', index: i.index, track: r.to, skipped: r.from, dropped: r.dropped, requeued: r.requeued });
        case 'out-of-range':
          return fail(r.length === 0 ? { kind: 'queue-empty' } : { kind: 'index-out-of-range', index: i.index, length: r.length });
        case 'corrupt':
          // The player sets an unreadable head aside within a moment; another entry is shown as a gap in /queue.
          return fail({ kind: 'changed' });
      }
    });
