/**
 * N workers pulling keys from a WorkQueue and handing them to a Reconciler, in the manner of
 * controller-runtime: success forgets the key's backoff, requeueAfterMs schedules the next look,
 * a thrown error retries with backoff.
 */
import { randomBytes } from 'node:crypto';
import { systemClock, within, type Clock, type Timer } from '../clock';
import { silentLogger, type Logger } from '../log';
import { noopReconcileMetrics, type ReconcileMetrics, type ReconcileOutcome } from './metrics';
import type { Reconciler, Result } from './reconciler';
import type { Source } from './source';
import { WorkQueue, type QueueKey } from './workqueue';

export interface ControllerOptions<K extends QueueKey> {
  /** Names the controller in logs and metrics. */
  readonly name: string;
  readonly reconciler: Reconciler<K>;
  /** Keys reconciled at the same time (never the same key twice). Default 1. */
  readonly workers?: number;
  /** Default a WorkQueue on clock with its default backoff and rate limit. */
  readonly queue?: WorkQueue<K>;
  /** Started by start(), stopped by stop(). Default none. */
  readonly sources?: readonly Source<K>[];
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Default silentLogger. */
  readonly logger?: Logger;
  /** Default noopReconcileMetrics. */
  readonly metrics?: ReconcileMetrics;
  /** How a key is written in logs. Default String(key). */
  readonly describeKey?: (key: K) => string;
}

export interface StopOptions {
  /**
   * After this long, abort the signals of reconciles still running (and keep waiting for them to
   * return). Default: never abort, wait as long as they take.
   */
  readonly abortAfterMs?: number;
  /**
   * After this long, stop waiting for reconciles still running (they are logged and left to finish on
   * their own): a reconciler stuck on a peer that stopped answering must not hang the shutdown.
   * Default: wait as long as they take.
   */
  readonly abandonAfterMs?: number;
}

type ControllerState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly workers: readonly Promise<void>[] }
  | { readonly phase: 'stopping'; readonly stopped: Promise<void> }
  | { readonly phase: 'stopped' };

type Outcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'requeue'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly error: unknown };

export class Controller<K extends QueueKey> {
  readonly name: string;
  readonly queue: WorkQueue<K>;
  private state: ControllerState = { phase: 'idle' };
  private readonly inFlight = new Map<string, AbortController>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics: ReconcileMetrics;
  private readonly sources: readonly Source<K>[];
  private readonly describeKey: (key: K) => string;
  /** Random per controller so that reconcile ids from several instances do not collide in merged logs. */
  private readonly idPrefix = randomBytes(3).toString('hex');
  private reconciles = 0;

