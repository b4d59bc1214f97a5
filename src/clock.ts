/**
 * Time as a dependency. Everything time-based in hiqty takes a Clock so tests can drive it
 * deterministically with ManualClock instead of sleeping.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch: for timestamps that other processes read. */
  now(): number;
  /** Monotonic milliseconds: for deadlines and durations, immune to wall-clock jumps. */
  monotonic(): number;
  /** Runs fn once after ms (monotonic). */
  setTimeout(fn: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, Math.max(0, ms));
    // A pending timer must never keep a draining process alive.
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after ms on the given clock, or rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How a piece of work ended when it was given at most some time: see within(). */
export type Within<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly err: unknown } | { readonly kind: 'late' };

/**
 * Waits for work at most ms on the clock, and never rejects. The work itself goes on when it is late:
 * for shutdown paths that must not wait on a peer that stopped answering.
 */
export function within<T>(clock: Clock, work: Promise<T>, ms: number): Promise<Within<T>> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve({ kind: 'late' }), ms);
    work.then(
      (value) => {
        timer.cancel();
        resolve({ kind: 'done', value });
      },
      (err: unknown) => {
        timer.cancel();
        resolve({ kind: 'failed', err });
      },
    );
  });
}

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to. Timers fire in deadline order during advance(). */
export class ManualClock implements Clock {
  private monotonicMs = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(private wallStartMs = 1_700_000_000_000) {}

  now(): number {
    return this.wallStartMs + this.monotonicMs;
  }

  monotonic(): number {
    return this.monotonicMs;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer: PendingTimer = { at: this.monotonicMs + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Timers still waiting to fire. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves time forward by ms, firing due timers one at a time and letting promise chains settle
   * between them, so code awaiting a timer runs before the next one fires.
   */
  async advance(ms: number): Promise<void> {
    const target = this.monotonicMs + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.monotonicMs = next.at;
      next.cancelled = true;
      next.fn();
      await settle();
    }
    this.monotonicMs = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
    await settle();
  }

  private nextDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets queued promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
