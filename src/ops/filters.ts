/** The guild's audio filters (src/filters): read them, or change them with one typed change. */
import * as t from 'io-ts';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as E from 'fp-ts/Either';
import { Snowflake } from '../codecs';
import { applyChange, FilterChange, sameFilters, type Filters, type FilterRefusal } from '../filters';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput } from './inputs';
import { decodeInput } from './run';

export const FilterInput = t.type({ guild: Snowflake, change: FilterChange });
export type FilterInput = t.TypeOf<typeof FilterInput>;

/** An op error, or the change's own refusal (a value out of its bounds), which names what is allowed. */
export type FilterError = { readonly kind: 'op'; readonly error: OpError } | { readonly kind: 'refused'; readonly refusal: FilterRefusal };

export interface FiltersView {
  readonly kind: 'filters';
  readonly filters: Filters;
  readonly before: Filters;
  /** False when the change left the filters as they were (and for a read). */
  readonly changed: boolean;
  /** A read only: why the stored value could not be read (written by hand into Redis); the guild plays with none. */
  readonly corrupt?: string;
}

const opError = (error: OpError): FilterError => ({ kind: 'op', error });

/** Like run.ts's task: a thrown error (Redis down) becomes `unavailable`, so callers never catch. */
function guarded<A>(body: () => Promise<E.Either<FilterError, A>>): TaskEither<FilterError, A> {
  return () => body().catch((err: unknown) => E.left(opError({ kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) })));
}

export const setFilters =
  (deps: OpsDeps) =>
  (input: FilterInput): TaskEither<FilterError, FiltersView> =>
    guarded(async () => {
      const decoded = decodeInput(FilterInput, input);
      if (E.isLeft(decoded)) return E.left(opError(decoded.left));
      const i = decoded.right;
      const { snapshot, corrupt } = await deps.store.snapshot(i.guild);
      const before = snapshot.settings.filters;
      const edit = applyChange(before, i.change);
      if (edit.kind === 'refused') return E.left({ kind: 'refused', refusal: edit.refusal });
      // An unreadable stored value is replaced by any change, /filter off included (it reads as none).
      const changed = !sameFilters(before, edit.filters) || corrupt.some((c) => c.where === 'settings.filters');
      if (changed) {
        // Last writer wins, as with volume: two edits at the same moment keep the later one whole.
        const r = await deps.store.setSettings(i.guild, { filters: edit.filters });
        if (r.kind === 'invalid') return E.left(opError({ kind: 'invalid-input', problems: r.problems }));
      }
      return E.right({ kind: 'filters', filters: edit.filters, before, changed });
    });

export const readFilters =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<FilterError, FiltersView> =>
    guarded(async () => {
      const decoded = decodeInput(GuildInput, input);
      if (E.isLeft(decoded)) return E.left(opError(decoded.left));
      const { snapshot, corrupt } = await deps.store.snapshot(decoded.right.guild);
      const bad = corrupt.find((c) => c.where === 'settings.filters');
      return E.right({ kind: 'filters', filters: snapshot.settings.filters, before: snapshot.settings.filters, changed: false, ...(bad === undefined ? {} : { corrupt: bad.reason }) });
    });
