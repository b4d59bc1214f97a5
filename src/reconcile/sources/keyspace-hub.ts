/**
 * One keyspace subscriber per process, fanned out to every consumer (the Player, the now-playing loop,
 * SSE watchers), each with its own filter. Every subscriber connection receives every notification of
 * its pattern, so three subscribers cost Redis three copies of each message and the process three
 * decodings; one hub costs one.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../../clock';
import type { RedisEndpoint } from '../../state/redis-endpoint';
import { silentLogger, type Logger } from '../../log';
import type { Source } from '../source';
import { KeyspaceSource } from './keyspace';

export interface KeyspaceHubOptions {
  /** Where Redis is, or a factory of new connections (one subscriber, plus a short-lived one per connect for CONFIG). */
  readonly redis: RedisEndpoint | (() => Redis);
  /** Glob of the keys every consumer may watch, e.g. `hiqty:server:*`. */
  readonly pattern: string;
  /** Event classes that must be on, as KeyspaceSourceOptions.eventClasses. Default '$lgxh'. */
  readonly eventClasses?: string;
  /** How long the CONFIG step may take before it counts as refused. Default 5000 ms. */
  readonly configTimeoutMs?: number;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Default silentLogger. */
  readonly logger?: Logger;
}

/** One consumer of the hub's notifications. */
export interface KeyspaceListener {
  /** Called for each notification (the key without the `__keyspace@n__:` prefix, and the event class). */
  readonly onKey: (redisKey: string, event: string) => void;
  /**
   * Called after every (re)subscription of the hub, and at once when added to a hub already subscribed
   * (`reconnect` false): changes made before it may have gone unannounced to this listener.
   */
  readonly onSubscribed?: (info: { readonly reconnect: boolean }) => void;
}

export interface KeyspaceSourceFilter<K> {
  /** The id a changed key stands for, or undefined to ignore it. As KeyspaceSourceOptions.keyToId. */
  readonly keyToId: (redisKey: string, event: string) => K | undefined;
  /** As KeyspaceListener.onSubscribed. */
  readonly onSubscribed?: (info: { readonly reconnect: boolean }) => void;
}

interface Notification {
  readonly key: string;
  readonly event: string;
}

export class KeyspaceHub {
  private readonly listeners = new Set<KeyspaceListener>();
  private readonly inner: KeyspaceSource<Notification>;
  private phase: 'idle' | 'running' | 'stopped' = 'idle';
  private subscriptions = 0;

  constructor(options: KeyspaceHubOptions) {
    this.inner = new KeyspaceSource<Notification>({
      redis: options.redis,
      pattern: options.pattern,
      keyToId: (key, event) => ({ key, event }),
      ...(options.eventClasses === undefined ? {} : { eventClasses: options.eventClasses }),
      ...(options.configTimeoutMs === undefined ? {} : { configTimeoutMs: options.configTimeoutMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      logger: options.logger ?? silentLogger,
      onSubscribed: (info) => {
        this.subscriptions += 1;
        for (const listener of [...this.listeners]) listener.onSubscribed?.(info);
      },
    });
  }

  /** Opens the subscriber connection and returns at once (KeyspaceSource.start). Idempotent. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.inner.start(({ key, event }) => {
      for (const listener of this.listeners) listener.onKey(key, event);
    });
  }

  /** Whether the pattern subscription has been confirmed at least once. */
  get subscribed(): boolean {
    return this.subscriptions > 0;
  }

  /** Adds a consumer (starting the hub if need be); returns its removal. */
  listen(listener: KeyspaceListener): () => void {
    if (this.phase === 'stopped') return () => undefined;
    this.listeners.add(listener);
    this.start();
    if (this.subscriptions > 0) listener.onSubscribed?.({ reconnect: false });
    return () => this.listeners.delete(listener);
  }

  /** A Source for a Controller: this hub's notifications through one consumer's filter. */
  source<K>(filter: KeyspaceSourceFilter<K>): Source<K> {
    let remove: (() => void) | undefined;
    return {
      start: (enqueue) => {
        if (remove !== undefined) throw new Error('keyspace hub source was already started');
        remove = this.listen({
          onKey: (key, event) => {
            const id = filter.keyToId(key, event);
            if (id !== undefined) enqueue(id);
          },
          ...(filter.onSubscribed === undefined ? {} : { onSubscribed: filter.onSubscribed }),
        });
      },
      stop: async () => {
        remove?.();
        remove = () => undefined;
      },
    };
  }

  /** Closes the subscriber; listeners hear nothing more. The owner stops it after its consumers. */
  async stop(): Promise<void> {
    this.phase = 'stopped';
    this.listeners.clear();
    await this.inner.stop();
  }
}
