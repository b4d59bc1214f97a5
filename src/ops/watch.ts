/**
 * Live views of a guild for operator interfaces (SSE, `hiqty watch`). One keyspace subscriber serves
 * every watcher of a process (in the bot, the instance's KeyspaceHub, shared with the Player and the
 * now-playing loop); notifications are hints, so each one re-reads the whole view, and a periodic
 * refresh covers notifications lost while disconnected or refused by a managed Redis.
 */
import type { Redis } from 'ioredis';
import { isLeft } from 'fp-ts/Either';
import { silentLogger, type Logger } from '../log';
import { KeyspaceHub } from '../reconcile/sources/keyspace-hub';
import { GUILD_KEY_PATTERN, guildIdFromKey } from '../state';
import type { OpsDeps } from './deps';
import { guildView, type GuildView } from './guilds';

export class GuildWatcher {
  private unlisten: (() => void) | undefined;
  /** The hub this watcher made for itself (from a connection factory), which it also stops. */
  private owned: KeyspaceHub | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  /** `keyspace`: a shared hub (its owner stops it), or a factory of connections for a hub of this watcher's own. */
  constructor(
    private readonly keyspace: KeyspaceHub | (() => Redis),
    private readonly log: Logger = silentLogger,
  ) {}

  /** Calls onHint whenever one of the guild's keys may have changed (and after every resubscription). */
  subscribe(guild: string, onHint: () => void): () => void {
    this.ensureStarted();
    let set = this.listeners.get(guild);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(guild, set);
    }
    set.add(onHint);
    return () => {
      set.delete(onHint);
      if (set.size === 0) this.listeners.delete(guild);
    };
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    this.unlisten?.();
    this.unlisten = undefined;
    const owned = this.owned;
    this.owned = undefined;
    await owned?.stop();
  }

  private ensureStarted(): void {
    if (this.unlisten !== undefined) return;
    let hub: KeyspaceHub;
    if (this.keyspace instanceof KeyspaceHub) hub = this.keyspace;
    else {
      hub = new KeyspaceHub({ redis: this.keyspace, pattern: GUILD_KEY_PATTERN, logger: this.log });
      this.owned = hub;
    }
    this.unlisten = hub.listen({
      onKey: (key) => {
        const guild = guildIdFromKey(key);
        if (guild !== undefined) this.listeners.get(guild)?.forEach((hint) => hint());
      },
      // Anything may have been missed while unsubscribed: every watcher re-reads.
      onSubscribed: () => this.listeners.forEach((set) => set.forEach((hint) => hint())),
    });
  }
}

/** What decides whether a view is new: everything but the extrapolated position, which moves on every read. */
function identity(view: GuildView | undefined): string {
  if (view === undefined) return 'absent';
  return JSON.stringify({ ...view, nowPlaying: view.nowPlaying === null ? null : { ...view.nowPlaying, positionMs: 0 } });
}

export interface StreamOptions {
  readonly signal: AbortSignal;
  /** The safety refresh under the notifications. Default 5000 ms. */
  readonly refreshMs?: number;
  /** A read failed (Redis away); the stream goes on and the next hint or refresh tries again. */
  readonly onError?: (reason: string) => void;
}

/**
 * Emits the guild's view at once, then every time it changes (de-duplicated), until the signal aborts.
 * Reads never overlap: a hint during a read schedules exactly one more read after it.
 */
export function streamGuild(deps: OpsDeps, watcher: GuildWatcher, guild: string, emit: (view: GuildView | undefined) => void, options: StreamOptions): Promise<void> {
  return new Promise((resolve) => {
    let last: string | undefined;
    let reading = false;
    let again = false;
    const read = async (): Promise<void> => {
      if (options.signal.aborted) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const r = await guildView(deps)({ guild })();
          if (options.signal.aborted) return;
          if (isLeft(r)) {
            options.onError?.(r.left.kind === 'unavailable' ? r.left.reason : r.left.kind);
            continue;
          }
          const id = identity(r.right);
          if (id !== last) {
            last = id;
            emit(r.right);
          }
        } while (again);
      } finally {
        reading = false;
      }
    };
    const unsubscribe = watcher.subscribe(guild, () => void read());
    const timer = setInterval(() => void read(), options.refreshMs ?? 5000);
    const done = (): void => {
      clearInterval(timer);
      unsubscribe();
      resolve();
    };
    if (options.signal.aborted) return done();
    options.signal.addEventListener('abort', done, { once: true });
    void read();
  });
}
