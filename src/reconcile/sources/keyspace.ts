/**
 * Redis keyspace notifications as a source of hints. They are fire-and-forget: whatever changes
 * while the subscriber is disconnected is never announced, which is why onSubscribed exists: the
 * caller runs a full resync after every (re)subscription.
 * Known limit: plain (non-cluster) Redis only; in a cluster each node publishes its own keys' events.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../../clock';
import { silentLogger, type Logger } from '../../log';
import { connectRedis } from '../../state/redis';
import type { RedisEndpoint } from '../../state/redis-endpoint';
import type { Source } from '../source';

export interface KeyspaceSourceOptions<K> {
  /**
   * Where Redis is (connections are made with connectRedis), or a factory of new connections. The source asks for one subscriber connection
   * and, after each (re)connect, one short-lived connection for CONFIG; it closes both itself.
   */
  readonly redis: RedisEndpoint | (() => Redis);
  /** Glob of the keys to watch, e.g. `hiqty:server:*`. */
  readonly pattern: string;
  /**
   * The id a changed key stands for, or undefined to ignore this notification. `event` is the
   * command class Redis reports (`set`, `rpush`, `del`, `expire`, `expired`...), so busy keys whose
   * routine updates need no reconcile can be filtered out.
   */
  readonly keyToId: (redisKey: string, event: string) => K | undefined;
  /**
   * Event classes that must be on, added to whatever the server already has ('K' is always added).
   * Default '$lgxh': strings, lists, generic (del, expire, rename), expired, hashes.
   */
  readonly eventClasses?: string;
  /**
   * Called once the pattern subscription is confirmed, after every connect; `reconnect` is false
   * the first time. Changes made before this call may have gone unannounced.
   */
  readonly onSubscribed?: (info: { readonly reconnect: boolean }) => void;
  /** How long the CONFIG step may take before it counts as refused. Default 5000 ms. */
  readonly configTimeoutMs?: number;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Default silentLogger. */
  readonly logger?: Logger;
}

/** What the CONFIG step found. */
export type NotifyConfig =
  | { readonly kind: 'already'; readonly flags: string }
  | { readonly kind: 'set'; readonly from: string; readonly to: string }
  | { readonly kind: 'refused'; readonly reason: string };

type SourceState<K> =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly sub: Redis; readonly enqueue: (key: K) => void; subscriptions: number; admin: Redis | undefined }
  | { readonly phase: 'stopped' };

/** CONFIG GET answers [name, value] in RESP2. */
const ConfigGetReply = t.tuple([t.string, t.string]);

/** What 'A' stands for in notify-keyspace-events (Redis 7). */
const ALIAS_A = 'g$lshzxetd';

/** The flags of current plus those of wanted, keeping every flag already set. */
export function mergeNotifyFlags(current: string, wanted: string): string {
  const merged = new Set(expandFlags(current));
  for (const flag of expandFlags(wanted)) merged.add(flag);
  return [...merged].join('');
}

/** Whether current already turns on everything in wanted. */
export function notifyFlagsCover(current: string, wanted: string): boolean {
  const have = new Set(expandFlags(current));
  return expandFlags(wanted).every((flag) => have.has(flag));
}

function expandFlags(flags: string): string[] {
  return [...flags.replaceAll('A', ALIAS_A)];
}

