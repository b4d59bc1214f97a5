/**
 * Autoplay's one write (src/autoplay): queue a related track when a guild's queue ran out, in one
 * script that re-checks everything autoplay decided on, so two reconciles (or two instances) racing
 * can never queue twice: the lease is still ours, autoplay is still on, the guild still wants
 * `playing`, the queue is still empty, the newest history entry is still the track autoplay followed,
 * and that track was not followed before (`hiqty:server:{g}:autoplay`).
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis, RedisKey, RedisValue, Result } from 'ioredis';
import { decode } from '../codecs';
import { autoplayKey, GUILDS_KEY, guildKeys, historyKey } from './keys';
import type { Lease } from './lease';
import { Track } from './schema';

type Arg = RedisKey | RedisValue;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hiqtyAutoplayEnqueue(...args: Arg[]): Result<unknown, Context>;
  }
}

/**
 * KEYS: playlist, history, lock, settings, state, autoplay marker, guilds. ARGV: lock value, followed
 * track id, track JSON ('' = nothing found: only mark the track followed), guild.
 * Returns 'lease-lost', 'off', 'not-playing', 'not-empty', 'moved-on' (the newest history entry is
 * another track), 'already-followed', 'queued' or 'marked'.
 */
export const AUTOPLAY_ENQUEUE_LUA = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return 'lease-lost'
end
local on = redis.call('HGET', KEYS[4], 'autoplay')
if on ~= '1' and on ~= 'true' then
  return 'off'
end
if redis.call('GET', KEYS[5]) ~= 'playing' then
  return 'not-playing'
end
if redis.call('LLEN', KEYS[1]) > 0 then
  return 'not-empty'
end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  return 'moved-on'
end
local ok, entry = pcall(cjson.decode, head)
if not ok or type(entry) ~= 'table' or type(entry.track) ~= 'table' or entry.track.id ~= ARGV[2] then
  return 'moved-on'
end
if redis.call('GET', KEYS[6]) == ARGV[2] then
  return 'already-followed'
end
redis.call('SET', KEYS[6], ARGV[2])
if ARGV[3] == '' then
  return 'marked'
end
redis.call('RPUSH', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[7], ARGV[4])
return 'queued'
`;

const Reply = t.keyof({ 'lease-lost': null, off: null, 'not-playing': null, 'not-empty': null, 'moved-on': null, 'already-followed': null, queued: null, marked: null });
export type AutoplayWriteResult = t.TypeOf<typeof Reply> | 'invalid';

const registered = new WeakSet<Redis>();

export class AutoplayStore {
  constructor(private readonly redis: Redis) {
    if (!registered.has(redis)) {
      redis.defineCommand('hiqtyAutoplayEnqueue', { numberOfKeys: 7, lua: AUTOPLAY_ENQUEUE_LUA });
      registered.add(redis);
    }
  }

  /** The history track autoplay last followed in this guild, if any. */
  followed(guild: string): Promise<string | null> {
    return this.redis.get(autoplayKey(guild));
  }

  /**
   * Queues `track` (or, with none, only records that `followedTrackId` was followed) if nothing changed
   * since autoplay decided: see AUTOPLAY_ENQUEUE_LUA. Fenced by the lease.
   */
  async enqueue(guild: string, followedTrackId: string, track: Track | undefined, lease: Lease): Promise<AutoplayWriteResult> {
    if (lease.guild !== guild) throw new Error(`lease of guild ${lease.guild} used for guild ${guild}`);
    if (track !== undefined && isLeft(decode(Track, track))) return 'invalid';
    const k = guildKeys(guild);
    const raw = await this.redis.hiqtyAutoplayEnqueue(
      k.playlist,
      historyKey(guild),
      k.player_lock,
      k.settings,
      k.state,
      autoplayKey(guild),
      GUILDS_KEY,
      lease.value,
      followedTrackId,
      track === undefined ? '' : JSON.stringify(track),
      guild,
    );
    const decoded = decode(Reply, raw);
    if (isLeft(decoded)) throw new Error(`autoplay-enqueue script replied ${JSON.stringify(raw)}: ${decoded.left.join('; ')}`);
    return decoded.right;
  }
}
