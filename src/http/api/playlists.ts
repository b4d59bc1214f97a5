/**
 * The REST API's saved playlists: list and show a guild's or a member's, and load one into a guild's
 * queue (through the same op as /playlist load, so /play's limits and channel rule apply). Operator
 * interface: no Discord permission checks, like the other routes.
 */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as t from 'io-ts';
import { decode, NonEmptyString, Snowflake } from '../../codecs';
import * as ops from '../../ops';
import { playlistErrorMessage, type PlaylistError } from '../../ops';
import type { PlaylistOwner } from '../../state';
import { strict, type JsonSchema } from './bodies';
import { apiError, fromOpError, type ApiError } from './errors';
// routes.ts registers these handlers; API_REQUESTER is only read when a request comes, after both modules loaded.
import { API_REQUESTER, type RouteContext } from './routes';

/** The status of each playlist refusal; the shared kinds keep the API's usual ones. */
export function fromPlaylistError(e: PlaylistError): ApiError {
  switch (e.kind) {
    case 'playlist-not-found':
      return apiError(404, e.kind, playlistErrorMessage(e));
    case 'bad-playlist-name':
      return apiError(400, e.kind, playlistErrorMessage(e));
    case 'playlist-exists':
    case 'too-many-playlists':
    case 'playlist-too-long':
    case 'playlist-corrupt':
      return apiError(409, e.kind, playlistErrorMessage(e));
    default:
      return fromOpError(e);
  }
}

async function run<R>(te: TaskEither<PlaylistError, R>): Promise<E.Either<ApiError, R>> {
  return E.mapLeft(fromPlaylistError)(await te());
}

/** POST /guilds/{id}/playlists/{name}/load. */
export const LoadPlaylistBody = strict(
  'load-playlist body',
  {},
  {
    user: Snowflake,
    requester: t.type({ id: NonEmptyString, name: t.string }),
    channel: Snowflake,
    next: t.boolean,
  },
);

export const loadPlaylistSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: { type: 'string', pattern: '^[0-9]{1,20}$', description: "Load this member's playlist; without it, the guild's." },
    requester: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string', minLength: 1 }, name: { type: 'string' } },
      description: 'Who the tracks are queued for (counts towards max_per_user); default `{"id": "api", "name": "REST API"}`.',
    },
    channel: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'The voice channel to play in; needed while the guild has none.' },
    next: { type: 'boolean', description: 'Right after the current track instead of at the end.' },
  },
  examples: [{}, { user: '123456789012345678', requester: { id: '123456789012345678', name: 'alice' }, channel: '234567890123456789' }],
};

export const playlistSummarySchema: JsonSchema = {
  type: 'object',
  required: ['name', 'tracks', 'durationMs', 'knownDurations', 'createdAt', 'updatedAt', 'createdBy'],
  properties: {
    name: { type: 'string' },
    tracks: { type: 'integer' },
    durationMs: { type: 'number', description: 'Sum of the known durations' },
    knownDurations: { type: 'integer', description: 'How many tracks have a known duration' },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
    createdBy: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  },
};

export const playlistsViewSchema: JsonSchema = {
  type: 'object',
  required: ['kind', 'owner', 'playlists', 'quarantined', 'maxPlaylists', 'maxTracks'],
  properties: {
    kind: { const: 'playlists' },
    owner: { type: 'object', description: '`{kind: "server", guild}` or `{kind: "user", user}`' },
    playlists: { type: 'array', items: playlistSummarySchema },
    quarantined: {
      type: 'array',
      description: 'Playlists this read found damaged and moved to the quarantine, with the reason',
      items: { type: 'object', required: ['key', 'reason'], properties: { key: { type: 'string' }, reason: { type: 'string' } } },
    },
    maxPlaylists: { type: 'integer' },
    maxTracks: { type: 'integer' },
  },
};

function userOwner(ctx: RouteContext): E.Either<ApiError, PlaylistOwner> {
  const user = decode(Snowflake, ctx.params.user);
  return E.isLeft(user) ? E.left(apiError(400, 'invalid-parameter', `user: ${user.left.join('; ')}`)) : E.right({ kind: 'user', user: user.right });
}

export const listGuildPlaylists = (ctx: RouteContext) => run(ops.listPlaylists(ctx.deps)({ owner: { kind: 'server', guild: ctx.guild } }));

export const showGuildPlaylist = (ctx: RouteContext) => run(ops.showPlaylist(ctx.deps)({ owner: { kind: 'server', guild: ctx.guild }, name: ctx.params.name ?? '' }));

export async function listUserPlaylists(ctx: RouteContext): Promise<E.Either<ApiError, unknown>> {
  const owner = userOwner(ctx);
  return E.isLeft(owner) ? owner : run(ops.listPlaylists(ctx.deps)({ owner: owner.right }));
}

export async function showUserPlaylist(ctx: RouteContext): Promise<E.Either<ApiError, unknown>> {
  const owner = userOwner(ctx);
  return E.isLeft(owner) ? owner : run(ops.showPlaylist(ctx.deps)({ owner: owner.right, name: ctx.params.name ?? '' }));
}

export async function loadGuildPlaylist(ctx: RouteContext): Promise<E.Either<ApiError, unknown>> {
  const body = decode(LoadPlaylistBody, ctx.body ?? {});
  if (E.isLeft(body)) return E.left(apiError(400, 'invalid-body', body.left.join('; ')));
  const b = body.right;
  const owner: PlaylistOwner = b.user === undefined ? { kind: 'server', guild: ctx.guild } : { kind: 'user', user: b.user };
  return run(
    ops.loadPlaylist(ctx.deps)({
      guild: ctx.guild,
      owner,
      name: ctx.params.name ?? '',
      requester: b.requester ?? API_REQUESTER,
      next: b.next === true,
      ...(b.channel === undefined ? {} : { channel: b.channel }),
    }),
  );
}
