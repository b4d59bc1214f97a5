/** The quarantine, for operators: what was set aside and why, and putting an entry back once it decodes. */
import type { TaskEither } from 'fp-ts/TaskEither';
import type { Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput, QuarantineIndexInput } from './inputs';
import { fail, ok, withInput } from './run';

export interface QuarantineView {
  readonly kind: 'quarantine';
  /** 1-based, oldest first: the index requeueQuarantined takes. */
  readonly entries: readonly { readonly index: number; readonly raw: string; readonly reason: string; readonly at: number; readonly source: string | null }[];
  /** Quarantine entries that are themselves unreadable (written by hand, say). */
  readonly unreadable: readonly { readonly index: number; readonly raw: string; readonly reason: string }[];
}

export type RequeueResult = { readonly kind: 'requeued'; readonly index: number; readonly track: Track };

export const quarantineList =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, QuarantineView> =>
    withInput(GuildInput, input, async ({ guild }) => {
      const list = await deps.store.listQuarantine(guild);
      return ok({
        kind: 'quarantine',
        entries: list.entries.map(({ index, entry }) => ({ index: index + 1, raw: entry.raw, reason: entry.reason, at: entry.at, source: entry.source ?? null })),
        unreadable: list.corrupt.map((c) => ({ index: (c.index ?? 0) + 1, raw: c.raw, reason: c.reason })),
      });
    });

/** Appends a quarantined entry to the queue again (and removes it from the quarantine) if it now decodes as a track. */
export const requeueQuarantined =
  (deps: OpsDeps) =>
  (input: QuarantineIndexInput): TaskEither<OpError, RequeueResult> =>
    withInput(QuarantineIndexInput, input, async ({ guild, index }) => {
      const r = await deps.store.requeueFromQuarantine(guild, index - 1);
      if (r.kind === 'out-of-range') return fail({ kind: 'index-out-of-range', index, length: r.length });
      if (r.kind === 'invalid') return fail({ kind: 'still-corrupt', index, reason: r.reason });
      return ok({ kind: 'requeued', index, track: r.track });
    });
