/**
 * Guild leases (DESIGN.md §4): which instance plays a guild, fenced by an epoch that grows at every claim.
 *
 * Safety rests on two things: every player write compares the lock value inside its own script (so a
 * stale holder changes nothing), and each holder stops on its own monotonic deadline, which is computed
 * from a time taken BEFORE the claim or renewal was sent and so always falls before Redis expires the key.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { Clock, Timer } from '../clock';
import type { Logger } from '../log';
import { decode } from '../codecs';
import { guildKeys } from './keys';
import { LockValue } from './schema';
import { ReplicaAck, type PipelineReply } from './replica-ack';
import { registerScripts } from './scripts';

/** A held lease. The deadline is monotonic (Clock.monotonic()) and only ever moves forward. */
export class Lease {
  private deadlineMs: number;

  constructor(
    readonly guild: string,
    readonly instance: string,
    readonly epoch: number,
    /** `{instance}:{epoch}`: what fenced scripts compare. */
    readonly value: string,
    readonly ttlMs: number,
    deadlineMs: number,
  ) {
    this.deadlineMs = deadlineMs;
  }

  /** Monotonic ms after which this holder must assume someone else may hold the guild. */
  get deadline(): number {
    return this.deadlineMs;
  }

  isValid(nowMonotonic: number): boolean {
    return nowMonotonic < this.deadlineMs;
  }

  /** Called after a successful renewal; a late reply of an older renewal can never pull the deadline back. */
  extendTo(deadlineMs: number): void {
    this.deadlineMs = Math.max(this.deadlineMs, deadlineMs);
  }
}

export type ClaimResult =
  | {
      readonly kind: 'claimed';
      readonly lease: Lease;
      /** The value this claim replaced: our own stale lock after a restart, or a hand-written lock without expiry. */
      readonly replaced: string | undefined;
    }
  | {
      /**
       * The lock was set but no replica confirmed it in time: a failover could still lose it, so the
       * claimer must not act on it (no join, no audio). It is left to expire, or to be claimed again
       * (our own lock is taken over at once) after retryMs.
       */
      readonly kind: 'unconfirmed';
      readonly value: string;
      readonly retryMs: number;
      readonly because: string;
    }
  | {
      readonly kind: 'held';
      /** The current lock value, parsed; undefined when it is not a valid `{instance}:{epoch}`. */
      readonly holder: LockValue | undefined;
      readonly value: string;
      /** How long the holder's lock still lives: when to try again. */
      readonly ttlMs: number;
    };

/** `unconfirmed`: the lock is ours on the primary, but no replica confirmed the extension, so the deadline stays. */
export type RenewResult = { readonly kind: 'renewed' } | { readonly kind: 'unconfirmed' } | { readonly kind: 'lost' };
export type ReleaseResult = { readonly kind: 'released' } | { readonly kind: 'not-held' };

/** Counting hooks for /metrics; the default does nothing. */
export interface LeaseMetrics {
  claim(outcome: 'claimed' | 'held' | 'unconfirmed'): void;
  renewal(outcome: 'renewed' | 'taken' | 'error' | 'unconfirmed'): void;
  loss(reason: LossReason): void;
}

export const noopLeaseMetrics: LeaseMetrics = { claim: () => {}, renewal: () => {}, loss: () => {} };

export interface LeaseOptions {
  /** This instance's name in lock values (HIQTY_INSTANCE_ID). */
  readonly instance: string;
  /** Lock TTL in ms (HIQTY_LOCK_TTL_MS, default 5000). */
  readonly ttlMs: number;
  /**
   * Subtracted from every deadline for clock drift between this process and Redis.
   * Default 1% of the TTL + 2 ms, as in the Redlock algorithm.
   */
  readonly driftMs?: number;
  readonly metrics?: LeaseMetrics;
  /**
   * How long a claim and a renewal wait for one replica to acknowledge them (`WAIT 1 <ms>`), when the
   * primary has replicas (HIQTY_REDIS_WAIT_MS, whose default is 250). Default here 0: never waits, for
   * callers on a shared connection. With a wait, the client's connection must be the leases' own: WAIT blocks it.
   */
  readonly waitMs?: number;
  /** Where a Redis that refuses WAIT or ROLE is reported, once. */
  readonly log?: Logger;
}

const ClaimReply = t.union([
  t.tuple([t.literal('claimed'), t.string, t.number, t.string]),
  t.tuple([t.literal('held'), t.string, t.number]),
]);

