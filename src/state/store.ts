/**
 * The guild state in Redis, typed: every change is one atomic script or MULTI, every value read back is
 * decoded with io-ts, and a value that does not decode is reported (and can be quarantined), never fatal.
 */
import { getRandomValues, randomUUID } from 'node:crypto';
import * as t from 'io-ts';
import { isLeft, isRight } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { decode, decodeJson, Snowflake } from '../codecs';
import { autoplayKey, GUILDS_KEY, guildKeys, historyKey } from './keys';
import type { Lease } from './lease';
import {
  type Corrupt,
  decodeSettings,
  type DesiredState,
  DesiredState as DesiredStateCodec,
  encodeSettingsPatch,
  Epoch,
  HISTORY_LENGTH,
  HistoryEntry,
  LockValue,
  newTrackId,
  QuarantineEntry,
  type Settings,
  type SettingsPatch,
  Status,
  type StatusUpdate,
  Track,
} from './schema';
import { registerScripts } from './scripts';
import { previous, skipTo, type PreviousOptions, type PreviousResult, type SkipToResult } from './history';

/** Entries kept in a guild's quarantine (default 1000); older ones are trimmed so garbage cannot grow without bound. */
export const QUARANTINE_MAX_ENTRIES = 1000;

/**
 * How often an operation that read the head (or a quarantine entry) retries when the entry changed
 * between the read and the script. Only a writer editing the same entry in a tight loop exhausts it.
 */
const CAS_ATTEMPTS = 5;

/** A raw queue entry, decoded or not. */
export type Entry =
  | { readonly kind: 'track'; readonly raw: string; readonly track: Track }
  | { readonly kind: 'corrupt'; readonly raw: string; readonly reason: string };

/**
 * How much of the queue a snapshot reads: 'all' (the default), 'head' (the head only, as the Player
 * needs), or the first `first` entries (e.g. 2: the head and the next, for the now-playing message).
 * The length (playlistLength) is always the whole queue's.
 */
export type SnapshotQueue = 'all' | 'head' | { readonly first: number };

export interface SnapshotOptions {
  /** Default 'all'. */
  readonly queue?: SnapshotQueue;
}

export interface GuildSnapshot {
  readonly guild: string;
  /** The entries that decode, in queue order: all of them, or those among the first entries read (SnapshotOptions.queue). */
  readonly playlist: readonly Track[];
  /** The real head, decodable or not: an undecodable head must be quarantined before anything plays, since advance compares the real head. */
  readonly head: Entry | undefined;
  /** Number of raw entries, corrupt ones included. */
  readonly playlistLength: number;
  /** Absent or corrupt: stopped (the safe reading). */
  readonly state: DesiredState;
  readonly channel: string | undefined;
  readonly textChannel: string | undefined;
  readonly settings: Settings;
  readonly lock: LockValue | undefined;
  /** Remaining lock TTL in ms; undefined without a lock (or a lock without expiry). */
  readonly lockTtlMs: number | undefined;
  /** 0 when absent or corrupt. */
  readonly epoch: number;
  readonly status: Status | undefined;
  readonly quarantineLength: number;
}

export interface SnapshotResult {
  readonly snapshot: GuildSnapshot;
  /** Every value that did not decode, with a readable reason; playlist entries carry their index. */
  readonly corrupt: readonly Corrupt[];
}

export interface EnqueueOptions {
  /** Insert right after the head (the current track) instead of at the end. Default false. */
  readonly next?: boolean;
  /** Refuse when the queue, head included, would exceed this many entries. Default: no limit. */
  readonly maxLength?: number;
  /** Refuse when one requester would have more than this many entries, head included. Default: no limit. */
  readonly maxPerUser?: number;
}

export type EnqueueResult =
  | { readonly kind: 'enqueued'; readonly positions: readonly number[] }
  | { readonly kind: 'queue-full'; readonly limit: number }
  | { readonly kind: 'user-limit'; readonly limit: number }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

export interface EnqueueAndPlayOptions {
  /** Insert right after the head (the current track) instead of at the end. Default false. */
  readonly next?: boolean;
  /** The queue limit when the guild's settings have no max_queue. Default: no limit. */
  readonly defaultMaxQueue?: number;
  /** The voice channel to play in. Default: the guild's current one (refused with no-channel when it has none). */
  readonly channel?: string;
  /** Where announcements go, set only when the guild has none. Default: left as it is. */
  readonly textChannel?: string;
}

