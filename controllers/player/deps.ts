/** What the Player needs from the rest of the process, injected so each part can be replaced in tests. */
import type { Clock } from '../../src/clock';
import type { Logger } from '../../src/log';
import type { OpenOutcome, TrackRequest, PlayPath } from '../../src/media';
import type { GuildStore, LeaseKeeper, Track } from '../../src/state';
import type { VoicePort } from '../../src/voice/port';

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
}

export const DEFAULT_PLAYER_OPTIONS: PlayerOptions = { idleTimeoutMs: 120_000, joinTimeoutMs: 15_000, checkpointMs: 500, lossCooldownMs: 2000, unseenGuildMaxBackoffMs: 300_000 };

/** Tells a guild's members what happened to their track. Never throws; failures are logged. */
export interface Announcer {
  unplayable(guild: string, textChannel: string | undefined, track: Track, reason: string): void;
}

export interface PlayerMetrics {
  trackStarted(path: PlayPath): void;
  /** A packet left for Discord; `late` when it came over 40 ms after the previous one of its track. */
  audioFrame(late: boolean): void;
  /** Seconds from the command that enqueued a track (its `addedAt`) to its first packet. */
  commandToFirstPacket(seconds: number): void;
  trackEnded(outcome: 'finished' | 'failed'): void;
  leaseLost(reason: 'taken' | 'expired'): void;
  leaseHandedOver(): void;
  sessions(count: number): void;
}

export const noopPlayerMetrics: PlayerMetrics = {
  trackStarted: () => {},
  audioFrame: () => {},
  commandToFirstPacket: () => {},
  trackEnded: () => {},
  leaseLost: () => {},
  leaseHandedOver: () => {},
  sessions: () => {},
};

/** The store operations the Player uses: every write among them is fenced by the lease. */
export type PlayerStore = Pick<GuildStore, 'snapshot' | 'quarantine' | 'advanceIfHead' | 'writeStatus' | 'forgetIfEmpty'>;

/** The leases the Player holds. */
export type PlayerLeases = Pick<LeaseKeeper, 'claim' | 'forget' | 'release'>;

export interface PlayerDeps {
  readonly store: PlayerStore;
  readonly keeper: PlayerLeases;
  readonly voice: VoicePort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly openTrack: (request: TrackRequest) => Promise<OpenOutcome>;
  readonly announce: Announcer;
  readonly metrics: PlayerMetrics;
  readonly options: PlayerOptions;
}
