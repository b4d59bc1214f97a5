import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { LyricsFinder } from '../sources/lrclib/client';
import type { QueryResolver } from '../sources/query';
import type { GuildStore, PlaylistStore } from '../state';

/** What every operation needs; interfaces build it once. */
export interface OpsDeps {
  readonly store: GuildStore;
  /** For the responder's own keys (skip votes, through src/state's functions); desired state is only written through the store. */
  readonly redis: Redis;
  readonly clock: Clock;
  /** Links, attachments' URLs and words into tracks, and search (src/sources/resolver.ts). */
  readonly resolver: QueryResolver;
  readonly limits: OpsLimits;
  /** Lyrics for /lyrics (LRCLIB through the service layer); without it, lyrics answer that none can be looked up. */
  readonly lyrics?: LyricsFinder;
  /** Saved playlists. Default: a PlaylistStore over `redis` with the default limits (25 playlists, 500 tracks). */
  readonly playlists?: PlaylistStore;
}

export interface OpsLimits {
  /** Longest query accepted by play (Discord allows 6000 characters in an option). */
  readonly maxQueryLength: number;
  /** Queue limit for guilds whose settings have no max_queue (HIQTY_MAX_QUEUE). */
  readonly defaultMaxQueue: number;
  /** How long a skip vote counts. */
  readonly voteTtlMs: number;
}

export const DEFAULT_OPS_LIMITS: OpsLimits = { maxQueryLength: 2000, defaultMaxQueue: 1000, voteTtlMs: 10 * 60_000 };
