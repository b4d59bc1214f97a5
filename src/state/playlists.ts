/**
 * Saved playlists: a member's own (`hiqty:user:{u}:playlists`) and a guild's (`hiqty:server:{g}:playlists`),
 * each a hash of the name's lookup key (trimmed, NFKC, lower case) → the playlist as JSON
 * `{name, tracks, createdAt, updatedAt, createdBy}`. Not desired state: nothing reconciles on them.
 *
 * Every write is one script that compares the bytes it read (playlist-scripts.ts) and checks the limits
 * itself, so concurrent saves never exceed them. A stored value that does not decode is moved to the
 * owner's quarantine list (`...:playlists_quarantine`) with the reason, and reported, never dropped.
 */
import * as t from 'io-ts';
import { type Either, isLeft, left, right } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { decode, decodeJson, NonEmptyString } from '../codecs';
import { KEY_PREFIX } from './keys';
import { registerPlaylistScripts } from './playlist-scripts';
import { NonNegativeNumber, QuarantineEntry, Requester, type Track, withOptional } from './schema';

/** Playlists one owner (a member, or a guild) may keep. Default 25. */
export const MAX_PLAYLISTS_PER_OWNER = 25;
/** Tracks one playlist may hold. Default 500. */
export const MAX_PLAYLIST_TRACKS = 500;
/** Longest playlist name, in characters (code points) after trimming. Default 32. */
export const MAX_PLAYLIST_NAME_LENGTH = 32;
/** Entries kept in an owner's playlist quarantine (default 100); older ones are trimmed. */
export const PLAYLIST_QUARANTINE_MAX_ENTRIES = 100;

/** How often a read-modify-write retries when the playlist changed between the read and the script. */
const CAS_ATTEMPTS = 5;

export type PlaylistOwner = { readonly kind: 'user'; readonly user: string } | { readonly kind: 'server'; readonly guild: string };

export function playlistsKey(owner: PlaylistOwner): string {
  return owner.kind === 'user' ? `${KEY_PREFIX}:user:${owner.user}:playlists` : `${KEY_PREFIX}:server:${owner.guild}:playlists`;
}

/** Where playlists that did not decode are kept, with the reason: a list of QuarantineEntry with `source` the hash field. */
export function playlistsQuarantineKey(owner: PlaylistOwner): string {
  return `${playlistsKey(owner)}_quarantine`;
}

/**
 * A track as a playlist keeps it: a queue entry without what belongs to one enqueue (its id, requester,
 * addedAt and a seek's startMs); loading gives each a fresh id and the loading member as requester.
 * Unknown fields are kept, as in the queue.
 */
export const PlaylistTrack = withOptional(
  { url: NonEmptyString },
  {
    title: t.string,
    durationMs: NonNegativeNumber,
    source: t.string,
    sourceId: t.string,
    artist: t.string,
    artworkUrl: t.string,
    isrc: t.string,
    live: t.boolean,
  },
  'a saved track object with at least url',
);
export type PlaylistTrack = t.TypeOf<typeof PlaylistTrack>;

/** One stored playlist. `name` is as its owner wrote it; the hash field is its lookup key. */
export const StoredPlaylist = t.type(
  {
    name: NonEmptyString,
    tracks: t.array(PlaylistTrack),
    createdAt: NonNegativeNumber,
    updatedAt: NonNegativeNumber,
    createdBy: Requester,
  },
  'a playlist object {name, tracks, createdAt, updatedAt, createdBy}',
);
export type StoredPlaylist = t.TypeOf<typeof StoredPlaylist>;

export type NameProblem = { readonly kind: 'empty' } | { readonly kind: 'too-long'; readonly max: number } | { readonly kind: 'control-characters' };

export interface PlaylistName {
  /** As written, trimmed: what lists show. */
  readonly display: string;
  /** The hash field: NFKC and lower case, so "Road Trip" and "road trip" are one playlist. */
  readonly key: string;
}

// Control (Cc), format (Cf: zero-width, bidi overrides), line and paragraph separators: invisible or layout-breaking in a name.
const UNWANTED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A name as typed, checked: trimmed, 1 to MAX_PLAYLIST_NAME_LENGTH characters, no control characters. */
export function playlistName(raw: string): Either<NameProblem, PlaylistName> {
  const display = raw.normalize('NFC').trim();
  if (display === '') return left({ kind: 'empty' });
  if (UNWANTED.test(display)) return left({ kind: 'control-characters' });
  if ([...display].length > MAX_PLAYLIST_NAME_LENGTH) return left({ kind: 'too-long', max: MAX_PLAYLIST_NAME_LENGTH });
  return right({ display, key: display.normalize('NFKC').toLowerCase() });
}

