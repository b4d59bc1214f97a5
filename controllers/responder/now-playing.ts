/**
 * The now-playing message, kept by a small reconcile loop rather than by events: for each guild it
 * compares what the message should say (from Redis: the head, the player's status, the settings) with
 * what the message record in Redis says it says, and posts, edits or retires the message.
 *
 * One message per guild: only the instance holding the guild's player lease acts, and the record
 * (`hiqty:server:{g}:np_message`) is replaced by compare-and-set. During a lease handover two instances
 * can both post; the one whose compare-and-set loses deletes its own message, so one survives.
 * When the track changes, a new message is posted (so it sits at the bottom of the chat) and the old one
 * is deleted; pause, resume, loop, volume and the position bar are edits of the same message.
 */
import { isLeft } from 'fp-ts/Either';
import { DiscordAPIError, type Client } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Clock } from '../../src/clock';
import { guildLocale, translator, type Locale, type Translate } from '../../src/i18n';
import type { Logger } from '../../src/log';
import { nowPlayingOf, type NowPlaying } from '../../src/ops';
import { Controller, done, requeueAfter, ResyncSource, type KeyspaceHub, type Reconciler, type Result } from '../../src/reconcile';
import { guildKeys, parseGuildKey, parseLyricsShownKey, readNpRecord, replaceNpRecord, scanGuilds, type GuildSnapshot, type GuildStore, LockValue, type NpRecord } from '../../src/state';
import { lyricPosition, NP_LYRICS_MIN_EDIT_MS, withLyricLine, type LyricPosition, type NpLyricsSource } from './lyrics-np';
import { nowPlayingBody, type Body } from './render';

/** How often the position bar of a playing track is refreshed (an edit; Discord allows 5 per 5 s per channel). */
export const NP_REFRESH_MS = 15_000;

/**
 * How often a guild whose head track the player has not started yet is looked at again (default 1000 ms).
 * Status checkpoints wake nobody (npHint), so the start of a track is noticed by this poll, which runs
 * only between a head change and the player's first status naming the new head.
 */
export const NP_START_POLL_MS = 1000;

export { NpRecord } from '../../src/state';

/** Where the message lives; injectable so the loop can be tested without Discord. */
export interface NpChannel {
  post(channelId: string, body: Body): Promise<string | undefined>;
  /** 'gone' when the message was deleted by someone. */
  edit(channelId: string, messageId: string, body: Body): Promise<'edited' | 'gone'>;
  remove(channelId: string, messageId: string): Promise<void>;
}

const UNKNOWN_MESSAGE = 10008;

export function discordNpChannel(client: Client, log: Logger): NpChannel {
  const sendable = async (channelId: string) => {
    const channel = await client.channels.fetch(channelId);
    return channel?.isSendable() === true && channel.isTextBased() ? channel : undefined;
  };
  return {
    async post(channelId, body) {
      const channel = await sendable(channelId);
      if (!channel) {
        log.warn({ channelId }, 'now-playing: the text channel is not one this bot can post in');
        return undefined;
      }
      return (await channel.send({ ...body, allowedMentions: { parse: [] } })).id;
    },
    async edit(channelId, messageId, body) {
      const channel = await sendable(channelId);
      if (!channel) return 'gone';
      try {
        await channel.messages.edit(messageId, { ...body, allowedMentions: { parse: [] } });
        return 'edited';
      } catch (err) {
        if (err instanceof DiscordAPIError && err.code === UNKNOWN_MESSAGE) return 'gone';
        throw err;
      }
    },
    async remove(channelId, messageId) {
      const channel = await sendable(channelId);
      await channel?.messages.delete(messageId).catch((err: unknown) => log.debug({ err }, 'now-playing: old message already gone'));
    },
  };
}

/**
 * The language of a guild's now-playing message: the guild's `/settings language` when set, else its
 * Discord `preferred_locale` from the discord.js cache, else English (the same rule as the Player's
 * announcements, src/i18n/guild.ts).
 */
export function npLocale(client: Client, guildId: string, snapshot: GuildSnapshot): Locale {
  return guildLocale(snapshot.settings.language, client.guilds.cache.get(guildId)?.preferredLocale);
}

