/**
 * Saved playlists, for every interface: list, show, save the queue, add the current track, load (through
 * play's own write, so the queue limits and the voice channel logic apply), rename and delete. Who may
 * touch which owner's playlists is the interface's call (Discord: Manage Server or the DJ role for the
 * server's); these ops validate the names and keep the limits.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { isLeft, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { Snowflake } from '../codecs';
import { DEFAULT_LOCALE, translator } from '../i18n';
import {
  newTrackId,
  type NameProblem,
  type PlaylistName,
  type PlaylistOwner,
  PlaylistStore,
  type PlaylistWriteRefusal,
  playlistName,
  playlistTrackOf,
  Requester,
  type StoredPlaylist,
  type Track,
} from '../state';
import type { OpsDeps } from './deps';
import { formatDuration, opErrorMessage, type OpError } from './errors';
import { enqueueAndPlayTracks } from './play';
import { decodeInput } from './run';

/** Every way a playlist op can refuse: the shared OpError kinds, and the playlists' own. */
export type PlaylistError =
  | OpError
  | { readonly kind: 'playlist-not-found'; readonly name: string }
  | { readonly kind: 'playlist-exists'; readonly name: string }
  | { readonly kind: 'too-many-playlists'; readonly limit: number }
  | { readonly kind: 'playlist-too-long'; readonly limit: number; readonly size: number }
  | { readonly kind: 'bad-playlist-name'; readonly problem: NameProblem }
  /** The stored playlist did not decode; it was moved to the owner's playlist quarantine. */
  | { readonly kind: 'playlist-corrupt'; readonly name: string; readonly reason: string };

export type PlaylistErrorKind = PlaylistError['kind'];

/** The English wording, for the REST API and the CLI (the Discord replies are translated in the responder). */
export function playlistErrorMessage(e: PlaylistError): string {
  switch (e.kind) {
    case 'playlist-not-found':
      return `There is no playlist called "${e.name}". List them to see the names.`;
    case 'playlist-exists':
      return `There already is a playlist called "${e.name}". Pick another name, or replace it.`;
    case 'too-many-playlists':
      return `That is the most playlists one owner may keep (${e.limit}). Delete one first.`;
    case 'playlist-too-long':
      return `A playlist holds at most ${e.limit} tracks; this one would have ${e.size}. Save fewer tracks.`;
    case 'bad-playlist-name':
      return e.problem.kind === 'empty'
        ? 'Give the playlist a name.'
        : e.problem.kind === 'too-long'
          ? `A playlist name has at most ${e.problem.max} characters. Pick a shorter one.`
          : 'A playlist name cannot contain control or invisible characters. Pick another one.';
    case 'playlist-corrupt':
      return `The playlist "${e.name}" was damaged in storage (${e.reason}); it was set aside in quarantine. Save it again.`;
    default:
      return opErrorMessage(e, translator(DEFAULT_LOCALE), DEFAULT_LOCALE);
  }
}

export const PlaylistOwnerInput = t.union([t.type({ kind: t.literal('user'), user: Snowflake }), t.type({ kind: t.literal('server'), guild: Snowflake })], 'an owner {kind: "user", user} or {kind: "server", guild}');

const OwnerInput = t.type({ owner: PlaylistOwnerInput });
const NamedInput = t.type({ owner: PlaylistOwnerInput, name: t.string });
export const SavePlaylistInput = t.intersection([t.type({ guild: Snowflake, owner: PlaylistOwnerInput, name: t.string, by: Requester }), t.partial({ replace: t.boolean })]);
export type SavePlaylistInput = t.TypeOf<typeof SavePlaylistInput>;
export const AddToPlaylistInput = t.type({ guild: Snowflake, owner: PlaylistOwnerInput, name: t.string, by: Requester });
export const RenamePlaylistInput = t.type({ owner: PlaylistOwnerInput, name: t.string, newName: t.string });
export const LoadPlaylistInput = t.intersection([
  t.type({ guild: Snowflake, owner: PlaylistOwnerInput, name: t.string, requester: Requester }),
  t.partial({ next: t.boolean, channel: Snowflake, textChannel: Snowflake }),
]);
export type LoadPlaylistInput = t.TypeOf<typeof LoadPlaylistInput>;

/** A playlist as lists show it, without its tracks. */
export interface PlaylistSummary {
  readonly name: string;
  readonly tracks: number;
  /** Sum of the tracks' known durations, and how many tracks have one. */
  readonly durationMs: number;
  readonly knownDurations: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: { readonly id: string; readonly name: string };
}

