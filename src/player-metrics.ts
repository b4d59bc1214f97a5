/**
 * The Player's reporting port: what the player controller counts, in its own words. It lives here, below
 * both of its users, so that src/http/metrics.ts (the prom-client adapter) never imports from controllers/.
 */
import type { PlayPath } from './media';

export interface PlayerMetrics {
  trackStarted(path: PlayPath): void;
  /** Seconds from the command that enqueued a track (its `addedAt`) to its first packet. */
  commandToFirstPacket(seconds: number): void;
  trackEnded(outcome: 'finished' | 'failed'): void;
  leaseLost(reason: 'taken' | 'expired'): void;
  leaseHandedOver(): void;
  sessions(count: number): void;
}

export const noopPlayerMetrics: PlayerMetrics = {
  trackStarted: () => {},
  commandToFirstPacket: () => {},
  trackEnded: () => {},
  leaseLost: () => {},
  leaseHandedOver: () => {},
  sessions: () => {},
};