/** The message's language is part of what it says: a guild that changes language gets the message redrawn. */
function signatureOf(np: NowPlaying, locale: Locale): string {
  return JSON.stringify([np.track.id, np.state, np.loop, np.volume, np.next?.id ?? null, np.queueLength, np.playedFrom ?? null, locale]);
}

const ended = (t: Translate): Body => ({ content: t('render:np.ended'), embeds: [], components: [] });

export interface NowPlayingDeps {
  readonly redis: Redis;
  readonly store: GuildStore;
  readonly channel: NpChannel;
  readonly instance: string;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * The language a guild's message is written in (npLocale in production). It is handed the snapshot just
   * read, so a language kept in the guild's settings needs no second read.
   */
  readonly locale: (guild: string, snapshot: GuildSnapshot) => Locale;
  /** The synced lines to show under the message (issue 16: after /lyrics); none without it. */
  readonly lyrics?: NpLyricsSource;
}

/**
 * When to look again while a track plays: for the position bar's refresh, or for the next lyric line,
 * whichever comes first, but an edit for a line no sooner than NP_LYRICS_MIN_EDIT_MS after the last edit.
 */
function playingDelay(sinceEditMs: number, positionMs: number, line: LyricPosition | undefined): number {
  const refresh = Math.max(1000, NP_REFRESH_MS - sinceEditMs);
  if (line?.nextAtMs === undefined) return refresh;
  const untilLine = Math.max(0, line.nextAtMs - positionMs);
  return Math.min(refresh, Math.max(NP_LYRICS_MIN_EDIT_MS - sinceEditMs, untilLine, 50));
}

export class NowPlayingReconciler implements Reconciler<string> {
  constructor(private readonly deps: NowPlayingDeps) {}

  async reconcile(guild: string): Promise<Result> {
    const { redis, store, channel, clock } = this.deps;
    // Cheap gate first: every instance hears every guild's status checkpoints.
    const lock = LockValue.decode(await redis.get(guildKeys(guild).player_lock));
    if (isLeft(lock) || lock.right.instance !== this.deps.instance) return done();
    // The message shows the head, the next track and the length: the first two entries are all it reads.
    const { snapshot } = await store.snapshot(guild, { queue: { first: 2 } });
    const { raw, record } = await readNpRecord(redis, guild);
    const now = clock.now();
    const np = nowPlayingOf(snapshot, now);
    const showing = np !== undefined && np.started && snapshot.state !== 'stopped' && snapshot.channel !== undefined ? np : undefined;
    const textChannel = snapshot.textChannel;
    const locale = this.deps.locale(guild, snapshot);
    const t = translator(locale);

    if (showing === undefined || textChannel === undefined) {
      if (record !== undefined && !record.ended) {
        await channel.edit(record.channelId, record.messageId, ended(t));
        await this.cas(guild, raw, { ...record, ended: true, editedAt: now });
      }
      // The player has yet to start the head: its status write wakes nobody, so look again soon.
      const starting = np !== undefined && !np.started && snapshot.state === 'playing' && snapshot.channel !== undefined && textChannel !== undefined;
      return starting ? requeueAfter(NP_START_POLL_MS) : done();
    }

    const lines = this.deps.lyrics === undefined ? undefined : await this.deps.lyrics(guild, showing.track);
    // A status written under an older lease is a crashed player's: its track stands still until the new
    // holder resumes it at that checkpoint, so the line does not run ahead of the music meanwhile.
    const frozen = snapshot.status !== undefined && snapshot.status.epoch !== lock.right.epoch;
    const linePositionMs = frozen && snapshot.status !== undefined ? Math.min(showing.positionMs, snapshot.status.positionMs) : showing.positionMs;
    const line = lines === undefined ? undefined : lyricPosition(lines, linePositionMs);
    const body = withLyricLine(nowPlayingBody(showing, t), line);
    const baseSignature = signatureOf(showing, locale);
    // The line is part of what the message says, but a change of line alone is paced (below).
    const signature = line === undefined ? baseSignature : `${baseSignature}#${line.index}`;
    if (record === undefined || record.trackId !== showing.track.id || record.channelId !== textChannel || record.ended) {
      const messageId = await channel.post(textChannel, body);
      if (messageId === undefined) return requeueAfter(NP_REFRESH_MS);
      const next: NpRecord = { channelId: textChannel, messageId, trackId: showing.track.id, signature, editedAt: now, ended: false };
      if (!(await this.cas(guild, raw, next))) {
        await channel.remove(textChannel, messageId);
        return requeueAfter(0);
      }
      if (record !== undefined) await channel.remove(record.channelId, record.messageId);
      return showing.state === 'playing' ? requeueAfter(playingDelay(0, showing.positionMs, line)) : done();
    }

    const sinceEdit = now - record.editedAt;
    const stale = showing.state === 'playing' && sinceEdit >= NP_REFRESH_MS - 500;
    const baseChanged = record.signature !== baseSignature && !record.signature.startsWith(`${baseSignature}#`);
    const lineDue = record.signature !== signature && sinceEdit >= NP_LYRICS_MIN_EDIT_MS;
    if (baseChanged || lineDue || stale) {
      const edited = await channel.edit(record.channelId, record.messageId, body);
      // A deleted message gets a new one on the next pass: the record is dropped (if still ours).
      await this.cas(guild, raw, edited === 'gone' ? null : { ...record, signature, editedAt: now });
      if (edited === 'gone') return requeueAfter(0);
      return showing.state === 'playing' ? requeueAfter(playingDelay(0, showing.positionMs, line)) : done();
    }
    // A line that changed too soon after the last edit is shown once the pace allows.
    if (record.signature !== signature) return requeueAfter(Math.max(50, NP_LYRICS_MIN_EDIT_MS - sinceEdit));
    return showing.state === 'playing' ? requeueAfter(playingDelay(sinceEdit, showing.positionMs, line)) : done();
  }