export interface PlaylistsView {
  readonly kind: 'playlists';
  readonly owner: PlaylistOwner;
  readonly playlists: readonly PlaylistSummary[];
  /** Playlists found damaged by this read and moved to the quarantine: `{key, reason}`. */
  readonly quarantined: readonly { readonly key: string; readonly reason: string }[];
  readonly maxPlaylists: number;
  readonly maxTracks: number;
}

export interface PlaylistView {
  readonly kind: 'playlist';
  readonly owner: PlaylistOwner;
  readonly playlist: StoredPlaylist;
  readonly summary: PlaylistSummary;
}

export interface SavedPlaylist {
  readonly kind: 'saved';
  readonly playlist: PlaylistSummary;
  readonly replaced: boolean;
  /** Queue entries left out because they do not decode as tracks. */
  readonly skipped: number;
}

export interface AddedToPlaylist {
  readonly kind: 'added';
  readonly playlist: PlaylistSummary;
  readonly track: Track;
  readonly created: boolean;
}

export interface LoadedPlaylist {
  readonly kind: 'loaded';
  readonly name: string;
  readonly tracks: readonly Track[];
  /** 1-based queue position of the first track (1: it plays now). */
  readonly position: number;
  readonly startsNow: boolean;
}

export interface RenamedPlaylist {
  readonly kind: 'renamed';
  readonly from: string;
  readonly playlist: PlaylistSummary;
}

export interface DeletedPlaylist {
  readonly kind: 'deleted';
  readonly name: string;
}

type Result<A> = Either<PlaylistError, A>;
const ok = <A>(a: A): Result<A> => E.right(a);
const fail = (e: PlaylistError): Result<never> => E.left(e);

export function summaryOf(p: StoredPlaylist): PlaylistSummary {
  const known = p.tracks.filter((tr) => tr.durationMs !== undefined && tr.live !== true);
  return {
    name: p.name,
    tracks: p.tracks.length,
    durationMs: known.reduce((sum, tr) => sum + (tr.durationMs ?? 0), 0),
    knownDurations: known.length,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    createdBy: p.createdBy,
  };
}

/** "12 tracks, 41:07" (a "+" when some durations are unknown). */
export function summaryLine(s: PlaylistSummary): string {
  return `${s.tracks} ${s.tracks === 1 ? 'track' : 'tracks'}, ${formatDuration(s.durationMs)}${s.knownDurations < s.tracks ? '+' : ''}`;
}

function store(deps: OpsDeps): PlaylistStore {
  return deps.playlists ?? new PlaylistStore(deps.redis, deps.clock);
}

function checkName(raw: string): Result<PlaylistName> {
  const name = playlistName(raw);
  return isLeft(name) ? fail({ kind: 'bad-playlist-name', problem: name.left }) : ok(name.right);
}

/** Decodes the input, then runs body; thrown errors (Redis away) become `unavailable`. */
function run<A, O, R>(codec: t.Type<A, O, unknown>, input: unknown, body: (a: A) => Promise<Result<R>>): TaskEither<PlaylistError, R> {
  return () =>
    (async (): Promise<Result<R>> => {
      const decoded = decodeInput(codec, input);
      return isLeft(decoded) ? decoded : body(decoded.right);
    })().catch((err: unknown) => fail({ kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) }));
}

/** Runs body with the checked name. */
async function named<R>(raw: string, body: (name: PlaylistName) => Promise<Result<R>>): Promise<Result<R>> {
  const name = checkName(raw);
  return isLeft(name) ? name : body(name.right);
}

export const listPlaylists =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, PlaylistsView> =>
    run(OwnerInput, input, async ({ owner }) => {
      const s = store(deps);
      const list = await s.list(owner);
      return ok({ kind: 'playlists', owner, playlists: list.playlists.map(summaryOf), quarantined: list.quarantined, maxPlaylists: s.maxPlaylists, maxTracks: s.maxTracks });
    });

/** The owner's playlist names in lower case (their lookup keys), cheaply: for autocomplete. */
export const playlistKeys =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, readonly string[]> =>
    run(OwnerInput, input, async ({ owner }) => ok(await store(deps).keys(owner)));

export const showPlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, PlaylistView> =>
    run(NamedInput, input, ({ owner, name: raw }) =>
      named(raw, async (name) => {
        const r = await store(deps).get(owner, name);
        if (r.kind === 'not-found') return fail({ kind: 'playlist-not-found', name: name.display });
        if (r.kind === 'quarantined') return fail({ kind: 'playlist-corrupt', name: name.display, reason: r.reason });
        return ok({ kind: 'playlist', owner, playlist: r.playlist, summary: summaryOf(r.playlist) });
      }),
    );