/** Who created a playlist: `{id, name}` like a track's requester. */
export type PlaylistAuthor = t.TypeOf<typeof Requester>;

/** A queue entry as a playlist keeps it. */
export function playlistTrackOf(track: Track): PlaylistTrack {
  const { id: _id, requester: _requester, addedAt: _addedAt, startMs: _startMs, ...kept } = track;
  return kept;
}

export interface PlaylistLimits {
  /** Default MAX_PLAYLISTS_PER_OWNER. */
  readonly maxPlaylists: number;
  /** Default MAX_PLAYLIST_TRACKS. */
  readonly maxTracks: number;
}

export const DEFAULT_PLAYLIST_LIMITS: PlaylistLimits = { maxPlaylists: MAX_PLAYLISTS_PER_OWNER, maxTracks: MAX_PLAYLIST_TRACKS };

/** A playlist that did not decode and was moved to the quarantine (or had already left when it was tried). */
export interface QuarantinedPlaylist {
  /** The hash field it was under. */
  readonly key: string;
  readonly reason: string;
}

export interface PlaylistList {
  /** Sorted by lookup key. */
  readonly playlists: readonly StoredPlaylist[];
  readonly quarantined: readonly QuarantinedPlaylist[];
}

export type GetPlaylistResult =
  | { readonly kind: 'found'; readonly playlist: StoredPlaylist }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'quarantined'; readonly reason: string };

/** Why a write that adds tracks was refused: a limit, or tracks that do not decode. */
export type PlaylistWriteRefusal =
  | { readonly kind: 'too-many'; readonly limit: number }
  | { readonly kind: 'too-long'; readonly limit: number; readonly size: number }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

export type SavePlaylistResult =
  | { readonly kind: 'saved'; readonly playlist: StoredPlaylist; readonly replaced: boolean }
  | { readonly kind: 'exists'; readonly name: string }
  | PlaylistWriteRefusal;

export type AddToPlaylistResult = { readonly kind: 'added'; readonly playlist: StoredPlaylist; readonly created: boolean } | PlaylistWriteRefusal;

export type RenamePlaylistResult =
  | { readonly kind: 'renamed'; readonly playlist: StoredPlaylist }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'exists'; readonly name: string }
  | { readonly kind: 'quarantined'; readonly reason: string };

export type DeletePlaylistResult = { readonly kind: 'deleted' } | { readonly kind: 'not-found' };

export interface PlaylistQuarantineList {
  readonly entries: readonly { readonly index: number; readonly entry: QuarantineEntry }[];
  /** Quarantine elements that are not quarantine entries themselves (written by hand), as they are. */
  readonly unreadable: readonly { readonly index: number; readonly raw: string; readonly reason: string }[];
}

const PutReply = t.keyof({ saved: null, exists: null, changed: null, 'too-many': null, 'too-long': null, invalid: null });
const RenameReply = t.keyof({ renamed: null, 'not-found': null, changed: null, exists: null });
const QuarantineReply = t.keyof({ quarantined: null, changed: null });
const StringHash = t.record(t.string, t.string);
const StringList = t.array(t.string);
const MaybeString = t.union([t.string, t.null]);

/** A script's reply is our own contract: a mismatch is a bug, not data. */
function reply<A, O>(codec: t.Type<A, O, unknown>, value: unknown, script: string): A {
  const decoded = decode(codec, value);
  if (isLeft(decoded)) throw new Error(`${script} script replied ${JSON.stringify(value)}: ${decoded.left.join('; ')}`);
  return decoded.right;
}

type Decoded = { readonly kind: 'ok'; readonly playlist: StoredPlaylist } | { readonly kind: 'corrupt'; readonly reason: string };

/** A stored value, decoded; its name must also be the one its field is the key of, or lookups would miss it. */
function decodeStored(key: string, raw: string): Decoded {
  const decoded = decodeJson(StoredPlaylist, raw);
  if (isLeft(decoded)) return { kind: 'corrupt', reason: decoded.left.join('; ') };
  const name = playlistName(decoded.right.name);
  if (isLeft(name)) return { kind: 'corrupt', reason: `name: not a valid playlist name (${name.left.kind})` };
  if (name.right.key !== key) return { kind: 'corrupt', reason: `name: "${decoded.right.name}" is not the name of the field "${key}"` };
  return { kind: 'ok', playlist: decoded.right };
}

/** What is wrong with tracks before they are written (typed input can still carry an empty url at run time). */
function trackProblems(tracks: readonly PlaylistTrack[]): string[] {
  return tracks.flatMap((track, i) => {
    const checked = decode(PlaylistTrack, track);
    return isLeft(checked) ? checked.left.map((p) => `track ${i + 1}: ${p}`) : [];
  });
}