  private cas(guild: string, expected: string | null, next: NpRecord | null): Promise<boolean> {
    return replaceNpRecord(this.deps.redis, guild, expected, next);
  }
}

/**
 * Which keyspace notifications may change the message: not lock renewals, not the quarantine, and not
 * the status, which the player rewrites at every checkpoint (every second or so per playing guild).
 * What the message shows changes with the head (playlist), the desired state, the settings, the text
 * channel and the lock (a new epoch); a track's start is caught by NP_START_POLL_MS.
 */
export function npHint(redisKey: string, event: string): string | undefined {
  // /lyrics asked for the head's lines: show them now, not at the next refresh.
  const lyricsGuild = parseLyricsShownKey(redisKey);
  if (lyricsGuild !== undefined) return event === 'expired' ? undefined : lyricsGuild;
  const parsed = parseGuildKey(redisKey);
  if (!parsed) return undefined;
  if (parsed.kind === 'quarantine' || parsed.kind === 'epoch' || parsed.kind === 'status') return undefined;
  if (parsed.kind === 'player_lock') return event === 'expire' ? undefined : parsed.guild;
  return parsed.guild;
}

export interface NowPlayingLoop {
  stop(): Promise<void>;
}

export async function startNowPlaying(deps: NowPlayingDeps & { readonly keyspace: KeyspaceHub; readonly resyncIntervalMs: number }): Promise<NowPlayingLoop> {
  // The keyspace subscription triggers the start-up run (at once when the hub is already subscribed).
  const resync = new ResyncSource<string>({
    list: (signal) => scanGuilds(deps.redis, signal),
    // The reconcile's own gate, for a whole slice in one round trip: only guilds this instance plays have a message to keep.
    select: async (guilds) => {
      const held = await deps.store.lockedBy(deps.instance, guilds);
      return guilds.filter((g) => held.has(g));
    },
    periodMs: deps.resyncIntervalMs,
    runAtStart: false,
    clock: deps.clock,
    logger: deps.log,
  });
  const keyspace = deps.keyspace.source<string>({
    keyToId: npHint,
    onSubscribed: ({ reconnect }) => resync.trigger(reconnect ? 'redis reconnect' : 'start'),
  });
  const controller = new Controller<string>({
    name: 'now-playing',
    reconciler: new NowPlayingReconciler(deps),
    workers: 4,
    // The resync first: the keyspace source may trigger it while starting.
    sources: [resync, keyspace],
    clock: deps.clock,
    logger: deps.log,
    describeKey: (guild) => guild,
  });
  await controller.start();
  return { stop: () => controller.stop({ abortAfterMs: 500, abandonAfterMs: 1000 }) };
}
