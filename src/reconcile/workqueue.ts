/**
 * A work queue in the manner of client-go's: a key is queued at most once, is never handed to two
 * workers at the same time, and a key added while it is being processed is queued again when its
 * worker calls done(). Because keys are ids rather than events, collapsing duplicates loses nothing.
 */
import { systemClock, type Clock, type Timer } from '../clock';
import { defaultRateLimiter, type BackoffOptions, type RateLimiter, type TokenBucketOptions } from './ratelimit';

/** Keys must not be undefined: get() uses undefined to say the queue has shut down. */
export type QueueKey = NonNullable<unknown>;

export interface WorkQueueOptions<K> {
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Per-key backoff of addRateLimited. Default 100 ms doubling, capped at 30 s. */
  readonly backoff?: BackoffOptions;
  /** Overall limit of addRateLimited. Default 50 per second, burst 100. */
  readonly bucket?: TokenBucketOptions;
  /** Replaces the default backoff-and-bucket limiter entirely (backoff and bucket are then ignored). */
  readonly rateLimiter?: RateLimiter<K>;
}

type QueueState = { readonly phase: 'running' } | { readonly phase: 'shutDown' };

interface DelayedAdd {
  readonly at: number;
  readonly timer: Timer;
}

/** FIFO with O(1) removal from the front: a full resync can queue many thousands of keys. */
class Fifo<K> {
  private items: (K | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: K): void {
    this.items.push(item);
  }

  shift(): K | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class WorkQueue<K extends QueueKey> {
  private state: QueueState = { phase: 'running' };
  private readonly queue = new Fifo<K>();
  /** Keys that need processing: queued ones, and processing ones that were re-added. */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly delayed = new Map<K, DelayedAdd>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? defaultRateLimiter<K>(this.clock, { backoff: options.backoff, bucket: options.bucket });
  }

  /** Queues key unless it is already waiting; ignored after shutDown(). */
  add(key: K): void {
    if (this.state.phase === 'shutDown' || this.dirty.has(key)) return;
    this.dirty.add(key);
    // Its worker will queue it again in done(); queuing it now could hand it to a second worker.
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.handOut();
  }

  /**
   * Adds key after ms on the clock. Of several pending delayed adds of one key only the earliest
   * is kept, so a burst of requeues costs one timer.
   */
  addAfter(key: K, ms: number): void {
    if (this.state.phase === 'shutDown') return;
    if (!(ms > 0)) return this.add(key);
    const at = this.clock.monotonic() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds key after its backoff (and the overall rate limit) allow another try. */
  addRateLimited(key: K): void {
    if (this.state.phase === 'shutDown') return;
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets key's backoff. Does not remove key from the queue. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  /** Failures of key since it was last forgotten. */
  numRequeues(key: K): number {
    return this.rateLimiter.failures(key);
  }

  /** Waits for a key; resolves undefined once the queue is shut down. The caller must call done(key). */
  get(): Promise<K | undefined> {
    if (this.state.phase === 'shutDown') return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks key as processed, queueing it again if it was added meanwhile. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.state.phase === 'running' && this.dirty.has(key)) {
      this.queue.push(key);
      this.handOut();
    }
  }

  /**
   * Stops handing out keys: pending and future get() calls resolve undefined, adds are ignored and
   * delayed adds are cancelled. Queued keys are dropped, which is safe because they are only hints:
   * the next start resyncs everything.
   */
  shutDown(): void {
    if (this.state.phase === 'shutDown') return;
    this.state = { phase: 'shutDown' };
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    this.queue.clear();
    this.dirty.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  isShutDown(): boolean {
    return this.state.phase === 'shutDown';
  }

  /** Keys waiting to be handed out (not counting those being processed or delayed). */
  len(): number {
    return this.queue.length;
  }

  /** Keys handed out and not yet done. */
  inFlight(): number {
    return this.processing.size;
  }

  private take(): K | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Gives queued keys to waiting get() calls synchronously, so a woken waiter never finds the queue empty. */
  private handOut(): void {
    while (this.waiters.length > 0 && this.queue.length > 0) {
      const waiter = this.waiters.shift();
      const key = this.take();
      if (waiter === undefined || key === undefined) return;
      waiter(key);
    }
  }
}
