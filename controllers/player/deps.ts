/** What the Player needs from the rest of the process, injected so each part can be replaced in tests. */
export { noopPlayerMetrics, type PlayerMetrics } from '../../src/player-metrics';
import type { Autoplayer } from '../../src/autoplay';
import type { Clock } from '../../src/clock';
import type { PlanVia } from '../../src/media/plan';
import type { Logger } from '../../src/log';
import type { PlayerMetrics } from '../../src/player-metrics';
import type { GuildStore, LeaseKeeper, Track } from '../../src/state';
import type { VoicePort } from '../../src/voice/port';
import { DEFAULT_MAX_JOINING } from '../../src/voice/join-pacer';

export interface PlayerOptions {
  /** Leave the channel after this long with nothing to play (unless `stay`). Default 120000 (HIQTY_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs: number;
  /** A voice connection not ready after this long is dropped and joined again. Default 15000. */
  readonly joinTimeoutMs: number;
  /** Status checkpoint period while playing: the bound on how far behind a crashed guild resumes. Default 500 (HIQTY_CHECKPOINT_MS). */
  readonly checkpointMs: number;
  /**
   * After losing a guild's lease, this instance waits this long before claiming it again, so the
   * instance that took it keeps it and a lease lost to a script answer cannot spin. Default: the lock TTL (2000 here).
   */
  readonly lossCooldownMs: number;
  /** Backoff for a guild this session cannot see (removed from it): doubles from 1 s up to this. Default 300000. */
  readonly unseenGuildMaxBackoffMs: number;
  /** Voice joins in flight at once; more wait their turn (see src/voice/join-pacer.ts). Default 4 (HIQTY_MAX_JOINING). */
  readonly maxJoining: number;
}

export const DEFAULT_PLAYER_OPTIONS: PlayerOptions = {
  idleTimeoutMs: 120_000,
  joinTimeoutMs: 15_000,
  checkpointMs: 500,
  lossCooldownMs: 2000,
  unseenGuildMaxBackoffMs: 300_000,
  maxJoining: DEFAULT_MAX_JOINING,
};

/** Tells a guild's members what happened to their track. Never throws; failures are logged. */
export interface Announcer {
  unplayable(guild: string, textChannel: string | undefined, track: Track, reason: string): void;
  /** Its own source refused the track and another plays it: says which and why. */
  playedElsewhere(guild: string, textChannel: string | undefined, track: Track, via: PlanVia): void;
  /** A live stream went off the air (its service ended it): the track finished, and the queue goes on. */
  streamEnded(guild: string, textChannel: string | undefined, track: Track, reason: string): void;
}

/** The store operations the Player uses: every write among them is fenced by the lease. */
export type PlayerStore = Pick<GuildStore, 'isIdle' | 'idleAmong' | 'snapshot' | 'quarantine' | 'advanceIfHead' | 'writeStatus' | 'forgetIfEmpty'>;

/** The leases the Player holds. */
export type PlayerLeases = Pick<LeaseKeeper, 'claim' | 'forget' | 'release'>;

export interface PlayerDeps {
  readonly store: PlayerStore;
  readonly keeper: PlayerLeases;
  readonly voice: VoicePort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly announce: Announcer;
  readonly metrics: PlayerMetrics;
  readonly options: PlayerOptions;
  /** Queues a related track when a guild's queue runs out with autoplay on (src/autoplay). Default: none (autoplay never acts). */
  readonly autoplay?: Autoplayer;
}
