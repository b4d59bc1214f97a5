/**
 * The contract between the reconcile loop and whatever it drives. A key is only an id: events are
 * hints, never payloads, so a reconciler re-reads all state on every call and converges from there.
 */

/** What a reconcile asks of the loop. An empty result means "converged; wake me on the next hint". */
export interface Result {
  /**
   * Reconcile this key again after this many milliseconds (e.g. a timer that state depends on).
   * 0 means "again soon" and goes through the key's rate limiter so a reconciler that always
   * answers 0 cannot spin.
   */
  readonly requeueAfterMs?: number;
}

export interface Reconciler<K> {
  /**
   * Drives the world behind key towards its desired state. Throwing means "retry with backoff".
   * signal aborts when the controller gives up waiting for this call during shutdown.
   */
  reconcile(key: K, signal: AbortSignal): Promise<Result>;
}

/** Converged: nothing to do until the next hint. */
export function done(): Result {
  return {};
}

/** Converged for now, but look again after ms. */
export function requeueAfter(ms: number): Result {
  return { requeueAfterMs: ms };
}

/** A reconciler from a plain function, for small controllers and tests. */
export function reconcilerFrom<K>(fn: (key: K, signal: AbortSignal) => Promise<Result>): Reconciler<K> {
  return { reconcile: fn };
}
