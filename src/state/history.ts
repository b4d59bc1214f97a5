/**
 * The guild's history as a way back: /previous (the newest entry back at the head) and /skipto (jump ahead,
 * the head going to the history like a skip). GuildStore's methods of the same names call these; each is one
 * script, compare-and-set on the raw values the caller decoded, retried a few times when they changed.
 */
import * as t from 'io-ts';
import { isLeft, isRight } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { decode, decodeJson, Snowflake } from '../codecs';
import { GUILDS_KEY, guildKeys, historyKey } from './keys';
import { decodeSettings, HISTORY_LENGTH, HistoryEntry, newTrackId, Status, Track } from './schema';
import { registerScripts } from './scripts';

/** Attempts before giving up when the history or the head keeps changing between the read and the script. */
const CAS_ATTEMPTS = 5;

export interface PreviousOptions {
  /** The voice channel to play in. Default: the guild's current one (refused with no-channel when it has none). */
  readonly channel?: string;
  /** Where announcements go, set only when the guild has none. Default: left as it is. */
  readonly textChannel?: string;
  /** The queue limit when the guild's settings have no max_queue. Default: no limit. */
  readonly defaultMaxQueue?: number;
}

export type PreviousResult =
  | {
      readonly kind: 'restored';
      /** The history entry that came back, and the queue entry it became (under a new id). */
      readonly entry: HistoryEntry;
      readonly track: Track;
      /** The track that was playing, now second, and where it resumes (undefined: from its own start). */
      readonly interrupted: { readonly track: Track; readonly resumeAtMs: number | undefined } | undefined;
    }
  | { readonly kind: 'empty' }
  /** The newest history entry does not decode: left in place for the caller to report and set aside. */
  | { readonly kind: 'corrupt'; readonly raw: string; readonly reason: string }
  | { readonly kind: 'no-channel' }
  | { readonly kind: 'queue-full'; readonly limit: number }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

export type SkipToResult =
  | { readonly kind: 'skipped'; readonly from: Track; readonly to: Track; readonly dropped: number; readonly requeued: boolean }
  | { readonly kind: 'out-of-range'; readonly length: number }
  | { readonly kind: 'corrupt'; readonly index: number; readonly reason: string };

const ScriptReply = t.tuple([t.string, t.union([t.string, t.number])]);
const MaybeString = t.union([t.string, t.null]);
const StringHash = t.record(t.string, t.string);

function reply<A, O>(codec: t.Type<A, O, unknown>, value: unknown, script: string): A {
  const decoded = decode(codec, value);
  if (isLeft(decoded)) throw new Error(`${script} script replied ${JSON.stringify(value)}: ${decoded.left.join('; ')}`);
  return decoded.right;
}

/** A MULTI reply at i, decoded; an error reply (WRONGTYPE) throws, since nothing can be decided on it. */
function at<A, O>(replies: [Error | null, unknown][] | null, i: number, codec: t.Type<A, O, unknown>, what: string): A {
  const entry = replies?.[i];
  if (!entry) throw new Error(`no reply for ${what}`);
  if (entry[0]) throw new Error(`${what}: ${entry[0].message}`);
  return reply(codec, entry[1], what);
}

/** The track's JSON under a fresh id and without a start position: the player plays it again from 0. Unknown fields are kept. */
function replayJson(track: Track): string {
  const { startMs: _ignored, ...rest } = track;
  return JSON.stringify({ ...rest, id: newTrackId() });
}

/**
 * Puts the newest history entry back at the head (see PREVIOUS_LUA) and sets the guild playing. The track
 * that was playing stays right after it and, when its status names it, resumes where it was interrupted.
 */