const Flag = t.union([t.literal(0), t.literal(1)]);

/** Claim, renew and release, one script call each. */
export class LeaseClient {
  readonly instance: string;
  readonly ttlMs: number;
  readonly driftMs: number;
  readonly metrics: LeaseMetrics;
  readonly ack: ReplicaAck;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    options: LeaseOptions,
  ) {
    if (options.instance.includes(':')) throw new RangeError(`instance id ${JSON.stringify(options.instance)} contains a colon`);
    this.instance = options.instance;
    this.ttlMs = options.ttlMs;
    this.driftMs = options.driftMs ?? Math.ceil(options.ttlMs * 0.01) + 2;
    this.metrics = options.metrics ?? noopLeaseMetrics;
    this.ack = new ReplicaAck(redis, options.waitMs ?? 0, options.log);
    registerScripts(redis);
  }

  /** The deadline of a lock set (or extended) by a command sent at monotonic time sentAt. */
  deadlineFrom(sentAt: number): number {
    return sentAt + this.ttlMs - this.driftMs;
  }

  async claim(guild: string): Promise<ClaimResult> {
    const keys = guildKeys(guild);
    const sentAt = this.clock.monotonic();
    const batch = await this.ack.exec((p) => p.hiqtyClaim(keys.player_lock, keys.epoch, keys.quarantine, keys.status, this.instance, this.ttlMs), 1);
    const [error, reply] = batch.replies[0] ?? [new Error('no reply'), undefined];
    if (error) throw error;
    const decoded = decode(ClaimReply, reply);
    if (isLeft(decoded)) throw new Error(`claim script replied ${JSON.stringify(reply)}: ${decoded.left.join('; ')}`);
    const r = decoded.right;
    if (r[0] === 'claimed' && !batch.confirmed) {
      this.metrics.claim('unconfirmed');
      return { kind: 'unconfirmed', value: r[1], retryMs: Math.max(100, Math.floor(this.ttlMs / 3)), because: batch.unconfirmedBecause ?? 'not confirmed' };
    }
    if (r[0] === 'claimed') {
      this.metrics.claim('claimed');
      const lease = new Lease(guild, this.instance, r[2], r[1], this.ttlMs, this.deadlineFrom(sentAt));
      return { kind: 'claimed', lease, replaced: r[3] === '' ? undefined : r[3] };
    }
    this.metrics.claim('held');
    const holder = decode(LockValue, r[1]);
    return { kind: 'held', holder: isLeft(holder) ? undefined : holder.right, value: r[1], ttlMs: Math.max(0, r[2]) };
  }

  /**
   * Compare-and-PEXPIRE; on success the lease's deadline moves to (time before the call) + TTL - drift,
   * but only when a replica confirmed it (or the primary has none).
   */
  async renew(lease: Lease): Promise<RenewResult> {
    const sentAt = this.clock.monotonic();
    const batch = await this.renewBatch([lease]);
    const [error, reply] = batch.replies[0] ?? [new Error('no reply'), undefined];
    if (error) throw error;
    return this.applyRenewal(lease, sentAt, reply, batch.confirmed);
  }

  /** One renewal per lease and one WAIT for them all, on the leases' connection. */
  renewBatch(leases: readonly Lease[]): Promise<{ readonly replies: PipelineReply[]; readonly confirmed: boolean; readonly unconfirmedBecause: string | undefined }> {
    return this.ack.exec((p) => {
      for (const lease of leases) p.hiqtyRenew(guildKeys(lease.guild).player_lock, lease.value, this.ttlMs);
    }, leases.length);
  }

  /** @internal Shared by renew() and the keeper's rounds. */
  applyRenewal(lease: Lease, sentAt: number, reply: unknown, confirmed = true): RenewResult {
    const decoded = decode(Flag, reply);
    if (isLeft(decoded)) throw new Error(`renew script replied ${JSON.stringify(reply)}`);
    if (decoded.right === 1 && !confirmed) {
      // The lock is ours on this primary, but a failover could still roll the extension back: keep the old deadline.
      this.metrics.renewal('unconfirmed');
      return { kind: 'unconfirmed' };
    }
    if (decoded.right === 1) {
      lease.extendTo(this.deadlineFrom(sentAt));
      this.metrics.renewal('renewed');
      return { kind: 'renewed' };
    }
    this.metrics.renewal('taken');
    return { kind: 'lost' };
  }

  /** Compare-and-DEL: never deletes a lock that another instance has claimed since. */
  async release(lease: Lease): Promise<ReleaseResult> {
    const reply = await this.redis.hiqtyRelease(guildKeys(lease.guild).player_lock, lease.value);
    const decoded = decode(Flag, reply);
    if (isLeft(decoded)) throw new Error(`release script replied ${JSON.stringify(reply)}`);
    return decoded.right === 1 ? { kind: 'released' } : { kind: 'not-held' };
  }

}