export type EnqueueAndPlayResult = EnqueueResult | { readonly kind: 'no-channel' };

export type AdvanceResult =
  | { readonly kind: 'advanced' }
  | { readonly kind: 'looped'; readonly mode: 'track' | 'queue' }
  | { readonly kind: 'not-head' }
  | { readonly kind: 'lease-lost' };

export type SkipResult = { readonly kind: 'skipped'; readonly requeued: boolean } | { readonly kind: 'not-head' };
export type RemoveResult = { readonly kind: 'removed'; readonly entry: Entry } | { readonly kind: 'out-of-range'; readonly length: number };
export type MoveResult = { readonly kind: 'moved'; readonly entry: Entry } | { readonly kind: 'out-of-range'; readonly length: number };
export type ShuffleResult = { readonly kind: 'shuffled'; readonly count: number };
export type ClearResult = { readonly kind: 'cleared'; readonly removed: number };
export type SetResult = { readonly kind: 'set' } | { readonly kind: 'invalid'; readonly problems: readonly string[] };
export type WriteStatusResult = { readonly kind: 'written'; readonly status: Status } | { readonly kind: 'lease-lost' };
export type QuarantineResult =
  | { readonly kind: 'quarantined'; readonly entry: QuarantineEntry }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'lease-lost' };
export type RequeueResult =
  | { readonly kind: 'requeued'; readonly track: Track }
  | { readonly kind: 'out-of-range'; readonly length: number }
  | { readonly kind: 'invalid'; readonly reason: string };
export type ReplaceHeadResult = { readonly kind: 'replaced' } | { readonly kind: 'changed' } | { readonly kind: 'empty' } | { readonly kind: 'invalid'; readonly problems: readonly string[] };
export type StopResult = { readonly kind: 'stopped'; readonly removed: number };
export type ForgetResult =
  | { readonly kind: 'forgotten' }
  | { readonly kind: 'not-indexed' }
  | { readonly kind: 'kept'; readonly because: 'queue' | 'stay' };

/** One page of the queue (GuildStore.queuePage). */
export interface QueuePageRead {
  /** Entries of the page that decode, with their 0-based queue index (undecodable ones are in corrupt). */
  readonly entries: readonly { readonly index: number; readonly track: Track }[];
  /** Raw entries in the whole queue, corrupt ones included. */
  readonly length: number;
  /** Sum of durationMs - startMs over the entries that carry a duration, and how many do. */
  readonly knownDurationMs: number;
  readonly knownDurations: number;
  readonly corrupt: readonly Corrupt[];
}

/** The guild's history, newest first; an element that does not decode is reported (and left in place), not dropped. */
export interface HistoryList {
  readonly entries: readonly { readonly index: number; readonly entry: HistoryEntry }[];
  readonly corrupt: readonly Corrupt[];
}

export interface QuarantineList {
  readonly entries: readonly { readonly index: number; readonly entry: QuarantineEntry }[];
  readonly corrupt: readonly Corrupt[];
}

const ListReply = t.tuple([t.string, t.union([t.string, t.number])]);
const QueuePageReply = t.array(t.union([t.string, t.number]));
const PopHeadReply = t.keyof({ 'lease-lost': null, 'not-head': null, changed: null, advanced: null, 'looped-track': null, 'looped-queue': null });
const QuarantineReply = t.keyof({ quarantined: null, 'not-found': null, 'lease-lost': null });
const RequeueReply = t.keyof({ requeued: null, changed: null });
const ReplaceHeadReply = t.keyof({ replaced: null, changed: null, empty: null });
const ForgetReply = t.keyof({ 'kept-queue': null, 'kept-stay': null, forgotten: null, 'not-indexed': null });
const Flag = t.union([t.literal(0), t.literal(1)]);
const Count = t.number;
const MaybeString = t.union([t.string, t.null]);
const StringList = t.array(t.string);
const StringHash = t.record(t.string, t.string);

/** Decodes a script reply whose shape is part of our own contract: a mismatch is a bug, not data. */
function reply<A, O>(codec: t.Type<A, O, unknown>, value: unknown, script: string): A {
  const decoded = decode(codec, value);
  if (isLeft(decoded)) throw new Error(`${script} script replied ${JSON.stringify(value)}: ${decoded.left.join('; ')}`);
  return decoded.right;
}