export async function previous(redis: Redis, guild: string, options: PreviousOptions = {}): Promise<PreviousResult> {
  registerScripts(redis);
  const problems: string[] = [];
  for (const [name, id] of [['channel', options.channel], ['text channel', options.textChannel]] as const) {
    if (id === undefined) continue;
    const checked = decode(Snowflake, id);
    if (isLeft(checked)) problems.push(...checked.left.map((p) => `${name}: ${p}`));
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  const k = guildKeys(guild);
  const history = historyKey(guild);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const replies = await redis.multi().lindex(history, 0).lindex(k.playlist, 0).get(k.status).hgetall(k.settings).exec();
    const top = at(replies, 0, MaybeString, 'history');
    if (top === null) return { kind: 'empty' };
    const entry = decodeJson(HistoryEntry, top);
    if (isLeft(entry)) return { kind: 'corrupt', raw: top, reason: entry.left.join('; ') };
    const headRaw = at(replies, 1, MaybeString, 'playlist head');
    const statusRaw = at(replies, 2, MaybeString, 'status');
    const hash = at(replies, 3, StringHash, 'settings');
    const { settings } = decodeSettings(hash);

    const head = headRaw === null ? undefined : decodeJson(Track, headRaw);
    const status = statusRaw === null ? undefined : decodeJson(Status, statusRaw);
    let interrupted: { track: Track; resumeAtMs: number | undefined } | undefined;
    let replacement = '';
    if (head !== undefined && isRight(head)) {
      const position = status !== undefined && isRight(status) && status.right.trackId === head.right.id ? status.right.positionMs : undefined;
      // A live stream has no position to go back to; a position past the end would end it at once.
      const resumable = position !== undefined && position > 0 && head.right.live !== true && (head.right.durationMs === undefined || position < head.right.durationMs);
      if (resumable) {
        const resumed: Track = { ...head.right, id: newTrackId(), startMs: Math.floor(position) };
        replacement = JSON.stringify(resumed);
        interrupted = { track: resumed, resumeAtMs: Math.floor(position) };
      } else {
        interrupted = { track: head.right, resumeAtMs: undefined };
      }
    }
    const trackJson = replayJson(entry.right.track);
    const track = decodeJson(Track, trackJson);
    if (isLeft(track)) return { kind: 'corrupt', raw: top, reason: track.left.join('; ') };
    const r = reply(
      ScriptReply,
      await redis.hiqtyPrevious(
        history,
        k.playlist,
        GUILDS_KEY,
        k.settings,
        k.channel,
        k.text_channel,
        k.state,
        top,
        trackJson,
        replacement === '' ? '' : (headRaw ?? ''),
        replacement,
        guild,
        settings.max_queue ?? options.defaultMaxQueue ?? '',
        'max_queue' in hash ? `=${hash.max_queue}` : '-',
        options.channel ?? '',
        options.textChannel ?? '',
      ),
      'previous',
    );
    switch (r[0]) {
      case 'restored':
        return { kind: 'restored', entry: entry.right, track: track.right, interrupted };
      case 'empty':
        return { kind: 'empty' };
      case 'no-channel':
        return { kind: 'no-channel' };
      case 'queue-full':
        return { kind: 'queue-full', limit: Number(r[1]) };
      case 'changed':
        continue;
      default:
        throw new Error(`previous script replied ${JSON.stringify(r)}`);
    }
  }
  throw new Error(`the history or queue of guild ${guild} kept changing during ${CAS_ATTEMPTS} attempts of /previous`);
}

/**
 * Makes the entry at a 0-based index the head (see SKIP_TO_LUA): the head goes to the history, the entries
 * between were never played and are dropped (or, with loop queue, go to the back).
 */
export async function skipTo(redis: Redis, clock: Clock, guild: string, index: number): Promise<SkipToResult> {
  registerScripts(redis);
  const k = guildKeys(guild);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const replies = await redis.multi().llen(k.playlist).lindex(k.playlist, 0).lindex(k.playlist, Number.isSafeInteger(index) ? index : 0).exec();
    const length = at(replies, 0, t.number, 'playlist length');
    if (!Number.isSafeInteger(index) || index < 1 || index >= length) return { kind: 'out-of-range', length };
    const headRaw = at(replies, 1, MaybeString, 'playlist head');
    const targetRaw = at(replies, 2, MaybeString, 'playlist entry');
    if (headRaw === null || targetRaw === null) continue;
    const head = decodeJson(Track, headRaw);
    if (isLeft(head)) return { kind: 'corrupt', index: 0, reason: head.left.join('; ') };
    const target = decodeJson(Track, targetRaw);
    if (isLeft(target)) return { kind: 'corrupt', index, reason: target.left.join('; ') };
    const r = reply(
      ScriptReply,
      await redis.hiqtySkipTo(k.playlist, historyKey(guild), k.settings, index, headRaw, targetRaw, replayJson(head.right), Math.floor(clock.now()), HISTORY_LENGTH),
      'skip-to',
    );
    if (r[0] === 'skipped' || r[0] === 'requeued') return { kind: 'skipped', from: head.right, to: target.right, dropped: Number(r[1]), requeued: r[0] === 'requeued' };
    if (r[0] === 'out-of-range') return { kind: 'out-of-range', length: Number(r[1]) };
  }
  throw new Error(`the queue of guild ${guild} kept changing during ${CAS_ATTEMPTS} attempts to skip to ${index}`);
}