export type LossReason = 'taken' | 'expired';

export interface LeaseKeeperOptions {
  /** Called once per lost lease, after the keeper has forgotten it. The player must stop at once. */
  readonly onLost: (guild: string, reason: LossReason, lease: Lease) => void;
  /** Where a failing renewal round (once per incident) and a throwing onLost are reported. Default: silent. */
  readonly log?: Logger;
}

export type KeeperClaimResult = ClaimResult | { readonly kind: 'already-held'; readonly lease: Lease };

/**
 * Holds many leases and renews them all from one timer, in one pipeline per round, every TTL/3.
 * The same timer also wakes at the earliest deadline, so a lease whose renewals keep failing (Redis
 * unreachable) is reported as expired before its lock can expire in Redis, not up to TTL/3 later.
 * At 10,000 guilds a round is one pipeline of 10,000 EVALSHAs and an O(n) scan for the next deadline.
 */
export class LeaseKeeper {
  private readonly leases = new Map<string, Lease>();
  private timer: Timer | undefined;
  private wakeAt = Infinity;
  private nextRenewAt: number;
  /** Monotonic start of the renewal round whose replies are still awaited. */
  private roundInFlightSince: number | undefined;
  private stopped = false;
  private renewalsFailing = false;

  constructor(
    private readonly client: LeaseClient,
    private readonly clock: Clock,
    private readonly options: LeaseKeeperOptions,
  ) {
    this.nextRenewAt = clock.monotonic() + this.interval();
  }

  /** Renewal period: a third of the TTL, so two renewals can fail before the deadline. */
  interval(): number {
    return Math.max(1, Math.floor(this.client.ttlMs / 3));
  }

  get size(): number {
    return this.leases.size;
  }

  get(guild: string): Lease | undefined {
    return this.leases.get(guild);
  }

  guilds(): string[] {
    return [...this.leases.keys()];
  }

  /**
   * Claims and, on success, keeps renewing. A guild already held is not claimed again: a second claim
   * by the same instance would bump the epoch and fence out our own lease.
   */
  async claim(guild: string): Promise<KeeperClaimResult> {
    const held = this.leases.get(guild);
    if (held) return { kind: 'already-held', lease: held };
    const result = await this.client.claim(guild);
    if (result.kind === 'claimed') this.hold(result.lease);
    return result;
  }

  /** Starts renewing a lease claimed elsewhere. Replaces (silently) a lease held for the same guild. */
  hold(lease: Lease): void {
    if (this.stopped) throw new Error('LeaseKeeper is stopped');
    // The first lease after an idle spell starts a fresh period instead of being renewed right away.
    if (this.leases.size === 0) this.nextRenewAt = this.clock.monotonic() + this.interval();
    this.leases.set(lease.guild, lease);
    // Claims come in bursts (a resync after a restart): only rescan when this lease needs an earlier wake.
    if (this.timer === undefined || lease.deadline < this.wakeAt) this.schedule();
  }

  /** Stops renewing without touching Redis (the lock then expires after its TTL). */
  forget(guild: string): Lease | undefined {
    const lease = this.leases.get(guild);
    this.leases.delete(guild);
    return lease;
  }

  /** Stops renewing and compare-and-deletes the lock, so another instance can claim at once. */
  async release(guild: string): Promise<ReleaseResult> {
    const lease = this.forget(guild);
    if (!lease) return { kind: 'not-held' };
    return this.client.release(lease);
  }

  /**
   * Renews every lease now instead of at the next period: after the leases' connection comes back (a
   * failover, a restart), so a holder reaches the new primary before its deadline instead of up to TTL/3
   * later. A round already in flight is not doubled.
   */
  renewSoon(): void {
    if (this.stopped || this.leases.size === 0) return;
    this.nextRenewAt = this.clock.monotonic();
    this.schedule();
  }

