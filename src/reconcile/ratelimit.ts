/**
 * How long a failed key waits before its retry: per-key exponential backoff so one broken key
 * backs off on its own, under an overall token bucket so a mass failure (Redis down, every key
 * erroring at once) cannot turn into a retry storm.
 */
import type { Clock } from '../clock';

export interface RateLimiter<K> {
  /** The delay before key's next retry. Every call counts as one more failure of key. */
  when(key: K): number;
  /** Clears key's failure history, e.g. after it reconciled successfully. */
  forget(key: K): void;
  /** How many failures key has had since it was last forgotten. */
  failures(key: K): number;
}

export interface BackoffOptions {
  /** Delay after the first failure, doubled after each further one. Default 100 ms. */
  readonly baseMs?: number;
  /** Upper bound of the delay. Default 30 000 ms. */
  readonly capMs?: number;
}

export class ExponentialBackoff<K> implements RateLimiter<K> {
  private readonly counts = new Map<K, number>();
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 100;
    this.capMs = options.capMs ?? 30_000;
  }

  when(key: K): number {
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    // 2 ** n overflows to Infinity for large n, which min() then caps: no special case needed.
    return Math.min(this.capMs, this.baseMs * 2 ** n);
  }

  forget(key: K): void {
    this.counts.delete(key);
  }

  failures(key: K): number {
    return this.counts.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  /** Sustained retries per second across all keys. Default 50. */
  readonly perSecond?: number;
  /** Retries allowed at once before the rate applies. Default 100. */
  readonly burst?: number;
}

/**
 * A token bucket that reserves rather than refuses: every caller gets a token, possibly one that
 * only exists in the future, and is told how long to wait for it. Retries are thereby spread out
 * at the configured rate instead of being dropped.
 */
export class TokenBucket<K> implements RateLimiter<K> {
  private readonly perSecond: number;
  private readonly burst: number;
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly clock: Clock,
    options: TokenBucketOptions = {},
  ) {
    this.perSecond = options.perSecond ?? 50;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.lastRefill = clock.monotonic();
  }

  when(_key: K): number {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.perSecond) / 1000);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.perSecond;
  }

  forget(_key: K): void {}

  failures(_key: K): number {
    return 0;
  }
}

/** Waits as long as the strictest of its limiters says. */
export class MaxOfRateLimiters<K> implements RateLimiter<K> {
  private readonly limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(key: K): number {
    // Every limiter must see every failure, so no short-circuiting.
    return this.limiters.map((l) => l.when(key)).reduce((a, b) => Math.max(a, b), 0);
  }

  forget(key: K): void {
    for (const l of this.limiters) l.forget(key);
  }

  failures(key: K): number {
    return this.limiters.map((l) => l.failures(key)).reduce((a, b) => Math.max(a, b), 0);
  }
}

export function defaultRateLimiter<K>(clock: Clock, options: { backoff?: BackoffOptions; bucket?: TokenBucketOptions } = {}): RateLimiter<K> {
  return new MaxOfRateLimiters<K>(new ExponentialBackoff<K>(options.backoff), new TokenBucket<K>(clock, options.bucket));
}
