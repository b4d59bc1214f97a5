/**
 * The Lua scripts behind saved playlists (src/state/playlists.ts), registered like src/state/scripts.ts
 * (ioredis defineCommand: EVALSHA with EVAL on NOSCRIPT). They follow the rules written there: keys in
 * KEYS, values JSON built by the caller (never re-encoded with cjson), and every change compared against
 * the exact bytes the caller read, so a concurrent writer makes the script answer 'changed' instead of
 * being overwritten. The limits (playlists per owner, tracks per playlist) are checked inside the
 * script, so concurrent saves cannot exceed them.
 */
import type { Redis, RedisKey, RedisValue, Result } from 'ioredis';

type Arg = RedisKey | RedisValue;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hiqtyPlaylistPut(...args: Arg[]): Result<unknown, Context>;
    hiqtyPlaylistRename(...args: Arg[]): Result<unknown, Context>;
    hiqtyPlaylistQuarantine(...args: Arg[]): Result<unknown, Context>;
  }
}

/**
 * The number of tracks in a playlist's JSON as Lua sees it, or -1 when it is not one (the caller's codec
 * rejects such values first; this is what keeps a hand-made call from passing the limit).
 */
const TRACK_COUNT_FUNCTION = `
local function trackCount(raw)
  local ok, value = pcall(cjson.decode, raw)
  if not ok or type(value) ~= 'table' or type(value.tracks) ~= 'table' then return -1 end
  return #value.tracks
end
`;

/**
 * KEYS: playlists hash. ARGV: field, expected ('' = the field must be absent: a new playlist), value,
 * maxPlaylists, maxTracks.
 * Returns 'saved', 'exists' (expected '' but the field is there), 'changed' (the field is not the
 * expected bytes), 'too-many' (a new playlist beyond maxPlaylists), 'too-long' (more than maxTracks),
 * or 'invalid' (the value is not a playlist object).
 */
export const PLAYLIST_PUT_LUA = `${TRACK_COUNT_FUNCTION}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  if current then return 'exists' end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 'too-many' end
elseif current ~= ARGV[2] then
  return 'changed'
end
local count = trackCount(ARGV[3])
if count < 0 then return 'invalid' end
if count > tonumber(ARGV[5]) then return 'too-long' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 'saved'
`;

/**
 * KEYS: playlists hash. ARGV: old field, new field, expected old value, new value.
 * Moves a playlist to another name (or rewrites it under the same field, for a change of case only).
 * Returns 'renamed', 'not-found', 'changed' or 'exists' (another playlist has the new name).
 */
export const PLAYLIST_RENAME_LUA = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'not-found' end
if current ~= ARGV[3] then return 'changed' end
if ARGV[1] ~= ARGV[2] then
  if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 'exists' end
  redis.call('HDEL', KEYS[1], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return 'renamed'
`;

/**
 * KEYS: playlists hash, its quarantine list. ARGV: field, expected value, quarantine entry JSON, max entries.
 * Moves an undecodable playlist out of the hash into the quarantine (the newest last, the oldest trimmed
 * beyond max entries), only if it still has exactly the bytes that did not decode.
 * Returns 'quarantined' or 'changed'.
 */
export const PLAYLIST_QUARANTINE_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 'changed' end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
return 'quarantined'
`;

const SCRIPTS = {
  hiqtyPlaylistPut: { numberOfKeys: 1, lua: PLAYLIST_PUT_LUA },
  hiqtyPlaylistRename: { numberOfKeys: 1, lua: PLAYLIST_RENAME_LUA },
  hiqtyPlaylistQuarantine: { numberOfKeys: 2, lua: PLAYLIST_QUARANTINE_LUA },
} as const;

const registered = new WeakSet<Redis>();

/** Defines the playlist scripts on the client once; safe to call from every constructor. */
export function registerPlaylistScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const [name, definition] of Object.entries(SCRIPTS)) redis.defineCommand(name, definition);
  registered.add(redis);
}
