/**
 * Read models for operator interfaces (REST API, CLI): the whole guild as one JSON-friendly view, and
 * the list of guilds. Built from Redis only, like every read model; nothing here writes.
 */
import type { TaskEither } from 'fp-ts/TaskEither';
import { guildKeys, GUILDS_KEY, scanGuilds, type Corrupt, type DesiredState, type GuildSnapshot, type LoopMode, type Status, type Track } from '../state';
import type { Locale } from '../i18n/locales';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput } from './inputs';
import { nowPlayingOf } from './read';
import { ok, task, withInput } from './run';

export interface GuildView {
  readonly guild: string;
  readonly state: DesiredState;
  readonly channel: string | null;
  readonly textChannel: string | null;
  readonly settings: {
    readonly loop: LoopMode;
    readonly volume: number;
    readonly stay: boolean;
    readonly autoplay: boolean;
    readonly djRole: string | null;
    readonly maxQueue: number | null;
    readonly maxPerUser: number | null;
    /** The announcement language the guild chose; null: its Discord language. */
    readonly language: Locale | null;
    /** The queue limit in force: the guild's own, else the instance default. */
    readonly effectiveMaxQueue: number;
  };
  /** The entries that decode, each with its 1-based queue index (1 is the current track). */
  readonly queue: readonly { readonly index: number; readonly track: Track }[];
  /** Raw entries, undecodable ones included. */
  readonly length: number;
  readonly nowPlaying: {
    readonly track: Track;
    /** Whether a player has started this track (its status names it). */
    readonly started: boolean;
    /** The last checkpoint plus the time since it, while the player says it is playing. */
    readonly positionMs: number;
    readonly durationMs: number | null;
  } | null;
  /** The observed state the lease holder last wrote. */
  readonly status: Status | null;
  readonly player: { readonly instance: string; readonly epoch: number } | null;
  readonly quarantineLength: number;
  readonly corrupt: readonly { readonly where: string; readonly index: number | null; readonly reason: string }[];
}

export function guildViewOf(snapshot: GuildSnapshot, corrupt: readonly Corrupt[], now: number, defaultMaxQueue: number): GuildView {
  const corruptIndexes = new Set(corrupt.filter((c) => c.where === 'playlist').map((c) => c.index));
  const indexes: number[] = [];
  for (let i = 0; i < snapshot.playlistLength; i++) if (!corruptIndexes.has(i)) indexes.push(i + 1);
  const np = nowPlayingOf(snapshot, now);
  const s = snapshot.settings;
  return {
    guild: snapshot.guild,
    state: snapshot.state,
    channel: snapshot.channel ?? null,
    textChannel: snapshot.textChannel ?? null,
    settings: {
      loop: s.loop,
      volume: s.volume,
      stay: s.stay,
      autoplay: s.autoplay,
      djRole: s.dj_role ?? null,
      maxQueue: s.max_queue ?? null,
      maxPerUser: s.max_per_user ?? null,
      language: s.language ?? null,
      effectiveMaxQueue: s.max_queue ?? defaultMaxQueue,
    },
    queue: snapshot.playlist.map((track, n) => ({ index: indexes[n] ?? n + 1, track })),
    length: snapshot.playlistLength,
    nowPlaying: np === undefined ? null : { track: np.track, started: np.started, positionMs: Math.round(np.positionMs), durationMs: np.durationMs ?? null },
    status: snapshot.status ?? null,
    player: snapshot.lock === undefined ? null : { instance: snapshot.lock.instance, epoch: snapshot.lock.epoch },
    quarantineLength: snapshot.quarantineLength,
    corrupt: corrupt.map((c) => ({ where: c.where, index: c.index ?? null, reason: c.reason })),
  };
}

/** Whether the guild has any state at all: in the index, or any of its keys present. */
export async function guildExists(deps: OpsDeps, guild: string): Promise<boolean> {
  const [member, keys] = await Promise.all([deps.redis.sismember(GUILDS_KEY, guild), deps.redis.exists(...Object.values(guildKeys(guild)))]);
  return member === 1 || keys > 0;
}

/** The view, or undefined for a guild with no state at all (an unknown id). */
export const guildView =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, GuildView | undefined> =>
    withInput(GuildInput, input, async ({ guild }) => {
      if (!(await guildExists(deps, guild))) return ok(undefined);
      const { snapshot, corrupt } = await deps.store.snapshot(guild);
      return ok(guildViewOf(snapshot, corrupt, deps.clock.now(), deps.limits.defaultMaxQueue));
    });

export interface GuildSummary {
  readonly guild: string;
  readonly state: DesiredState;
  readonly length: number;
  readonly channel: string | null;
  readonly nowPlaying: string | null;
  readonly positionMs: number | null;
  readonly player: string | null;
}

/** Every guild in the `hiqty:guilds` index, sorted by id, each summed up from its snapshot. */
export const listGuilds =
  (deps: OpsDeps) =>
  (): TaskEither<OpError, readonly GuildSummary[]> =>
    task(async () => {
      const ids = new Set<string>();
      for await (const id of scanGuilds(deps.redis)) ids.add(id);
      const now = deps.clock.now();
      const sorted = [...ids].sort((a, b) => (a.length - b.length) || a.localeCompare(b));
      const summaries = await Promise.all(
        sorted.map(async (guild): Promise<GuildSummary> => {
          const { snapshot } = await deps.store.snapshot(guild);
          const np = nowPlayingOf(snapshot, now);
          return {
            guild,
            state: snapshot.state,
            length: snapshot.playlistLength,
            channel: snapshot.channel ?? null,
            nowPlaying: np === undefined ? null : (np.track.title ?? np.track.url),
            positionMs: np === undefined ? null : Math.round(np.positionMs),
            player: snapshot.lock?.instance ?? null,
          };
        }),
      );
      return ok(summaries);
    });
