/**
 * Wires the Player: its reconciler under a generic Controller, fed by keyspace notifications and
 * periodic resyncs, with leases renewed by one LeaseKeeper and positions checkpointed every second.
 */
import type { Redis } from 'ioredis';
import type { Clock, Timer } from '../../src/clock';
import type { Logger } from '../../src/log';
import { Controller, KeyspaceSource, ResyncSource, type ReconcileMetrics } from '../../src/reconcile';
import { LeaseClient, LeaseKeeper, scanGuilds, type GuildStore, type LeaseMetrics } from '../../src/state';
import type { PlayerDeps } from './deps';
import { playerHint } from './hints';
import { PlayerReconciler } from './reconciler';

export { DEFAULT_PLAYER_OPTIONS, noopPlayerMetrics, type Announcer, type PlayerMetrics, type PlayerOptions } from './deps';
export { PlayerReconciler } from './reconciler';

export interface PlayerWiring extends Omit<PlayerDeps, 'keeper'> {
  readonly redis: Redis;
  /** A factory of new connections for the keyspace subscriber. */
  readonly newRedis: () => Redis;
  readonly instance: string;
  readonly lockTtlMs: number;
  readonly workers: number;
  readonly resyncIntervalMs: number;
  readonly reconcileMetrics?: ReconcileMetrics;
  readonly leaseMetrics?: LeaseMetrics;
}

export interface Player {
  readonly reconciler: PlayerReconciler;
  readonly controller: Controller<string>;
  readonly keeper: LeaseKeeper;
  /**
   * Graceful drain (DESIGN.md §5): no new claims; each guild hands over at its next track boundary.
   * Resolves true when every lease is released, false when `deadline` won and positions were
   * checkpointed and leases released early instead.
   */
  drain(deadline: Promise<void>): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startPlayer(wiring: PlayerWiring, store: GuildStore = wiring.store): Promise<Player> {
  const { clock, log } = wiring;
  const leases = new LeaseClient(wiring.redis, clock, { instance: wiring.instance, ttlMs: wiring.lockTtlMs, metrics: wiring.leaseMetrics });
  // onLost only fires from renewals, which start after the first claim, so `player` exists by then.
  const keeper = new LeaseKeeper(leases, clock, { onLost: (guild, reason) => player.lose(guild, reason) });
  const player = new PlayerReconciler({ ...wiring, store, keeper });

  const resync = new ResyncSource<string>({
    list: (signal) => scanGuilds(wiring.redis, signal),
    periodMs: wiring.resyncIntervalMs,
    clock,
    logger: log,
  });
  const keyspace = new KeyspaceSource<string>({
    redis: wiring.newRedis,
    pattern: 'hiqty:server:*',
    keyToId: playerHint,
    onSubscribed: ({ reconnect }) => resync.trigger(reconnect ? 'redis reconnect' : 'start'),
    clock,
    logger: log,
  });
  const controller = new Controller<string>({
    name: 'player',
    reconciler: player,
    workers: wiring.workers,
    sources: [keyspace, resync],
    clock,
    logger: log,
    metrics: wiring.reconcileMetrics,
    describeKey: (guild) => guild,
  });
  player.poke = (guild) => controller.enqueue(guild);
  await controller.start();
  const checkpoints = everyPeriod(clock, wiring.options.checkpointMs, () => player.checkpoint(), log);

  return {
    reconciler: player,
    controller,
    keeper,
    async drain(deadline) {
      player.startDraining();
      const allReleased = new Promise<'released'>((resolve) => {
        const check = (): void => {
          if (player.held().size === 0) resolve('released');
          else clock.setTimeout(check, 50);
        };
        check();
      });
      const first = await Promise.race([allReleased, deadline.then(() => 'deadline' as const)]);
      if (first === 'deadline') await player.releaseAll();
      return first === 'released';
    },
    async stop() {
      checkpoints.cancel();
      await controller.stop({ abortAfterMs: 5000 });
      await player.releaseAll();
      keeper.stop();
    },
  };
}

/** Runs fn every periodMs (never overlapping itself) until cancelled. */
function everyPeriod(clock: Clock, periodMs: number, fn: () => Promise<void>, log: Logger): { cancel(): void } {
  let timer: Timer | undefined;
  let cancelled = false;
  const tick = (): void => {
    void fn()
      .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'periodic task failed'))
      .finally(() => {
        if (!cancelled) timer = clock.setTimeout(tick, periodMs);
      });
  };
  timer = clock.setTimeout(tick, periodMs);
  return {
    cancel() {
      cancelled = true;
      timer?.cancel();
    },
  };
}