  /** Stops the timer; held leases are neither renewed nor released (callers release what they want first). */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.leases.size === 0) {
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    const now = this.clock.monotonic();
    let wakeAt = this.nextRenewAt;
    for (const lease of this.leases.values()) wakeAt = Math.min(wakeAt, lease.deadline);
    this.timer?.cancel();
    this.wakeAt = wakeAt;
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, wakeAt - now));
  }

  private tick(): void {
    this.timer = undefined;
    const now = this.clock.monotonic();
    this.expire(now);
    if (now >= this.nextRenewAt) {
      this.nextRenewAt = now + this.interval();
      this.renewAll(now);
    }
    this.schedule();
  }

  private expire(now: number): void {
    for (const lease of [...this.leases.values()]) {
      if (lease.isValid(now)) continue;
      this.lose(lease, 'expired');
    }
  }

  /** Forgets the lease, counts and reports the loss exactly once. */
  private lose(lease: Lease, reason: LossReason): void {
    this.leases.delete(lease.guild);
    this.client.metrics.loss(reason);
    try {
      this.options.onLost(lease.guild, reason, lease);
    } catch (err) {
      // A throwing callback is a bug to surface, but it must neither stop the renewals of every other
      // lease nor kill the process that still plays them.
      this.options.log?.error({ err, guild: lease.guild, reason }, 'the lease-loss handler threw');
    }
  }

  private renewAll(now: number): void {
    // A round that has not answered within a TTL is abandoned: its leases have expired by now anyway,
    // and waiting on it forever (commands queued while disconnected) would stop renewals for new leases.
    if (this.roundInFlightSince !== undefined) {
      if (now - this.roundInFlightSince < this.client.ttlMs) return;
      this.roundOutcome(this.leases.size, this.leases.size, new Error(`a renewal round went unanswered for ${now - this.roundInFlightSince} ms`));
    }
    const round = [...this.leases.values()];
    if (round.length === 0) return;
    const sentAt = this.clock.monotonic();
    this.roundInFlightSince = sentAt;
    this.client
      .renewBatch(round)
      .then(({ replies, confirmed, unconfirmedBecause }) => {
        let errors = 0;
        let firstError: Error | undefined;
        round.forEach((lease, i) => {
          const [error, reply] = replies[i] ?? [new Error('no reply'), undefined];
          if (error) {
            errors += 1;
            firstError ??= error;
          }
          this.settle(lease, sentAt, error, reply, confirmed);
        });
        if (!confirmed && errors === 0) {
          errors = round.length;
          firstError = new Error(`renewals not confirmed by a replica (${unconfirmedBecause ?? 'unknown'}): deadlines not extended`);
        }
        this.roundOutcome(round.length, errors, firstError);
      })
      .catch((err: unknown) => {
        // The connection failed as a whole: every lease keeps its deadline and expires unless a later round succeeds.
        for (let i = 0; i < round.length; i++) this.client.metrics.renewal('error');
        this.roundOutcome(round.length, round.length, err);
      })
      .finally(() => {
        if (this.roundInFlightSince === sentAt) this.roundInFlightSince = undefined;
        this.schedule();
      });
  }

  /** Logs the first failing round of an incident, and its end, instead of every round. */
  private roundOutcome(leases: number, errors: number, err: unknown): void {
    if (errors > 0) {
      if (!this.renewalsFailing) this.options.log?.warn({ err, leases, errors }, 'lease renewals failing: leases expire at their deadline unless a later round succeeds');
      this.renewalsFailing = true;
    } else if (this.renewalsFailing) {
      this.renewalsFailing = false;
      this.options.log?.info({ leases }, 'lease renewals succeed again');
    }
  }

  private settle(lease: Lease, sentAt: number, error: Error | null, reply: unknown, confirmed: boolean): void {
    // Replies for a lease already reported, released or replaced are ignored: each loss is reported once.
    if (this.leases.get(lease.guild) !== lease) return;
    if (error) {
      this.client.metrics.renewal('error');
      return;
    }
    // The deadline passed before the renewal answered: the player must already be stopping, so a late
    // success cannot revive the lease (it proves only that nobody else claimed in between).
    if (!lease.isValid(this.clock.monotonic())) {
      this.expire(this.clock.monotonic());
      return;
    }
    let result: RenewResult;
    try {
      result = this.client.applyRenewal(lease, sentAt, reply, confirmed);
    } catch {
      this.client.metrics.renewal('error');
      return;
    }
    if (result.kind !== 'lost') return;
    this.lose(lease, 'taken');
  }
}
