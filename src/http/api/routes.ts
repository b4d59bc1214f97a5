/**
 * The route table: the one definition the server registers and the OpenAPI document is generated
 * from. Every write goes through an op from src/ops, the same ones the Discord Responder calls.
 */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type * as t from 'io-ts';
import { decode } from '../../codecs';
import * as ops from '../../ops';
import type { OpError, OpsDeps } from '../../ops';
import { HistoryParams, historyParameters, PreviousBody, previousSchema, SkipToBody, skipToSchema } from './bodies';
import { AddTracksBody, addTracksSchema, DEFAULT_SEARCH_LIMIT, EmptyBody, MoveBody, moveSchema, SeekBody, seekSchema, SearchParams, searchParameters, SettingsBody, settingsSchema, SkipBody, skipSchema, StateBody, stateSchema, type JsonSchema } from './bodies';
import { apiError, fromOpError, type ApiError } from './errors';
import { FILTER_ROUTES } from './filter-routes';
import { patchSettings } from './settings-patch';
import { listGuildPlaylists, listUserPlaylists, loadGuildPlaylist, loadPlaylistSchema, playlistsViewSchema, showGuildPlaylist, showUserPlaylist } from './playlists';

/** Who enqueued a track through the API, as the queue and `/queue` show it. */
export const API_REQUESTER = { id: 'api', name: 'REST API' } as const;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  readonly deps: OpsDeps;
  /** Decoded path parameters. */
  readonly guild: string;
  readonly index: number;
  /** The other path parameters, as sent (`:name` of a playlist, `:user`): their routes decode them. */
  readonly params: { readonly name?: string; readonly user?: string };
  readonly body: unknown;
  /** The parsed query string. */
  readonly query: unknown;
}

