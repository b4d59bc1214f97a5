/**
 * What the CLI's commands need from hiqty, answered either straight from Redis through the ops
 * (direct.ts) or by the REST API (api-client.ts). Both answer with the same JSON, so `--json` output
 * and the tables do not depend on the mode.
 */
import type { Either } from 'fp-ts/Either';

/** A refusal or failure, already worded; `usage` marks the caller's own mistake (exit code 2). */
export interface CliFailure {
  readonly error: string;
  readonly detail: string;
  readonly usage: boolean;
}

export type Outcome<A> = Either<CliFailure, A>;

export type Action =
  | { readonly kind: 'skip' | 'pause' | 'resume' | 'stop' | 'shuffle' | 'clear' }
  | { readonly kind: 'remove'; readonly index: number }
  | { readonly kind: 'move'; readonly from: number; readonly to: number }
  | { readonly kind: 'requeue'; readonly index: number }
  | { readonly kind: 'previous'; readonly channel: string | undefined }
  | { readonly kind: 'skipto'; readonly index: number };

export interface PlayRequest {
  /** Links, or one text query (words, optionally with a yt:, ytm:, sc: or bc: prefix). */
  readonly queries: readonly string[];
  readonly next: boolean;
  readonly channel: string | undefined;
}

/** Whose saved playlists: a guild's or a member's. */
export type PlaylistOwnerRef = { readonly guild: string } | { readonly user: string };

export interface LoadPlaylistRequest {
  /** A member's playlist; absent: the guild's. */
  readonly user: string | undefined;
  readonly channel: string | undefined;
  readonly next: boolean;
}

export interface Backend {
  /** `{guilds: GuildSummary[]}`. */
  guilds(): Promise<Outcome<unknown>>;
  /** A GuildView; a guild without state is a failure (unknown-guild). */
  guild(id: string): Promise<Outcome<unknown>>;
  play(id: string, request: PlayRequest): Promise<Outcome<unknown>>;
  /** A SearchView: results best first, each with its source, and the sources skipped. */
  search(query: string, limit: number): Promise<Outcome<unknown>>;
  act(id: string, action: Action): Promise<Outcome<unknown>>;
  /** A HistoryPage: the last played tracks, newest first, 10 per page. */
  history(id: string, page: number): Promise<Outcome<unknown>>;
  /** A QuarantineView. */
  quarantine(id: string): Promise<Outcome<unknown>>;
  /** A SourcesView: each source's health as each instance sees it. */
  sources(): Promise<Outcome<unknown>>;
  /** A CacheView: what the shared caches hold. */
  cacheStats(): Promise<Outcome<unknown>>;
  /** Empties the shared caches (one kind, or all): a CacheCleared result. */
  cacheClear(kind: 'search' | 'resolve' | undefined): Promise<Outcome<unknown>>;
  /** A PlaylistsView: a guild's saved playlists, or a member's. */
  playlists(owner: PlaylistOwnerRef): Promise<Outcome<unknown>>;
  /** Appends a saved playlist (the guild's, or a member's with `user`) to the queue like play: a LoadedPlaylist. */
  loadPlaylist(guild: string, name: string, request: LoadPlaylistRequest): Promise<Outcome<unknown>>;
  /** Calls onView with the GuildView (null without state) now and on every change, until the signal aborts. */
  watch(id: string, onView: (view: unknown) => void, signal: AbortSignal): Promise<Outcome<void>>;
  close(): Promise<void>;
}

/** The requester the CLI's direct mode writes (through --api, the API's own is used). */
export const CLI_REQUESTER = { id: 'cli', name: 'CLI' } as const;
