/** search: results from the searching sources without queueing anything (autocomplete, /search, GET /api/v1/search). */
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { SkippedSource } from '../sources/query';
import type { SourceTrack } from '../sources/types';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { SearchInput } from './inputs';
import { checkQuery } from './play';
import { ok, withInput } from './run';

export interface SearchView {
  readonly kind: 'search';
  readonly query: string;
  /** Best first, each with its source. */
  readonly results: readonly SourceTrack[];
  /** Sources not asked (cooling down) or that failed, and why. */
  readonly skipped: readonly SkippedSource[];
}

export const search =
  (deps: OpsDeps) =>
  (input: SearchInput, hooks: { readonly signal?: AbortSignal } = {}): TaskEither<OpError, SearchView> =>
    withInput(SearchInput, input, async (i) => {
      const query = checkQuery(deps, i.query);
      if (isLeft(query)) return query;
      const found = await deps.resolver.search(query.right, { limit: i.limit, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
      return ok({ kind: 'search', query: query.right, results: found.results.slice(0, i.limit), skipped: found.skipped });
    });
