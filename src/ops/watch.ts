/**
 * Live views of a guild for operator interfaces (SSE, `hiqty watch`). One keyspace subscriber serves
 * every watcher of a process; notifications are hints, so each one re-reads the whole view, and a
 * periodic refresh covers notifications lost while disconnected or refused by a managed Redis.
 */
import type { Redis } from 'ioredis';
import { isLeft } from 'fp-ts/Either';
import { silentLogger, type Logger } from '../log';
import { KeyspaceSource } from '../reconcile/sources/keyspace';
import { GUILD_KEY_PATTERN, guildIdFromKey } from '../state';
import type { OpsDeps } from './deps';
import { guildView, type GuildView } from './guilds';

export class GuildWatcher {
  private source: KeyspaceSource<string> | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly newRedis: () => Redis,
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
    const source = this.source;
    this.source = undefined;
    await source?.stop();
  }

  private ensureStarted(): void {
    if (this.source !== undefined) return;
    const source = new KeyspaceSource<string>({
      redis: this.newRedis,
      pattern: GUILD_KEY_PATTERN,
      keyToId: (key) => guildIdFromKey(key),
      // Anything may have been missed while unsubscribed: every watcher re-reads.
      onSubscribed: () => this.listeners.forEach((set) => set.forEach((hint) => hint())),
      logger: this.log,
    });
    this.source = source;
    source.start((guild) => this.listeners.get(guild)?.forEach((hint) => hint()));
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
