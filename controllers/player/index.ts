/**
 * Wires the Player: its reconciler under a generic Controller, fed by keyspace notifications and
 * periodic resyncs, with leases renewed by one LeaseKeeper and positions checkpointed every second.
 */
import type { Redis } from 'ioredis';
import type { Clock, Timer } from '../../src/clock';
import type { Logger } from '../../src/log';
import { Controller, ResyncSource, type KeyspaceHub, type ReconcileMetrics } from '../../src/reconcile';
import { LeaseClient, LeaseKeeper, scanGuilds, type LeaseMetrics } from '../../src/state';
import type { PlayerDeps, PlayerStore } from './deps';
import { playerHint } from './hints';
import { PlayerReconciler } from './reconciler';

export { DEFAULT_PLAYER_OPTIONS, noopPlayerMetrics, type Announcer, type PlayerMetrics, type PlayerOptions, type PlayerStore } from './deps';
export { PlayerReconciler } from './reconciler';

export interface PlayerWiring extends Omit<PlayerDeps, 'keeper'> {
  readonly redis: Redis;
  /** The instance's one keyspace subscriber (shared with the now-playing loop and SSE); its owner starts and stops it. */
  readonly keyspace: KeyspaceHub;
  readonly instance: string;
  readonly lockTtlMs: number;
  /** HIQTY_REDIS_WAIT_MS: how long claims and renewals wait for a replica (0: never). */
  readonly redisWaitMs: number;
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
   * Never rejects, whatever Redis does: a lease that cannot be released expires, and its audio stops
   * at its deadline as on any lost lease.
   */
  drain(deadline: Promise<void>): Promise<DrainOutcome>;
  stop(): Promise<void>;
}

/** How a drain ended. */
export type DrainOutcome =
  /** Every guild was handed over at a track boundary. */
  | { readonly kind: 'handed-over' }
  /** The deadline came first: positions were checkpointed (unless Redis failed) and leases released. */
  | { readonly kind: 'cut-short'; readonly released: number; readonly checkpointFailed: boolean }
  /** Some leases could not be kept until their handover (Redis away): their audio stopped at the lease deadline. */
  | { readonly kind: 'leases-lost'; readonly lost: number };

export async function startPlayer(wiring: PlayerWiring, store: PlayerStore = wiring.store): Promise<Player> {
  const { clock, log } = wiring;
  // Leases get a connection of their own: a claim or renewal round waits there for a replica (WAIT),
  // which blocks its connection, and the shared one must never wait behind it.
  const leaseRedis = wiring.redis.duplicate();
  // Its failures show as failing renewal rounds (logged once per incident by the keeper), not here.
  leaseRedis.on('error', (err: unknown) => log.debug({ err }, 'lease connection error'));
  const leases = new LeaseClient(leaseRedis, clock, {
    instance: wiring.instance,
    ttlMs: wiring.lockTtlMs,
    metrics: wiring.leaseMetrics,
    waitMs: wiring.redisWaitMs,
    log,
  });
  // onLost only fires from renewals, which start after the first claim, so `player` exists by then.
  const keeper = new LeaseKeeper(leases, clock, { onLost: (guild, reason, lease) => player.lose(guild, reason, lease), log });
  const player = new PlayerReconciler({ ...wiring, store, keeper });
  // Back after an outage or a failover: renew at once, while the deadlines (from before it) still hold.
  leaseRedis.on('ready', () => keeper.renewSoon());

  const resync = new ResyncSource<string>({
    list: (signal) => scanGuilds(wiring.redis, signal),
    // Guilds surely idle and not held here are left out in one batched read, before any reconcile.
    select: (guilds) => player.worthReconciling(guilds),
    periodMs: wiring.resyncIntervalMs,
    // The keyspace subscription triggers the start-up run (at once when the hub is already subscribed).
    runAtStart: false,
    clock,
    logger: log,
  });
  const keyspace = wiring.keyspace.source<string>({
    keyToId: playerHint,
    onSubscribed: ({ reconnect }) => resync.trigger(reconnect ? 'redis reconnect' : 'start'),
  });
  const controller = new Controller<string>({
    name: 'player',
    reconciler: player,
    workers: wiring.workers,
    // The resync first: the keyspace source may trigger it while starting.
    sources: [resync, keyspace],
    clock,
    logger: log,
    metrics: wiring.reconcileMetrics,
    describeKey: (guild) => guild,
  });
  player.poke = (guild) => controller.enqueue(guild);
  player.pokeAfter = (guild, ms) => controller.enqueueAfter(guild, ms);
  const unwatchGuilds = wiring.voice.onGuildSeen((guild) => player.guildSeen(guild));
  await controller.start();
  const checkpoints = everyPeriod(clock, wiring.options.checkpointMs, () => player.checkpoint(), log);

  return {
    reconciler: player,
    controller,
    keeper,
    async drain(deadline) {
      player.startDraining();
      const allGone = new Promise<'gone'>((resolve) => {
        const check = (): void => {
          if (player.held().size === 0) resolve('gone');
          else clock.setTimeout(check, 50);
        };
        check();
      });
      const first = await Promise.race([allGone, deadline.then(() => 'deadline' as const)]);
      if (first === 'deadline') return { kind: 'cut-short', ...(await player.releaseAll()) };
      const lost = player.lostDuringDrain();
      return lost > 0 ? { kind: 'leases-lost', lost } : { kind: 'handed-over' };
    },
    async stop() {
      unwatchGuilds();
      checkpoints.cancel();
      try {
        // Reconciles wait on Redis, which may be the reason for the stop: give them 1 s, then go on.
        await controller.stop({ abortAfterMs: 500, abandonAfterMs: 1000 });
      } finally {
        await player.releaseAll();
        keeper.stop();
        leaseRedis.disconnect();
      }
    },
  };
}

/** Runs fn every periodMs (never overlapping itself) until cancelled. A run of failures is logged once, and its end once. */
function everyPeriod(clock: Clock, periodMs: number, fn: () => Promise<void>, log: Logger): { cancel(): void } {
  let timer: Timer | undefined;
  let cancelled = false;
  let failing = 0;
  const tick = (): void => {
    void fn()
      .then(
        () => {
          if (failing > 0) log.info({ failures: failing }, 'periodic task recovered');
          failing = 0;
        },
        (err: unknown) => {
          if (failing === 0) log.warn({ err }, 'periodic task failed: retrying every period, logged again on recovery');
          failing += 1;
        },
      )
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