/**
 * Tracks as the queue stores them, with what is wrong with any of them. Typed input can still carry an
 * empty id or url at run time; never write what snapshot would reject.
 */
function encodeTracks(tracks: readonly Track[]): { problems: string[]; raws: string[] } {
  const problems: string[] = [];
  const raws: string[] = [];
  tracks.forEach((track, i) => {
    const checked = decode(Track, track);
    if (isLeft(checked)) problems.push(...checked.left.map((p) => `track ${i}: ${p}`));
    else raws.push(JSON.stringify(track));
  });
  return { problems, raws };
}

export function decodeEntry(raw: string): Entry {
  const decoded = decodeJson(Track, raw);
  return isLeft(decoded) ? { kind: 'corrupt', raw, reason: decoded.left.join('; ') } : { kind: 'track', raw, track: decoded.right };
}

/**
 * The same JSON object under a fresh id, or '' when raw is not a JSON object. JSON.parse/stringify keep
 * unknown fields and key order; numbers beyond double precision are the one thing this cannot keep.
 */
export function withNewId(raw: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return '';
  return JSON.stringify({ ...parsed, id: newTrackId() });
}

/** A list value no real entry can equal, for remove-by-index (LSET then LREM). */
function tombstone(): string {
  return `hiqty:tombstone:${randomUUID()}`;
}

export class GuildStore {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {
    registerScripts(redis);
  }

  /** Appends tracks (or inserts them right after the head), checking the limits in the same script. */
  async enqueue(guild: string, tracks: readonly Track[], options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const { problems, raws } = encodeTracks(tracks);
    if (problems.length > 0) return { kind: 'invalid', problems };
    if (tracks.length === 0) return { kind: 'enqueued', positions: [] };
    const k = guildKeys(guild);
    const requesters = tracks.map((track) => track.requester?.id ?? '');
    const r = reply(
      ListReply,
      await this.redis.hiqtyEnqueue(
        k.playlist,
        GUILDS_KEY,
        guild,
        options.next ? '1' : '0',
        options.maxLength ?? '',
        options.maxPerUser ?? '',
        tracks.length,
        ...raws,
        ...requesters,
      ),
      'enqueue',
    );
    const n = Number(r[1]);
    if (r[0] === 'queue-full') return { kind: 'queue-full', limit: n };
    if (r[0] === 'user-limit') return { kind: 'user-limit', limit: n };
    return { kind: 'enqueued', positions: tracks.map((_, i) => n + i) };
  }