  constructor(private readonly options: ControllerOptions<K>) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.queue = options.queue ?? new WorkQueue<K>({ clock: this.clock });
    this.log = (options.logger ?? silentLogger).child({ controller: options.name });
    this.metrics = options.metrics ?? noopReconcileMetrics;
    this.sources = options.sources ?? [];
    this.describeKey = options.describeKey ?? String;
  }

  /** Starts the workers, then the sources. Resolves once every source's start() has. */
  async start(): Promise<void> {
    if (this.state.phase !== 'idle') throw new Error(`controller ${this.name} was already started`);
    const workers = Array.from({ length: Math.max(1, this.options.workers ?? 1) }, () => this.work());
    this.state = { phase: 'running', workers };
    const enqueue = (key: K): void => this.enqueue(key);
    await Promise.all(this.sources.map((s) => s.start(enqueue)));
  }

  /** Asks for key to be reconciled. Cheap and idempotent: a key already waiting is not queued twice. */
  enqueue(key: K): void {
    this.queue.add(key);
  }

  /** Asks for key to be reconciled after ms (sooner if something else enqueues it). */
  enqueueAfter(key: K, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  /**
   * Stops taking keys, stops the sources and waits for reconciles in flight. Nothing is aborted
   * unless abortAfterMs is given, and stop() waits for a reconciler that ignores its signal unless
   * abandonAfterMs is given.
   */
  stop(options: StopOptions = {}): Promise<void> {
    switch (this.state.phase) {
      case 'idle':
        this.queue.shutDown();
        this.state = { phase: 'stopped' };
        return Promise.resolve();
      case 'stopping':
        return this.state.stopped;
      case 'stopped':
        return Promise.resolve();
      case 'running': {
        const stopped = this.drain(this.state.workers, options).finally(() => {
          this.state = { phase: 'stopped' };
        });
        this.state = { phase: 'stopping', stopped };
        return stopped;
      }
    }
  }

  private async drain(workers: readonly Promise<void>[], options: StopOptions): Promise<void> {
    this.queue.shutDown();
    let deadline: Timer | undefined;
    if (options.abortAfterMs !== undefined) {
      deadline = this.clock.setTimeout(() => {
        if (this.inFlight.size > 0) this.log.warn({ inFlight: this.inFlight.size }, 'stop deadline passed: aborting reconciles in flight');
        for (const abort of this.inFlight.values()) abort.abort(new Error(`controller ${this.name} is stopping`));
      }, options.abortAfterMs);
    }
    const sourcesStopped = Promise.all(
      this.sources.map((s) => s.stop().catch((error: unknown) => this.log.warn({ err: error }, 'a source failed to stop'))),
    );
    const stopped = Promise.all([sourcesStopped, ...workers]);
    try {
      if (options.abandonAfterMs === undefined) await stopped;
      else if ((await within(this.clock, stopped, options.abandonAfterMs)).kind === 'late')
        this.log.warn({ inFlight: this.inFlight.size, afterMs: options.abandonAfterMs }, 'stopped without waiting for reconciles still in flight');
    } finally {
      deadline?.cancel();
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOne(key);
      } finally {
        // After forget/addAfter/addRateLimited, so a retry queued with no delay is marked dirty and
        // handed out again by done() rather than to a second worker.
        this.queue.done(key);
      }
    }
  }

  private async reconcileOne(key: K): Promise<void> {
    const reconcileId = `${this.idPrefix}-${(this.reconciles++).toString(36)}`;
    const abort = new AbortController();
    this.inFlight.set(reconcileId, abort);
    const started = this.clock.monotonic();
    let outcome: Outcome;
    try {
      outcome = toOutcome(await this.options.reconciler.reconcile(key, abort.signal));
    } catch (error) {
      outcome = { kind: 'error', error };
    } finally {
      this.inFlight.delete(reconcileId);
    }
    const durationMs = this.clock.monotonic() - started;

    switch (outcome.kind) {
      case 'success':
        this.queue.forget(key);
        break;
      case 'requeue':
        if (outcome.afterMs > 0) {
          this.queue.forget(key);
          this.queue.addAfter(key, outcome.afterMs);
        } else {
          this.queue.addRateLimited(key);
        }
        break;
      case 'error':
        this.queue.addRateLimited(key);
        break;
    }

    const label: ReconcileOutcome = outcome.kind;
    this.metrics.observe(this.name, label, durationMs / 1000);
    // A resync reconciles every guild every period: the fields of a debug line nobody reads are not built.
    if (outcome.kind !== 'error' && !this.log.isLevelEnabled('debug')) return;
    const fields = { key: this.describeKey(key), reconcileId, outcome: label, durationMs: Math.round(durationMs * 1000) / 1000 };
    if (outcome.kind === 'error') {
      this.log.warn({ ...fields, err: outcome.error, failures: this.queue.numRequeues(key) }, 'reconcile failed; will retry');
    } else if (outcome.kind === 'requeue') {
      this.log.debug({ ...fields, requeueAfterMs: outcome.afterMs }, 'reconciled; requeued');
    } else {
      this.log.debug(fields, 'reconciled');
    }
  }
}

function toOutcome(result: Result): Outcome {
  const after = result.requeueAfterMs;
  if (after === undefined) return { kind: 'success' };
  // NaN or negative would otherwise mean "requeue now, without backoff" and could spin.
  return { kind: 'requeue', afterMs: Number.isFinite(after) && after > 0 ? after : 0 };
}