export class KeyspaceSource<K> implements Source<K> {
  private state: SourceState<K> = { phase: 'idle' };
  private refusalLogged = false;
  private readonly wanted: string;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: KeyspaceSourceOptions<K>) {
    this.wanted = `K${options.eventClasses ?? '$lgxh'}`;
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child({ source: 'keyspace', pattern: options.pattern });
  }

  /** Opens the subscriber connection and returns at once; subscription follows whenever Redis is reachable. */
  start(enqueue: (key: K) => void): void {
    if (this.state.phase !== 'idle') throw new Error('keyspace source was already started');
    const sub = this.connect();
    const state: SourceState<K> = { phase: 'running', sub, enqueue, subscriptions: 0, admin: undefined };
    this.state = state;
    sub.on('pmessage', (_pattern: string, channel: string, event: string) => this.onMessage(state, sub, channel, event));
    sub.on('ready', () => void this.onReady(state));
    // Without a listener ioredis prints every connection error; reconnecting is its job, not ours.
    sub.on('error', (error: Error) => this.log.debug({ error: error.message }, 'subscriber connection error'));
    if (sub.status === 'ready') void this.onReady(state);
  }

  async stop(): Promise<void> {
    const state = this.state;
    this.state = { phase: 'stopped' };
    if (state.phase !== 'running') return;
    state.admin?.disconnect();
    state.sub.disconnect();
  }

  private connect(): Redis {
    const { redis } = this.options;
    return typeof redis === 'function' ? redis() : connectRedis(redis, { maxRetriesPerRequest: 1, enableAutoPipelining: false });
  }

  private channelPrefix(sub: Redis): string {
    return `__keyspace@${sub.options.db ?? 0}__:`;
  }

  private onMessage(state: SourceState<K>, sub: Redis, channel: string, event: string): void {
    if (this.state !== state || state.phase !== 'running') return;
    const prefix = this.channelPrefix(sub);
    if (!channel.startsWith(prefix)) return;
    const id = this.options.keyToId(channel.slice(prefix.length), event);
    if (id !== undefined) state.enqueue(id);
  }

  private async onReady(state: Extract<SourceState<K>, { phase: 'running' }>): Promise<void> {
    const { sub } = state;
    try {
      // Redis forgets CONFIG SET on restart, so the step is repeated on every connect.
      const [config] = await Promise.all([this.configure(state), sub.psubscribe(`${this.channelPrefix(sub)}${this.options.pattern}`)]);
      if (this.state !== state) return;
      this.reportConfig(config);
      const reconnect = state.subscriptions++ > 0;
      this.log.info({ reconnect, notifications: config.kind }, 'subscribed to keyspace notifications');
      this.options.onSubscribed?.({ reconnect });
    } catch (error) {
      // The connection dropped again before the subscription was confirmed; the next 'ready' retries.
      if (this.state === state) this.log.debug({ error: error instanceof Error ? error.message : String(error) }, 'subscribing failed');
    }
  }

  private reportConfig(config: NotifyConfig): void {
    switch (config.kind) {
      case 'refused':
        // Once per source: a managed Redis refuses on every reconnect, and the fact does not change.
        if (!this.refusalLogged) {
          this.refusalLogged = true;
          this.log.warn({ reason: config.reason, wanted: this.wanted }, 'cannot enable keyspace notifications; relying on periodic resync');
        }
        return;
      case 'set':
        this.log.info({ from: config.from, to: config.to }, 'enabled keyspace notifications');
        return;
      case 'already':
        return;
    }
  }

  /** Turns on the notifications this source needs without turning off any that others rely on. */
  private async configure(state: Extract<SourceState<K>, { phase: 'running' }>): Promise<NotifyConfig> {
    const admin = this.connect();
    state.admin = admin;
    admin.on('error', () => undefined);
    let timer: { cancel(): void } | undefined;
    const timeoutMs = this.options.configTimeoutMs ?? 5000;
    const timeout = new Promise<NotifyConfig>((resolve) => {
      timer = this.clock.setTimeout(() => resolve({ kind: 'refused', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      return await Promise.race([this.readAndMerge(admin), timeout]);
    } finally {
      timer?.cancel();
      if (state.admin === admin) state.admin = undefined;
      admin.disconnect();
    }
  }

  private async readAndMerge(admin: Redis): Promise<NotifyConfig> {
    try {
      const reply = ConfigGetReply.decode(await admin.config('GET', 'notify-keyspace-events'));
      if (isLeft(reply)) return { kind: 'refused', reason: 'unexpected CONFIG GET reply' };
      const current = reply.right[1];
      if (notifyFlagsCover(current, this.wanted)) return { kind: 'already', flags: current };
      const merged = mergeNotifyFlags(current, this.wanted);
      await admin.config('SET', 'notify-keyspace-events', merged);
      return { kind: 'set', from: current, to: merged };
    } catch (error) {
      return { kind: 'refused', reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