export interface RouteSpec {
  readonly method: Method;
  /** Under /api/v1, in fastify's syntax (`:id`). */
  readonly path: string;
  readonly summary: string;
  /** Answer 404 unknown-guild when the guild has no state at all (reads, and edits of what must exist). */
  readonly needsGuild: boolean;
  readonly body?: { readonly schema: JsonSchema; readonly required: boolean };
  /** Query-string parameters, as OpenAPI parameter objects. */
  readonly queryParameters?: readonly JsonSchema[];
  /** The success answer: status and schema (a `#/components/schemas/...` name, or inline). */
  readonly ok: { readonly status: number; readonly schema: JsonSchema; readonly contentType?: string };
  /** Error statuses this route can answer besides the ones every route has (401, 429, 503). */
  readonly errors: readonly number[];
  /** Absent for the routes the server answers itself (the event stream, the document). */
  readonly handle?: (ctx: RouteContext) => Promise<E.Either<ApiError, unknown>>;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const result = (kind: string): JsonSchema => ({ type: 'object', required: ['kind'], properties: { kind: { const: kind } }, additionalProperties: true });

function body<A, O>(codec: t.Type<A, O, unknown>, raw: unknown): E.Either<ApiError, A> {
  return E.mapLeft((problems: string[]) => apiError(400, 'invalid-body', problems.join('; ')))(decode(codec, raw ?? {}));
}

async function run<R>(te: TaskEither<OpError, R>): Promise<E.Either<ApiError, R>> {
  return E.mapLeft(fromOpError)(await te());
}

/** Decodes the body, then runs the op with it. */
function withBody<A, O>(codec: t.Type<A, O, unknown>, ctx: RouteContext, then: (a: A) => Promise<E.Either<ApiError, unknown>>): Promise<E.Either<ApiError, unknown>> {
  const decoded = body(codec, ctx.body);
  return E.isLeft(decoded) ? Promise.resolve(decoded) : then(decoded.right);
}

const guildPath = '/guilds/:id';

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/guilds',
    summary: 'The guilds with state, each summed up',
    needsGuild: false,
    ok: { status: 200, schema: { type: 'object', required: ['guilds'], properties: { guilds: { type: 'array', items: ref('GuildSummary') } } } },
    errors: [],
    handle: async ({ deps }) => E.map((guilds: readonly ops.GuildSummary[]) => ({ guilds }))(await run(ops.listGuilds(deps)())),
  },
  {
    method: 'GET',
    path: guildPath,
    summary: 'A snapshot of the guild: queue, desired state, settings, and status with the position',
    needsGuild: true,
    ok: { status: 200, schema: ref('GuildView') },
    errors: [400, 404],
    handle: async ({ deps, guild }) => {
      const r = await run(ops.guildView(deps)({ guild }));
      return E.isRight(r) && r.right === undefined ? E.left(unknownGuild(guild)) : r;
    },
  },
  {
    method: 'GET',
    path: `${guildPath}/events`,
    summary: 'Server-Sent Events: `event: snapshot` with the GuildView at once and whenever the guild changes (data `null` once it has no state)',
    needsGuild: true,
    ok: { status: 200, schema: { type: 'string', description: 'text/event-stream' }, contentType: 'text/event-stream' },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: `${guildPath}/tracks`,
    summary: 'Enqueue the best match for a query, a link, or a list of links (all or nothing), and make the guild play',
    needsGuild: false,
    body: { schema: addTracksSchema, required: true },
    ok: { status: 200, schema: ref('QueuedResult') },
    errors: [400, 404, 409, 413, 502],
    handle: (ctx) =>
      withBody(AddTracksBody, ctx, (b) => run(ops.playMany(ctx.deps)({ guild: ctx.guild, queries: b.queries, requester: API_REQUESTER, next: b.next, ...(b.channel === undefined ? {} : { channel: b.channel }) }))),
  },
  {
    method: 'DELETE',
    path: `${guildPath}/tracks`,
    summary: 'Empty the queue, the current track included; the desired state stays',
    needsGuild: true,
    ok: { status: 200, schema: result('cleared') },
    errors: [400, 404, 409],
    handle: async ({ deps, guild }) => run(ops.clear(deps)({ guild })),
  },
  {
    method: 'DELETE',
    path: `${guildPath}/tracks/:index`,
    summary: 'Remove the entry at a 1-based index (1 is the current track)',
    needsGuild: true,
    ok: { status: 200, schema: result('removed') },
    errors: [400, 404, 409],
    handle: async ({ deps, guild, index }) => run(ops.remove(deps)({ guild, index })),
  },
  {
    method: 'POST',
    path: `${guildPath}/tracks/move`,
    summary: 'Move an entry so that it ends up at `to` (1-based)',
    needsGuild: true,
    body: { schema: moveSchema, required: true },
    ok: { status: 200, schema: result('moved') },
    errors: [400, 404, 409, 413],
    handle: (ctx) => withBody(MoveBody, ctx, (b) => run(ops.move(ctx.deps)({ guild: ctx.guild, from: b.from, to: b.to }))),
  },
  {
    method: 'PUT',
    path: `${guildPath}/state`,
    summary: 'Set the desired state: `playing` (resume), `paused`, or `stopped` (stop and empty the queue)',
    needsGuild: true,
    body: { schema: stateSchema, required: true },
    ok: { status: 200, schema: { oneOf: [result('resumed'), result('paused'), result('stopped')] } },
    errors: [400, 404, 409, 413],
    handle: (ctx) =>
      withBody(StateBody, ctx, ({ state }) => {
        const input = { guild: ctx.guild };
        switch (state) {
          case 'playing':
            return run(ops.resume(ctx.deps)(input));
          case 'paused':
            return run(ops.pause(ctx.deps)(input));
          case 'stopped':
            return run(ops.stop(ctx.deps)(input));
        }
      }),
  },
  {
    method: 'POST',
    path: `${guildPath}/skip`,
    summary: 'Skip the current track (with `trackId`: only if it is still the current one)',
    needsGuild: true,
    body: { schema: skipSchema, required: false },
    ok: { status: 200, schema: result('skipped') },
    errors: [400, 404, 409, 413],
    handle: (ctx) => withBody(SkipBody, ctx, (b) => run(ops.skip(ctx.deps)({ guild: ctx.guild, ...(b.trackId === undefined ? {} : { trackId: b.trackId }) }))),
  },
  {
    method: 'POST',
    path: `${guildPath}/shuffle`,
    summary: 'Shuffle everything after the current track',
    needsGuild: true,
    body: { schema: { type: 'object', additionalProperties: false, examples: [{}] }, required: false },
    ok: { status: 200, schema: result('shuffled') },
    errors: [400, 404, 409, 413],
    handle: (ctx) => withBody(EmptyBody, ctx, () => run(ops.shuffle(ctx.deps)({ guild: ctx.guild }))),
  },
  {
    method: 'POST',
    path: `${guildPath}/seek`,
    summary: 'Jump to a position in the current track',
    needsGuild: true,
    body: { schema: seekSchema, required: true },
    ok: { status: 200, schema: result('seeked') },
    errors: [400, 404, 409, 413],
    handle: (ctx) => withBody(SeekBody, ctx, (b) => run(ops.seek(ctx.deps)({ guild: ctx.guild, position: b.position }))),
  },
  {
    method: 'PATCH',
    path: `${guildPath}/settings`,
    summary: 'Change settings; a field set to null goes back to its default. The whole body is validated before anything is written',
    needsGuild: false,
    body: { schema: settingsSchema, required: true },
    ok: { status: 200, schema: ref('Settings') },
    errors: [400, 413],
    handle: (ctx) => withBody(SettingsBody, ctx, (b) => patchSettings(ctx.deps, ctx.guild, b)),
  },
  {
    method: 'GET',
    path: `${guildPath}/quarantine`,
    summary: 'Entries the player set aside because they could not be decoded or played, with the reason (1-based)',
    needsGuild: true,
    ok: { status: 200, schema: result('quarantine') },
    errors: [400, 404],
    handle: async ({ deps, guild }) => run(ops.quarantineList(deps)({ guild })),
  },
  {
    method: 'POST',
    path: `${guildPath}/quarantine/:index/requeue`,
    summary: 'Put a quarantined entry back at the end of the queue, if it now decodes as a track',
    needsGuild: true,
    ok: { status: 200, schema: result('requeued') },
    errors: [400, 404, 409],
    handle: async ({ deps, guild, index }) => run(ops.requeueQuarantined(deps)({ guild, index })),
  },
  {
    method: 'GET',
    path: `${guildPath}/history`,
    summary: 'The last played tracks (at most 100), newest first, 10 per page: each with when it was played (epoch ms); entries that cannot be read are listed apart',
    needsGuild: true,
    queryParameters: historyParameters,
    ok: { status: 200, schema: result('history-page') },
    errors: [400, 404, 409],
    handle: async (ctx) => {
      const params = E.mapLeft((problems: string[]) => apiError(400, 'invalid-parameter', problems.join('; ')))(decode(HistoryParams, ctx.query ?? {}));
      if (E.isLeft(params)) return params;
      return run(ops.historyPage(ctx.deps)({ guild: ctx.guild, page: params.right.page ?? 1 }));
    },
  },
  {
    method: 'POST',
    path: `${guildPath}/previous`,
    summary: 'Play the last played track again: it leaves the history and goes to the head under a new id; the current track stays right after it, resuming where it was',
    needsGuild: false,
    body: { schema: previousSchema, required: false },
    ok: { status: 200, schema: result('previous') },
    errors: [400, 409, 413],
    handle: (ctx) => withBody(PreviousBody, ctx, (b) => run(ops.previous(ctx.deps)({ guild: ctx.guild, ...(b.channel === undefined ? {} : { channel: b.channel }) }))),
  },
  {
    method: 'POST',
    path: `${guildPath}/skipto`,
    summary: 'Jump to a queue position: the current track goes to the history, the ones between are dropped (with loop queue, to the back)',
    needsGuild: true,
    body: { schema: skipToSchema, required: true },
    ok: { status: 200, schema: { oneOf: [result('skipped-to'), result('already-current')] } },
    errors: [400, 404, 409, 413],
    handle: (ctx) => withBody(SkipToBody, ctx, (b) => run(ops.skipTo(ctx.deps)({ guild: ctx.guild, index: b.index }))),
  },
  {
    method: 'GET',
    path: `${guildPath}/playlists`,
    summary: "The guild's saved playlists (names, track counts, durations), and any found damaged and set aside",
    needsGuild: false,
    ok: { status: 200, schema: playlistsViewSchema },
    errors: [400],
    handle: listGuildPlaylists,
  },
  {
    method: 'GET',
    path: `${guildPath}/playlists/:name`,
    summary: "One of the guild's saved playlists with its tracks (the name is case-insensitive)",
    needsGuild: false,
    ok: { status: 200, schema: result('playlist') },
    errors: [400, 404],
    handle: showGuildPlaylist,
  },
  {
    method: 'POST',
    path: `${guildPath}/playlists/:name/load`,
    summary: "Append a saved playlist (the guild's, or a member's with `user`) to the queue like POST .../tracks: the same limits, fresh ids, and the guild plays",
    needsGuild: false,
    body: { schema: loadPlaylistSchema, required: false },
    ok: { status: 200, schema: result('loaded') },
    errors: [400, 404, 409, 413],
    handle: loadGuildPlaylist,
  },
  {
    method: 'GET',
    path: '/users/:user/playlists',
    summary: "A member's saved playlists",
    needsGuild: false,
    ok: { status: 200, schema: playlistsViewSchema },
    errors: [400],
    handle: listUserPlaylists,
  },
  {
    method: 'GET',
    path: '/users/:user/playlists/:name',
    summary: "One of a member's saved playlists with its tracks",
    needsGuild: false,
    ok: { status: 200, schema: result('playlist') },
    errors: [400, 404],
    handle: showUserPlaylist,
  },
  {
    method: 'GET',
    path: '/search',
    summary: 'Search the sources (HIQTY_SEARCH_SOURCES, or the one a prefix names) without queueing: results best first, each with its source, and the sources skipped',
    needsGuild: false,
    queryParameters: searchParameters,
    ok: { status: 200, schema: ref('SearchResults') },
    errors: [400],
    handle: async (ctx) => {
      const params = E.mapLeft((problems: string[]) => apiError(400, 'invalid-parameter', problems.join('; ')))(decode(SearchParams, ctx.query ?? {}));
      if (E.isLeft(params)) return params;
      return run(ops.search(ctx.deps)({ query: params.right.q, limit: params.right.limit ?? DEFAULT_SEARCH_LIMIT }));
    },
  },
  {
    method: 'GET',
    path: '/sources',
    summary: "The sources' health as each instance sees it: the failed share of recent requests, and whether the circuit is open (search, mirrors and fallback skip the source)",
    needsGuild: false,
    ok: {
      status: 200,
      schema: {
        type: 'object',
        required: ['sources'],
        properties: {
          sources: {
            type: 'array',
            items: {
              type: 'object',
              required: ['source', 'instance', 'failureRate', 'requests', 'circuit', 'openUntil', 'updatedAt'],
              properties: {
                source: { type: 'string' },
                instance: { type: 'string' },
                failureRate: { type: 'number', minimum: 0, maximum: 1 },
                requests: { type: 'integer' },
                circuit: { enum: ['closed', 'open'] },
                openUntil: { type: ['integer', 'null'] },
                updatedAt: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    errors: [],
    handle: async ({ deps }) => run(ops.sourceHealth(deps)()),
  },
  {
    method: 'GET',
    path: '/cache',
    summary: 'What the shared caches of searches, link resolutions and mirror matches hold: entries and bytes per kind, entries per source',
    needsGuild: false,
    ok: {
      status: 200,
      schema: {
        type: 'object',
        required: ['caches'],
        properties: {
          caches: {
            type: 'array',
            items: { type: 'object', required: ['kind', 'entries', 'bytes', 'bySource'], properties: { kind: { enum: ['search', 'resolve'] }, entries: { type: 'integer' }, bytes: { type: 'integer' }, bySource: { type: 'object', additionalProperties: { type: 'integer' } } } },
          },
        },
      },
    },
    errors: [],
    handle: async ({ deps }) => run(ops.cacheStats(deps)()),
  },
  {
    method: 'DELETE',
    path: '/cache',
    summary: 'Empty the shared caches (all, or one kind with `?kind=search` or `?kind=resolve`): every instance asks the services again',
    needsGuild: false,
    queryParameters: [{ name: 'kind', in: 'query', required: false, schema: { enum: ['search', 'resolve'] } }],
    ok: { status: 200, schema: result('cache-cleared') },
    errors: [400],
    handle: async ({ deps, query }) => run(ops.cacheClear(deps)(query ?? {})),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document (no token needed)',
    needsGuild: false,
    ok: { status: 200, schema: { type: 'object' } },
    errors: [],
  },
  ...FILTER_ROUTES,
];

export function unknownGuild(guild: string): ApiError {
  return apiError(404, 'unknown-guild', `Guild ${guild} has no state. Add a track with POST /api/v1/guilds/${guild}/tracks to start one.`);
}
