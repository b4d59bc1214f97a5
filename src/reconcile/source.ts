/** Something that tells a controller which keys may need a look. What it enqueues are hints, never state. */
export interface Source<K> {
  /** Begins delivering keys to enqueue. Must not wait for a connection that may never come. */
  start(enqueue: (key: K) => void): void | Promise<void>;
  /** Stops delivering; after it resolves, enqueue is not called again. */
  stop(): Promise<void>;
}