  /**
   * /play's write as one script: the tracks within the guild's limits (its settings' max_queue and
   * max_per_user, else defaultMaxQueue), the voice channel (when given; without one the guild must have
   * one already), the text channel if it has none, `playing`, and the guild index. All or nothing.
   */
  async enqueueAndPlay(guild: string, tracks: readonly Track[], options: EnqueueAndPlayOptions): Promise<EnqueueAndPlayResult> {
    const { problems, raws } = encodeTracks(tracks);
    for (const [name, id] of [['channel', options.channel], ['text channel', options.textChannel]] as const) {
      if (id === undefined) continue;
      const checked = decode(Snowflake, id);
      if (isLeft(checked)) problems.push(...checked.left.map((p) => `${name}: ${p}`));
    }
    if (problems.length > 0) return { kind: 'invalid', problems };
    const k = guildKeys(guild);
    const requesters = tracks.map((track) => track.requester?.id ?? '');
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      // The limits are decoded here with the settings codec; the script checks that they are still the same bytes.
      const hash = reply(StringHash, await this.redis.hgetall(k.settings), 'hgetall');
      const { settings } = decodeSettings(hash);
      const seen = (field: string): string => (field in hash ? `=${hash[field]}` : '-');
      const r = reply(
        ListReply,
        await this.redis.hiqtyEnqueueAndPlay(
          k.playlist,
          GUILDS_KEY,
          k.settings,
          k.channel,
          k.text_channel,
          k.state,
          guild,
          options.next === true ? '1' : '0',
          settings.max_queue ?? options.defaultMaxQueue ?? '',
          settings.max_per_user ?? '',
          seen('max_queue'),
          seen('max_per_user'),
          options.channel ?? '',
          options.textChannel ?? '',
          tracks.length,
          ...raws,
          ...requesters,
        ),
        'enqueue-and-play',
      );
      const n = Number(r[1]);
      switch (r[0]) {
        case 'changed':
          continue;
        case 'no-channel':
          return { kind: 'no-channel' };
        case 'queue-full':
          return { kind: 'queue-full', limit: n };
        case 'user-limit':
          return { kind: 'user-limit', limit: n };
        default:
          return { kind: 'enqueued', positions: tracks.map((_, i) => n + i) };
      }
    }
    throw new Error(`the settings of guild ${guild} kept changing during ${CAS_ATTEMPTS} attempts to enqueue`);
  }

  /**
   * The player's advance after a track ended: fenced by the lease, and a no-op unless the head is still
   * the track that ended. Honours loop off / track / queue (read in the same script).
   */
  async advanceIfHead(guild: string, endedTrackId: string, lease: Lease): Promise<AdvanceResult> {
    if (lease.guild !== guild) throw new Error(`lease of guild ${lease.guild} used for guild ${guild}`);
    const r = await this.popHead(guild, endedTrackId, lease.value, true);
    switch (r) {
      case 'advanced':
        return { kind: 'advanced' };
      case 'looped-track':
        return { kind: 'looped', mode: 'track' };
      case 'looped-queue':
        return { kind: 'looped', mode: 'queue' };
      case 'lease-lost':
        return { kind: 'lease-lost' };
      case 'not-head':
        return { kind: 'not-head' };
    }
  }

  /**
   * The responder's skip: removes the head if it is trackId (so a double-clicked skip skips one track).
   * Unfenced. Loop track does not apply (skipping is leaving the track); with loop queue the skipped
   * track goes to the back under a new id.
   */
  async skipIfHead(guild: string, trackId: string): Promise<SkipResult> {
    const r = await this.popHead(guild, trackId, '', false);
    if (r === 'advanced') return { kind: 'skipped', requeued: false };
    if (r === 'looped-queue') return { kind: 'skipped', requeued: true };
    return { kind: 'not-head' };
  }

  private async popHead(guild: string, trackId: string, fence: string, honourTrackLoop: boolean): Promise<'advanced' | 'looped-track' | 'looped-queue' | 'lease-lost' | 'not-head'> {
    const k = guildKeys(guild);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const head = (await this.redis.lindex(k.playlist, 0)) ?? '';
      const r = reply(
        PopHeadReply,
        await this.redis.hiqtyPopHead(k.playlist, k.settings, k.player_lock, historyKey(guild), trackId, head, withNewId(head), fence, honourTrackLoop ? '1' : '0', Math.floor(this.clock.now()), HISTORY_LENGTH),
        'pop-head',
      );
      if (r !== 'changed') return r;
    }
    throw new Error(`the head of guild ${guild} kept changing during ${CAS_ATTEMPTS} attempts to pop ${trackId}`);
  }

  /** Removes the entry at a 0-based index (0 is the head, the current track). */
  async remove(guild: string, index: number): Promise<RemoveResult> {
    const k = guildKeys(guild);
    if (!Number.isSafeInteger(index) || index < 0) return { kind: 'out-of-range', length: await this.redis.llen(k.playlist) };
    const r = reply(ListReply, await this.redis.hiqtyRemoveAt(k.playlist, index, tombstone()), 'remove');
    if (r[0] === 'removed') return { kind: 'removed', entry: decodeEntry(String(r[1])) };
    return { kind: 'out-of-range', length: Number(r[1]) };
  }

  /** Moves the entry at from so that it ends up at index to (both 0-based; moving the head changes what plays). */
  async move(guild: string, from: number, to: number): Promise<MoveResult> {
    const k = guildKeys(guild);
    if (![from, to].every((i) => Number.isSafeInteger(i) && i >= 0)) return { kind: 'out-of-range', length: await this.redis.llen(k.playlist) };
    const r = reply(ListReply, await this.redis.hiqtyMove(k.playlist, from, to, tombstone(), tombstone()), 'move');
    if (r[0] === 'moved') return { kind: 'moved', entry: decodeEntry(String(r[1])) };
    return { kind: 'out-of-range', length: Number(r[1]) };
  }

  /** Shuffles everything after the head; the current track keeps playing. */
  async shuffle(guild: string): Promise<ShuffleResult> {
    const k = guildKeys(guild);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      // Some slack so that tracks enqueued between LLEN and the script rarely force a retry.
      const wanted = Math.max(0, (await this.redis.llen(k.playlist)) - 1) + 16;
      const randoms = [...getRandomValues(new Uint32Array(wanted))].map((v) => v & 0x7fffffff);
      const r = reply(ListReply, await this.redis.hiqtyShuffle(k.playlist, ...randoms), 'shuffle');
      if (r[0] === 'shuffled') return { kind: 'shuffled', count: Number(r[1]) };
    }
    throw new Error(`the queue of guild ${guild} kept growing during ${CAS_ATTEMPTS} shuffle attempts`);
  }

  /**
   * Empties the queue, the current track included (the player then stops: queue empty). The desired state
   * is left as it was, so the next enqueue plays at once if it was playing.
   */
  async clear(guild: string): Promise<ClearResult> {
    const k = guildKeys(guild);
    const replies = await this.redis.multi().llen(k.playlist).del(k.playlist).exec();
    const removed = replies?.[0];
    return { kind: 'cleared', removed: removed && !removed[0] ? reply(Count, removed[1], 'clear') : 0 };
  }

  /**
   * Replaces the head if it still has exactly the bytes `expectedRaw` (from a snapshot): a seek writes the
   * head under a new id with `startMs`, and the new id makes the player start it there.
   */
  async replaceHead(guild: string, expectedRaw: string, track: Track): Promise<ReplaceHeadResult> {
    const checked = decode(Track, track);
    if (isLeft(checked)) return { kind: 'invalid', problems: checked.left };
    const r = reply(ReplaceHeadReply, await this.redis.hiqtyReplaceHead(guildKeys(guild).playlist, expectedRaw, JSON.stringify(track)), 'replace-head');
    return { kind: r };
  }

  /**
   * Stops in one MULTI: empties the queue and sets `stopped`; with dropChannel also removes the channel,
   * which makes the player leave. Settings are kept.
   */
  async stop(guild: string, options: { readonly dropChannel?: boolean } = {}): Promise<StopResult> {
    const k = guildKeys(guild);
    const tx = this.redis.multi().llen(k.playlist).del(k.playlist).set(k.state, 'stopped');
    if (options.dropChannel === true) tx.del(k.channel);
    const replies = await tx.exec();
    const removed = replies?.[0];
    return { kind: 'stopped', removed: removed && !removed[0] ? reply(Count, removed[1], 'stop') : 0 };
  }

  /** Sets where announcements go unless a channel is already set (e.g. chosen in the settings). */
  async setTextChannelIfAbsent(guild: string, channel: string): Promise<SetResult> {
    const checked = decode(Snowflake, channel);
    if (isLeft(checked)) return { kind: 'invalid', problems: checked.left };
    await this.redis.set(guildKeys(guild).text_channel, checked.right, 'NX');
    return { kind: 'set' };
  }

  async setState(guild: string, state: DesiredState): Promise<SetResult> {
    const checked = decode(DesiredStateCodec, state);
    if (isLeft(checked)) return { kind: 'invalid', problems: checked.left };
    await this.redis.multi().set(guildKeys(guild).state, checked.right).sadd(GUILDS_KEY, guild).exec();
    return { kind: 'set' };
  }

  /** The voice channel to play in; null removes it. */
  async setChannel(guild: string, channel: string | null): Promise<SetResult> {
    return this.setOptionalId(guild, guildKeys(guild).channel, channel);
  }

  /** Where announcements go; null removes it. */
  async setTextChannel(guild: string, channel: string | null): Promise<SetResult> {
    return this.setOptionalId(guild, guildKeys(guild).text_channel, channel);
  }

  private async setOptionalId(guild: string, key: string, id: string | null): Promise<SetResult> {
    if (id === null) {
      await this.redis.del(key);
      return { kind: 'set' };
    }
    const checked = decode(Snowflake, id);
    if (isLeft(checked)) return { kind: 'invalid', problems: checked.left };
    await this.redis.multi().set(key, checked.right).sadd(GUILDS_KEY, guild).exec();
    return { kind: 'set' };
  }

  /** Writes the given fields only; null removes an optional one. Invalid values write nothing. */
  async setSettings(guild: string, patch: SettingsPatch): Promise<SetResult> {
    const { set, del, problems } = encodeSettingsPatch(patch);
    if (problems.length > 0) return { kind: 'invalid', problems };
    const k = guildKeys(guild);
    const tx = this.redis.multi();
    if (Object.keys(set).length > 0) tx.hset(k.settings, set);
    if (del.length > 0) tx.hdel(k.settings, ...del);
    await tx.sadd(GUILDS_KEY, guild).exec();
    return { kind: 'set' };
  }

  /**
   * Drops the guild from `hiqty:guilds` when it has nothing left to do: an empty queue and no reason to
   * stay in a channel (stay on with a channel set). Settings and the last channel are kept.
   */
  async forgetIfEmpty(guild: string): Promise<ForgetResult> {
    const k = guildKeys(guild);
    const r = reply(ForgetReply, await this.redis.hiqtyForget(k.playlist, k.settings, k.channel, GUILDS_KEY, guild), 'forget');
    if (r === 'kept-queue') return { kind: 'kept', because: 'queue' };
    if (r === 'kept-stay') return { kind: 'kept', because: 'stay' };
    return { kind: r };
  }

  /** The observed state, checkpointed by the holder; refused unless the lease is still the lock value. */
  async writeStatus(guild: string, update: StatusUpdate, lease: Lease): Promise<WriteStatusResult> {
    if (lease.guild !== guild) throw new Error(`lease of guild ${lease.guild} used for guild ${guild}`);
    const status: Status = { instance: lease.instance, epoch: lease.epoch, ...update, updatedAt: this.clock.now() };
    const k = guildKeys(guild);
    const r = reply(Flag, await this.redis.hiqtyWriteStatus(k.player_lock, k.status, lease.value, JSON.stringify(status)), 'write-status');
    return r === 1 ? { kind: 'written', status } : { kind: 'lease-lost' };
  }

  /**
   * True when the guild surely wants no player (no channel; or stopped or empty, and not 24/7): one
   * script call, so that an instance with thousands of idle guilds does not read each one whole on every
   * resync. False whenever in doubt (an odd value is for the snapshot to read and report).
   */
  async isIdle(guild: string): Promise<boolean> {
    return (await this.idleAmong([guild])).has(guild);
  }

  /**
   * The guilds among these that are surely idle (as isIdle), in one script call: a resync slice asks
   * about its guilds at once instead of one round trip each. A reply that does not decode rejects.
   */
  async idleAmong(guilds: readonly string[]): Promise<ReadonlySet<string>> {
    if (guilds.length === 0) return new Set();
    const keys = guilds.flatMap((guild) => {
      const k = guildKeys(guild);
      return [k.channel, k.state, k.settings, k.playlist, historyKey(guild), autoplayKey(guild)];
    });
    const flags = reply(t.array(Flag), await this.redis.hiqtyIsIdle(keys.length, ...keys), 'is-idle');
    if (flags.length !== guilds.length) throw new Error(`is-idle script answered ${flags.length} flags for ${guilds.length} guilds`);
    return new Set(guilds.filter((_, i) => flags[i] === 1));
  }

  /** The guilds among these whose player lock names `instance`, in one MGET. An odd lock value is nobody's. */
  async lockedBy(instance: string, guilds: readonly string[]): Promise<ReadonlySet<string>> {
    if (guilds.length === 0) return new Set();
    const values = await this.redis.mget(guilds.map((guild) => guildKeys(guild).player_lock));
    return new Set(
      guilds.filter((_, i) => {
        const lock = decode(LockValue, values[i]);
        return isRight(lock) && lock.right.instance === instance;
      }),
    );
  }

  /**
   * The whole guild in one round trip (MULTI, so it is also one consistent point in time). With
   * `{ queue: 'head' }` only the head of the queue is read (and its length), which is all a reconcile
   * needs: at 10,000 guilds, or a 10,000-track queue, the whole list is the bulk of the bytes.
   */
  async snapshot(guild: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
    const k = guildKeys(guild);
    const queue = options.queue ?? 'all';
    const last = queue === 'all' ? -1 : queue === 'head' ? 0 : Math.max(1, Math.floor(queue.first)) - 1;
    const tx = this.redis
      .multi()
      .lrange(k.playlist, 0, last)
      .get(k.state)
      .get(k.channel)
      .get(k.text_channel)
      .hgetall(k.settings)
      .get(k.player_lock)
      .pttl(k.player_lock)
      .get(k.epoch)
      .get(k.status)
      .llen(k.quarantine);
    // A part of the queue needs its length apart; the whole of it is its own length.
    if (queue !== 'all') tx.llen(k.playlist);
    const replies = await tx.exec();
    const corrupt: Corrupt[] = [];

    // A reply that is an error (e.g. WRONGTYPE: a key written as the wrong type) is reported like bad data.
    const at = <A, O>(i: number, codec: t.Type<A, O, unknown>, where: string): A | undefined => {
      const entry = replies?.[i];
      if (!entry) {
        corrupt.push({ where, raw: '', reason: 'no reply' });
        return undefined;
      }
      if (entry[0]) {
        corrupt.push({ where, raw: '', reason: entry[0].message });
        return undefined;
      }
      const decoded = decode(codec, entry[1]);
      if (isLeft(decoded)) {
        corrupt.push({ where, raw: JSON.stringify(entry[1]) ?? '', reason: decoded.left.join('; ') });
        return undefined;
      }
      return decoded.right;
    };
    const scalar = <A, O>(i: number, codec: t.Type<A, O, unknown>, where: string, json = false): A | undefined => {
      const raw = at(i, MaybeString, where);
      if (raw === undefined || raw === null) return undefined;
      const decoded = json ? decodeJson(codec, raw) : decode(codec, raw);
      if (isLeft(decoded)) {
        corrupt.push({ where, raw, reason: decoded.left.join('; ') });
        return undefined;
      }
      return decoded.right;
    };

    const raws = at(0, StringList, 'playlist') ?? [];
    const entries = raws.map(decodeEntry);
    const playlist: Track[] = [];
    entries.forEach((entry, index) => {
      if (entry.kind === 'track') playlist.push(entry.track);
      else corrupt.push({ where: 'playlist', index, raw: entry.raw, reason: entry.reason });
    });
    const state = scalar(1, DesiredStateCodec, 'state') ?? 'stopped';
    const channel = scalar(2, Snowflake, 'channel');
    const textChannel = scalar(3, Snowflake, 'text_channel');
    const decodedSettings = decodeSettings(at(4, StringHash, 'settings') ?? {});
    corrupt.push(...decodedSettings.corrupt);
    const lock = scalar(5, LockValue, 'player_lock');
    const pttl = at(6, Count, 'player_lock');
    const epoch = scalar(7, Epoch, 'epoch') ?? 0;
    const status = scalar(8, Status, 'status', true);
    const quarantineLength = at(9, Count, 'quarantine') ?? 0;
    const playlistLength = queue === 'all' ? raws.length : (at(10, Count, 'playlist') ?? raws.length);

    return {
      snapshot: {
        guild,
        playlist,
        head: entries[0],
        playlistLength,
        state,
        channel,
        textChannel,
        settings: decodedSettings.settings,
        lock,
        lockTtlMs: pttl !== undefined && pttl >= 0 ? pttl : undefined,
        epoch,
        status,
        quarantineLength,
      },
      corrupt,
    };
  }

  /**
   * Entries start .. start + count - 1 of the queue (0-based) and its totals, in one script: an
   * interface shows a page of a 10,000-track queue without reading the other 9,990.
   */
  async queuePage(guild: string, start: number, count: number): Promise<QueuePageRead> {
    const from = Math.max(0, Math.floor(start));
    const r = reply(QueuePageReply, await this.redis.hiqtyQueuePage(guildKeys(guild).playlist, from, Math.max(0, Math.floor(count))), 'queue-page');
    const [length, sum, known, ...raws] = r;
    const entries: { index: number; track: Track }[] = [];
    const corrupt: Corrupt[] = [];
    raws.forEach((raw, n) => {
      const entry = decodeEntry(String(raw));
      if (entry.kind === 'track') entries.push({ index: from + n, track: entry.track });
      else corrupt.push({ where: 'playlist', index: from + n, raw: entry.raw, reason: entry.reason });
    });
    return { entries, length: Number(length ?? 0), knownDurationMs: Number(sum ?? 0), knownDurations: Number(known ?? 0), corrupt };
  }

  /**
   * Moves one exact raw entry from the queue to the quarantine with the reason; the rest of the queue
   * keeps its order. With a lease the move is fenced (the player's use); without, it is the responder's.
   */
  async quarantine(guild: string, raw: string, reason: string, options: { readonly source?: string; readonly lease?: Lease } = {}): Promise<QuarantineResult> {
    if (options.lease && options.lease.guild !== guild) throw new Error(`lease of guild ${options.lease.guild} used for guild ${guild}`);
    const entry: QuarantineEntry = { raw, reason, at: this.clock.now(), ...(options.source === undefined ? {} : { source: options.source }) };
    const k = guildKeys(guild);
    const r = reply(
      QuarantineReply,
      await this.redis.hiqtyQuarantine(k.playlist, k.quarantine, k.player_lock, raw, JSON.stringify(entry), options.lease?.value ?? '', QUARANTINE_MAX_ENTRIES),
      'quarantine',
    );
    return r === 'quarantined' ? { kind: 'quarantined', entry } : { kind: r };
  }

  async listQuarantine(guild: string): Promise<QuarantineList> {
    const raws = reply(StringList, await this.redis.lrange(guildKeys(guild).quarantine, 0, -1), 'lrange');
    const entries: { index: number; entry: QuarantineEntry }[] = [];
    const corrupt: Corrupt[] = [];
    raws.forEach((raw, index) => {
      const decoded = decodeJson(QuarantineEntry, raw);
      if (isLeft(decoded)) corrupt.push({ where: 'quarantine', index, raw, reason: decoded.left.join('; ') });
      else entries.push({ index, entry: decoded.right });
    });
    return { entries, corrupt };
  }

  /** The last `limit` played tracks (at most HISTORY_LENGTH), newest first; index 0 is the most recent. */
  async history(guild: string, limit: number = HISTORY_LENGTH): Promise<HistoryList> {
    const count = Math.max(0, Math.min(HISTORY_LENGTH, Math.floor(limit)));
    if (count === 0) return { entries: [], corrupt: [] };
    const raws = reply(StringList, await this.redis.lrange(historyKey(guild), 0, count - 1), 'lrange');
    const entries: { index: number; entry: HistoryEntry }[] = [];
    const corrupt: Corrupt[] = [];
    raws.forEach((raw, index) => {
      const decoded = decodeJson(HistoryEntry, raw);
      if (isLeft(decoded)) corrupt.push({ where: 'history', index, raw, reason: decoded.left.join('; ') });
      else entries.push({ index, entry: decoded.right });
    });
    return { entries, corrupt };
  }

  /** /previous: the newest history entry back at the head, playing (src/state/history.ts). */
  async previous(guild: string, options: PreviousOptions = {}): Promise<PreviousResult> {
    return previous(this.redis, guild, options);
  }

  /** /skipto: the entry at a 0-based index becomes the head; the head goes to the history (src/state/history.ts). */
  async skipTo(guild: string, index: number): Promise<SkipToResult> {
    return skipTo(this.redis, this.clock, guild, index);
  }

  /** Moves one exact raw history entry (one that does not decode) to the quarantine, so that it is reported and /previous can go on. */
  async quarantineHistoryEntry(guild: string, raw: string, reason: string): Promise<QuarantineResult> {
    const entry: QuarantineEntry = { raw, reason, at: this.clock.now(), source: 'history' };
    const k = guildKeys(guild);
    const r = reply(QuarantineReply, await this.redis.hiqtyQuarantine(historyKey(guild), k.quarantine, k.player_lock, raw, JSON.stringify(entry), '', QUARANTINE_MAX_ENTRIES), 'quarantine');
    return r === 'quarantined' ? { kind: 'quarantined', entry } : { kind: r };
  }

  /** Puts a quarantined entry back at the end of the queue, if it decodes as a Track now (e.g. after a hand fix). */
  async requeueFromQuarantine(guild: string, index: number): Promise<RequeueResult> {
    const k = guildKeys(guild);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entryRaw = Number.isSafeInteger(index) && index >= 0 ? await this.redis.lindex(k.quarantine, index) : null;
      if (entryRaw === null) return { kind: 'out-of-range', length: await this.redis.llen(k.quarantine) };
      const entry = decodeJson(QuarantineEntry, entryRaw);
      if (isLeft(entry)) return { kind: 'invalid', reason: `quarantine entry: ${entry.left.join('; ')}` };
      const track = decodeJson(Track, entry.right.raw);
      if (isLeft(track)) return { kind: 'invalid', reason: track.left.join('; ') };
      const r = reply(
        RequeueReply,
        await this.redis.hiqtyRequeue(k.quarantine, k.playlist, GUILDS_KEY, index, entryRaw, entry.right.raw, guild, tombstone()),
        'requeue',
      );
      if (r === 'requeued') return { kind: 'requeued', track: track.right };
    }
    throw new Error(`the quarantine of guild ${guild} kept changing during ${CAS_ATTEMPTS} requeue attempts`);
  }
}