/** Saves the guild's queue, the current track included, in order. */
export const savePlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, SavedPlaylist> =>
    run(SavePlaylistInput, input, (i) =>
      named(i.name, async (name) => {
        const { snapshot } = await deps.store.snapshot(i.guild);
        if (snapshot.playlist.length === 0) return fail({ kind: 'queue-empty' });
        const s = store(deps);
        const r = await s.save(i.owner, name, snapshot.playlist.map(playlistTrackOf), i.by, { replace: i.replace === true });
        switch (r.kind) {
          case 'saved':
            return ok({ kind: 'saved', playlist: summaryOf(r.playlist), replaced: r.replaced, skipped: snapshot.playlistLength - snapshot.playlist.length });
          case 'exists':
            return fail({ kind: 'playlist-exists', name: r.name });
          default:
            return fail(writeRefused(r));
        }
      }),
    );

/** A refused save or add, as the operation's error. */
function writeRefused(r: PlaylistWriteRefusal): PlaylistError {
  switch (r.kind) {
    case 'too-many':
      return { kind: 'too-many-playlists', limit: r.limit };
    case 'too-long':
      return { kind: 'playlist-too-long', limit: r.limit, size: r.size };
    case 'invalid':
      return { kind: 'invalid-input', problems: r.problems };
  }
}

/** Appends the guild's current track to a playlist (made when there is none by that name). */
export const addToPlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, AddedToPlaylist> =>
    run(AddToPlaylistInput, input, (i) =>
      named(i.name, async (name) => {
        const { snapshot } = await deps.store.snapshot(i.guild, { queue: 'head' });
        const head = snapshot.head;
        if (head === undefined) return fail({ kind: 'queue-empty' });
        if (head.kind !== 'track') return fail({ kind: 'changed' });
        const r = await store(deps).add(i.owner, name, [playlistTrackOf(head.track)], i.by);
        switch (r.kind) {
          case 'added':
            return ok({ kind: 'added', playlist: summaryOf(r.playlist), track: head.track, created: r.created });
          default:
            return fail(writeRefused(r));
        }
      }),
    );

/**
 * Appends a playlist's tracks to the guild's queue as /play does (the same script: max_queue, else the
 * default, max_per_user, the channel, `playing`): each gets a fresh id, the requester, and now as addedAt.
 */
export const loadPlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, LoadedPlaylist> =>
    run(LoadPlaylistInput, input, (i) =>
      named(i.name, async (name) => {
        const r = await store(deps).get(i.owner, name);
        if (r.kind === 'not-found') return fail({ kind: 'playlist-not-found', name: name.display });
        if (r.kind === 'quarantined') return fail({ kind: 'playlist-corrupt', name: name.display, reason: r.reason });
        if (r.playlist.tracks.length === 0) return fail({ kind: 'playlist-empty', what: 'saved playlist' });
        const now = deps.clock.now();
        const tracks: Track[] = r.playlist.tracks.map((saved) => ({ ...saved, id: newTrackId(), requester: i.requester, addedAt: now }));
        const enqueued = await enqueueAndPlayTracks(deps, i, tracks);
        if (isLeft(enqueued)) return enqueued;
        return ok({ kind: 'loaded', name: r.playlist.name, tracks, position: enqueued.right + 1, startsNow: enqueued.right === 0 });
      }),
    );

export const renamePlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, RenamedPlaylist> =>
    run(RenamePlaylistInput, input, (i) =>
      named(i.name, (from) =>
        named(i.newName, async (to) => {
          const r = await store(deps).rename(i.owner, from, to);
          switch (r.kind) {
            case 'renamed':
              return ok({ kind: 'renamed', from: from.display, playlist: summaryOf(r.playlist) });
            case 'not-found':
              return fail({ kind: 'playlist-not-found', name: from.display });
            case 'exists':
              return fail({ kind: 'playlist-exists', name: r.name });
            case 'quarantined':
              return fail({ kind: 'playlist-corrupt', name: from.display, reason: r.reason });
          }
        }),
      ),
    );

export const deletePlaylist =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<PlaylistError, DeletedPlaylist> =>
    run(NamedInput, input, ({ owner, name: raw }) =>
      named(raw, async (name) => {
        const r = await store(deps).delete(owner, name);
        return r.kind === 'deleted' ? ok({ kind: 'deleted', name: name.display }) : fail({ kind: 'playlist-not-found', name: name.display });
      }),
    );
