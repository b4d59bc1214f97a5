/** The dashboard's reads: who is logged in, their guilds, one guild, its history and quarantine, and search. */
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { decode } from '../../codecs';
import * as ops from '../../ops';
import { apiError, fromOpError } from '../api/errors';
import { DEFAULT_SEARCH_LIMIT, SearchParams } from '../api/bodies';
import { fromFilterError } from '../api/filter-routes';
import { DEFAULT_HISTORY_LIMIT, HistoryQuery } from './bodies';
import type { DashError } from './errors';
import type { Runtime } from './runtime';
import type { SessionContext } from './session';

export interface Me {
  readonly user: { readonly id: string; readonly name: string; readonly avatarUrl: string | null };
  /** Sent back in `x-csrf-token` on every write. */
  readonly csrfToken: string;
}

export const me =
  () =>
  (ctx: SessionContext): TE.TaskEither<DashError, Me> => {
    const u = ctx.session.user;
    return TE.right({ user: { id: u.id, name: u.name, avatarUrl: u.avatar === null ? null : `https://cdn.discordapp.com/avatars/${u.id}/${u.avatar}.png?size=64` }, csrfToken: ctx.session.csrfToken });
  };

const invalidParameter = (problems: string[]): DashError => apiError(400, 'invalid-parameter', problems.join('; '));

export const history =
  (rt: Runtime) =>
  (input: { readonly guild: string; readonly query: unknown }): TE.TaskEither<DashError, ops.HistoryPage> => {
    const q = decode(HistoryQuery, input.query ?? {});
    if (E.isLeft(q)) return TE.left(invalidParameter(q.left));
    return TE.mapLeft(fromOpError)(ops.historyPage(rt.ops)({ guild: input.guild, page: 1, pageSize: q.right.limit ?? DEFAULT_HISTORY_LIMIT }));
  };

export const quarantine =
  (rt: Runtime) =>
  (input: { readonly guild: string }): TE.TaskEither<DashError, ops.QuarantineView> =>
    TE.mapLeft(fromOpError)(ops.quarantineList(rt.ops)({ guild: input.guild }));

/** The sources' results without queueing, exactly as REST GET /api/v1/search. */
export const search =
  (rt: Runtime) =>
  (input: { readonly query: unknown }): TE.TaskEither<DashError, ops.SearchView> => {
    const q = decode(SearchParams, input.query ?? {});
    if (E.isLeft(q)) return TE.left(invalidParameter(q.left));
    return TE.mapLeft(fromOpError)(ops.search(rt.ops)({ query: q.right.q, limit: q.right.limit ?? DEFAULT_SEARCH_LIMIT }));
  };

/** The guild's audio filters (an addition to the contract: the page shows them before any change), as REST GET .../filters. */
export const filters =
  (rt: Runtime) =>
  (input: { readonly guild: string }): TE.TaskEither<DashError, ops.FiltersView> =>
    TE.mapLeft(fromFilterError)(ops.readFilters(rt.ops)({ guild: input.guild }));