export class PlaylistStore {
  private readonly limits: PlaylistLimits;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    limits: Partial<PlaylistLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PLAYLIST_LIMITS, ...limits };
    registerPlaylistScripts(redis);
  }

  get maxPlaylists(): number {
    return this.limits.maxPlaylists;
  }

  get maxTracks(): number {
    return this.limits.maxTracks;
  }

  /**
   * Every playlist of the owner, decoded; the ones that do not decode are quarantined and reported.
   * Known limit: reads every playlist whole (at most 25 × 500 tracks, about 5 MB); /playlist list is rare.
   */
  async list(owner: PlaylistOwner): Promise<PlaylistList> {
    const hash = reply(StringHash, await this.redis.hgetall(playlistsKey(owner)), 'hgetall');
    const playlists: StoredPlaylist[] = [];
    const quarantined: QuarantinedPlaylist[] = [];
    for (const [key, raw] of Object.entries(hash).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const decoded = decodeStored(key, raw);
      if (decoded.kind === 'ok') playlists.push(decoded.playlist);
      else {
        await this.quarantine(owner, key, raw, decoded.reason);
        quarantined.push({ key, reason: decoded.reason });
      }
    }
    return { playlists, quarantined };
  }

  /** The owner's lookup keys (names in lower case), without reading the playlists: for autocomplete. */
  async keys(owner: PlaylistOwner): Promise<string[]> {
    return reply(StringList, await this.redis.hkeys(playlistsKey(owner)), 'hkeys').sort();
  }

  async get(owner: PlaylistOwner, name: PlaylistName): Promise<GetPlaylistResult> {
    const read = await this.read(owner, name.key);
    if (read.kind === 'absent') return { kind: 'not-found' };
    if (read.kind === 'corrupt') return { kind: 'quarantined', reason: read.reason };
    return { kind: 'found', playlist: read.playlist };
  }

  /**
   * Saves tracks under a name: a new playlist, or with `replace` over an existing one (keeping when and
   * by whom it was created). Without `replace` an existing name is refused.
   */
  async save(owner: PlaylistOwner, name: PlaylistName, tracks: readonly PlaylistTrack[], by: PlaylistAuthor, options: { readonly replace?: boolean } = {}): Promise<SavePlaylistResult> {
    const problems = trackProblems(tracks);
    if (problems.length > 0) return { kind: 'invalid', problems };
    if (tracks.length > this.limits.maxTracks) return { kind: 'too-long', limit: this.limits.maxTracks, size: tracks.length };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const read = await this.read(owner, name.key);
      if (read.kind === 'ok' && options.replace !== true) return { kind: 'exists', name: read.playlist.name };
      const now = this.clock.now();
      const playlist: StoredPlaylist = {
        name: name.display,
        tracks: [...tracks],
        createdAt: read.kind === 'ok' ? read.playlist.createdAt : now,
        updatedAt: now,
        createdBy: read.kind === 'ok' ? read.playlist.createdBy : by,
      };
      const r = await this.put(owner, name.key, read.kind === 'ok' ? read.raw : '', playlist);
      if (r === 'changed') continue;
      if (r === 'exists') {
        if (options.replace === true) continue;
        return { kind: 'exists', name: name.display };
      }
      if (r === 'too-many') return { kind: 'too-many', limit: this.limits.maxPlaylists };
      if (r === 'too-long') return { kind: 'too-long', limit: this.limits.maxTracks, size: tracks.length };
      return { kind: 'saved', playlist, replaced: read.kind === 'ok' };
    }
    throw new Error(`playlist ${name.key} kept changing during ${CAS_ATTEMPTS} attempts to save it`);
  }

  /** Appends tracks to a playlist, creating it when there is none by that name. */
  async add(owner: PlaylistOwner, name: PlaylistName, tracks: readonly PlaylistTrack[], by: PlaylistAuthor): Promise<AddToPlaylistResult> {
    const problems = trackProblems(tracks);
    if (problems.length > 0) return { kind: 'invalid', problems };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const read = await this.read(owner, name.key);
      const now = this.clock.now();
      const before = read.kind === 'ok' ? read.playlist : undefined;
      const playlist: StoredPlaylist = before
        ? { ...before, tracks: [...before.tracks, ...tracks], updatedAt: now }
        : { name: name.display, tracks: [...tracks], createdAt: now, updatedAt: now, createdBy: by };
      if (playlist.tracks.length > this.limits.maxTracks) return { kind: 'too-long', limit: this.limits.maxTracks, size: playlist.tracks.length };
      const r = await this.put(owner, name.key, read.kind === 'ok' ? read.raw : '', playlist);
      if (r === 'changed' || r === 'exists') continue;
      if (r === 'too-many') return { kind: 'too-many', limit: this.limits.maxPlaylists };
      if (r === 'too-long') return { kind: 'too-long', limit: this.limits.maxTracks, size: playlist.tracks.length };
      return { kind: 'added', playlist, created: before === undefined };
    }
    throw new Error(`playlist ${name.key} kept changing during ${CAS_ATTEMPTS} attempts to add to it`);
  }

  async rename(owner: PlaylistOwner, from: PlaylistName, to: PlaylistName): Promise<RenamePlaylistResult> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const read = await this.read(owner, from.key);
      if (read.kind === 'absent') return { kind: 'not-found' };
      if (read.kind === 'corrupt') return { kind: 'quarantined', reason: read.reason };
      const playlist: StoredPlaylist = { ...read.playlist, name: to.display, updatedAt: this.clock.now() };
      const key = playlistsKey(owner);
      const r = reply(RenameReply, await this.redis.hiqtyPlaylistRename(key, from.key, to.key, read.raw, JSON.stringify(playlist)), 'playlist-rename');
      if (r === 'changed') continue;
      if (r === 'not-found') return { kind: 'not-found' };
      if (r === 'exists') {
        const other = await this.get(owner, to);
        return { kind: 'exists', name: other.kind === 'found' ? other.playlist.name : to.display };
      }
      return { kind: 'renamed', playlist };
    }
    throw new Error(`playlist ${from.key} kept changing during ${CAS_ATTEMPTS} attempts to rename it`);
  }

  /** Deletes a playlist, decodable or not (deleting is how an owner gets rid of a broken one too). */
  async delete(owner: PlaylistOwner, name: PlaylistName): Promise<DeletePlaylistResult> {
    const removed = await this.redis.hdel(playlistsKey(owner), name.key);
    return removed > 0 ? { kind: 'deleted' } : { kind: 'not-found' };
  }

  async listQuarantine(owner: PlaylistOwner): Promise<PlaylistQuarantineList> {
    const raws = reply(StringList, await this.redis.lrange(playlistsQuarantineKey(owner), 0, -1), 'lrange');
    const entries: { index: number; entry: QuarantineEntry }[] = [];
    const unreadable: { index: number; raw: string; reason: string }[] = [];
    raws.forEach((raw, index) => {
      const decoded = decodeJson(QuarantineEntry, raw);
      if (isLeft(decoded)) unreadable.push({ index, raw, reason: decoded.left.join('; ') });
      else entries.push({ index, entry: decoded.right });
    });
    return { entries, unreadable };
  }

  private async read(owner: PlaylistOwner, key: string): Promise<{ kind: 'absent' } | { kind: 'ok'; raw: string; playlist: StoredPlaylist } | { kind: 'corrupt'; reason: string }> {
    const raw = reply(MaybeString, await this.redis.hget(playlistsKey(owner), key), 'hget');
    if (raw === null) return { kind: 'absent' };
    const decoded = decodeStored(key, raw);
    if (decoded.kind === 'ok') return { kind: 'ok', raw, playlist: decoded.playlist };
    await this.quarantine(owner, key, raw, decoded.reason);
    return { kind: 'corrupt', reason: decoded.reason };
  }

  private async put(owner: PlaylistOwner, key: string, expected: string, playlist: StoredPlaylist): Promise<t.TypeOf<typeof PutReply>> {
    const r = reply(PutReply, await this.redis.hiqtyPlaylistPut(playlistsKey(owner), key, expected, JSON.stringify(playlist), this.limits.maxPlaylists, this.limits.maxTracks), 'playlist-put');
    // The value was built from typed, checked parts: Lua not reading it as a playlist would be a bug here.
    if (r === 'invalid') throw new Error(`playlist-put refused the playlist ${key} as not a playlist object`);
    return r;
  }

  /** Moves one undecodable value to the quarantine, if it is still those bytes (another reader may have moved it). */
  private async quarantine(owner: PlaylistOwner, key: string, raw: string, reason: string): Promise<void> {
    const entry: QuarantineEntry = { raw, reason, at: this.clock.now(), source: key };
    reply(
      QuarantineReply,
      await this.redis.hiqtyPlaylistQuarantine(playlistsKey(owner), playlistsQuarantineKey(owner), key, raw, JSON.stringify(entry), PLAYLIST_QUARANTINE_MAX_ENTRIES),
      'playlist-quarantine',
    );
  }
}
