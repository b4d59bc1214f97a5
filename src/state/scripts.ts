/**
 * The Lua scripts behind every multi-step change, registered on a client with ioredis defineCommand
 * (EVALSHA, falling back to EVAL on NOSCRIPT, also inside pipelines and after a Redis restart).
 *
 * Rules for every script:
 * - All keys arrive in KEYS; nothing builds key names in Lua.
 * - Entries are decoded with pcall(cjson.decode, ...): a corrupt entry is "not a match", never a script error.
 * - Tracks are never re-encoded with cjson (it would round numbers to 14 digits and turn [] into {}):
 *   when a script needs a track under a new id, the caller computes that JSON and passes it with the exact
 *   bytes it expects to replace, and the script refuses with 'changed' if they differ.
 * - Nothing random happens in Lua; randomness (shuffle, ids, tombstones) comes from the caller.
 */
import type { Redis, RedisKey, RedisValue, Result } from 'ioredis';

type Arg = RedisKey | RedisValue;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hiqtyClaim(...args: Arg[]): Result<unknown, Context>;
    hiqtyRenew(...args: Arg[]): Result<unknown, Context>;
    hiqtyRelease(...args: Arg[]): Result<unknown, Context>;
    hiqtyEnqueue(...args: Arg[]): Result<unknown, Context>;
    hiqtyPopHead(...args: Arg[]): Result<unknown, Context>;
    hiqtyWriteStatus(...args: Arg[]): Result<unknown, Context>;
    hiqtyIsIdle(...args: Arg[]): Result<unknown, Context>;
    hiqtyRemoveAt(...args: Arg[]): Result<unknown, Context>;
    hiqtyMove(...args: Arg[]): Result<unknown, Context>;
    hiqtyShuffle(...args: Arg[]): Result<unknown, Context>;
    hiqtyQuarantine(...args: Arg[]): Result<unknown, Context>;
    hiqtyRequeue(...args: Arg[]): Result<unknown, Context>;
    hiqtyForget(...args: Arg[]): Result<unknown, Context>;
    hiqtyQueuePage(...args: Arg[]): Result<unknown, Context>;
    hiqtyReplaceHead(...args: Arg[]): Result<unknown, Context>;
    hiqtyCompareAndSet(...args: Arg[]): Result<unknown, Context>;
    hiqtyEnqueueAndPlay(...args: Arg[]): Result<unknown, Context>;
    hiqtyTakeToken(...args: Arg[]): Result<unknown, Context>;
    hiqtyCacheSet(...args: Arg[]): Result<unknown, Context>;
    hiqtyPrevious(...args: Arg[]): Result<unknown, Context>;
    hiqtySkipTo(...args: Arg[]): Result<unknown, Context>;
  }
}

/**
 * KEYS: lock, epoch, quarantine, status. ARGV: instance, ttlMs.
 * Claims when the lock is absent, names this instance (a restart under the same id takes its own stale
 * lock over at once), or has no expiry (claims always set PX, so such a value was written by hand and
 * would otherwise wedge the guild forever).
 * Returns {'claimed', value, epoch, replacedValue or ''} or {'held', value, pttl}.
 * A corrupt epoch is quarantined and restarted from the server time in ms: larger than any counter a
 * guild reaches, so no lock value of the past can be issued again.
 * The new epoch is the largest of INCR's result, the status's epoch + 1 and the replaced lock's epoch + 1:
 * a failover that lost the last claim's INCR (but kept the status a later write made, or the lock) can
 * never hand that epoch out again. A failover that lost all three may repeat an epoch number, but then
 * the value belongs to a claim nobody can still act on: its holder's renewals find no lock and it stops
 * (README, "Redis failover").
 */
export const CLAIM_LUA = `
local current = redis.call('GET', KEYS[1])
local replaced = ''
if current then
  local holder = string.match(current, '^(.+):%d+$')
  local pttl = redis.call('PTTL', KEYS[1])
  if holder ~= ARGV[1] and pttl >= 0 then
    return {'held', current, pttl}
  end
  replaced = current
end
local raw = redis.call('GET', KEYS[2])
if raw and not (string.match(raw, '^%d+$') and #raw <= 15) then
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('RPUSH', KEYS[3], cjson.encode({raw = raw, reason = 'epoch: not a non-negative integer; restarted from the server time in ms', at = nowMs, source = 'epoch'}))
  redis.call('SET', KEYS[2], string.format('%d', nowMs))
end
local epoch = redis.call('INCR', KEYS[2])
local floor = 0
if replaced ~= '' then
  floor = tonumber(string.match(replaced, ':(%d+)$') or '0') or 0
end
local status = redis.call('GET', KEYS[4])
if status then
  local ok, decoded = pcall(cjson.decode, status)
  if ok and type(decoded) == 'table' and type(decoded.epoch) == 'number' and decoded.epoch > floor then
    floor = decoded.epoch
  end
end
if floor + 1 > epoch and floor < 1e15 then
  epoch = floor + 1
  redis.call('SET', KEYS[2], string.format('%d', epoch))
end
local value = ARGV[1] .. ':' .. string.format('%d', epoch)
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {'claimed', value, epoch, replaced}
`;

/** KEYS: lock. ARGV: value, ttlMs. Compare-and-PEXPIRE: 1 renewed, 0 the lock is gone or someone else's. */
export const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lock. ARGV: value. Compare-and-DEL: 1 released, 0 it was not ours any more. */
export const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * Tracks per RPUSH/LPUSH inside the enqueue scripts (1000). One push per track made a 10,000-track
 * playlist 10,000 commands; one push of all would pass them through Lua's unpack, whose C stack takes
 * about 8000 values (LUAI_MAXCSTACK) before "too many results to unpack".
 */
export const PUSH_CHUNK = 1000;

/**
 * The enqueue step shared by ENQUEUE_LUA and ENQUEUE_AND_PLAY_LUA, as a Lua function:
 * enqueue(playlistKey, guildsKey, guild, next ('1'/'0'), maxLength ('' = none), maxPerUser ('' = none),
 * tracks (JSONs), requesters (ids, '' = none)).
 * Limits count every entry including the head (the current track); entries without a decodable
 * requester count for nobody. `next` inserts right after the head (at the head of an empty queue).
 * Returns {'enqueued', firstPosition} or {'queue-full', limit} or {'user-limit', limit}.
 */
const ENQUEUE_FUNCTION = `
local PUSH_CHUNK = ${PUSH_CHUNK}
local function enqueue(playlistKey, guildsKey, guild, nextFlag, maxLengthArg, maxPerUserArg, tracks, requesters)
  local n = #tracks
  local maxLength = tonumber(maxLengthArg)
  local maxPerUser = tonumber(maxPerUserArg)
  local length = redis.call('LLEN', playlistKey)
  if maxLength and length + n > maxLength then
    return {'queue-full', maxLength}
  end
  if maxPerUser then
    local wanted = {}
    local any = false
    for i = 1, n do
      local who = requesters[i]
      if who ~= '' then
        wanted[who] = (wanted[who] or 0) + 1
        any = true
      end
    end
    if any then
      for _, raw in ipairs(redis.call('LRANGE', playlistKey, 0, -1)) do
        local ok, entry = pcall(cjson.decode, raw)
        if ok and type(entry) == 'table' and type(entry.requester) == 'table' then
          local who = entry.requester.id
          if type(who) == 'string' and wanted[who] then
            wanted[who] = wanted[who] + 1
          end
        end
      end
      for _, count in pairs(wanted) do
        if count > maxPerUser then
          return {'user-limit', maxPerUser}
        end
      end
    end
  end
  local first = length
  if nextFlag == '1' and length > 0 then
    -- LPUSH a, b, c leaves c first: the chunks go from the last track back, each reversed.
    local head = redis.call('LPOP', playlistKey)
    local hi = n
    while hi >= 1 do
      local lo = math.max(1, hi - PUSH_CHUNK + 1)
      local chunk = {}
      for i = hi, lo, -1 do
        chunk[#chunk + 1] = tracks[i]
      end
      redis.call('LPUSH', playlistKey, unpack(chunk))
      hi = lo - 1
    end
    redis.call('LPUSH', playlistKey, head)
    first = 1
  else
    for lo = 1, n, PUSH_CHUNK do
      redis.call('RPUSH', playlistKey, unpack(tracks, lo, math.min(n, lo + PUSH_CHUNK - 1)))
    end
  end
  redis.call('SADD', guildsKey, guild)
  return {'enqueued', first}
end
local function slice(from, count)
  local out = {}
  for i = 1, count do
    out[i] = ARGV[from + i - 1]
  end
  return out
end
`;

/**
 * KEYS: playlist, guilds. ARGV: guild, next ('1'/'0'), maxLength ('' = none), maxPerUser ('' = none), n,
 * then n track JSONs, then n requester ids ('' = none). See ENQUEUE_FUNCTION for the reply.
 */
export const ENQUEUE_LUA = `${ENQUEUE_FUNCTION}
local n = tonumber(ARGV[5])
return enqueue(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], slice(6, n), slice(6 + n, n))
`;

/**
 * /play's whole write in one step. KEYS: playlist, guilds, settings, channel, text_channel, state.
 * ARGV: guild, next ('1'/'0'), maxLength ('' = none), maxPerUser ('' = none), the settings' raw max_queue
 * and max_per_user as the caller decoded them ('=' .. value, or '-' when absent), channel ('' = keep the
 * guild's), textChannel ('' = none; only set when the guild has none), n, then n track JSONs, then n
 * requester ids.
 * The limits come from settings the caller decoded with io-ts; the script refuses with 'changed' when
 * those fields are not the bytes it decoded any more (so the limits checked are the current ones).
 * Then: enqueue within the limits, the channel before the state (the player must never see `playing`
 * with the old channel), the text channel if absent, `playing`, the guild index.
 * Returns the enqueue reply, {'no-channel', 0} (no channel given and none set) or {'changed', 0}.
 */
export const ENQUEUE_AND_PLAY_LUA = `${ENQUEUE_FUNCTION}
local function raw(field)
  local v = redis.call('HGET', KEYS[3], field)
  if v then
    return '=' .. v
  end
  return '-'
end
if raw('max_queue') ~= ARGV[5] or raw('max_per_user') ~= ARGV[6] then
  return {'changed', 0}
end
if ARGV[7] == '' and redis.call('EXISTS', KEYS[4]) == 0 then
  return {'no-channel', 0}
end
local n = tonumber(ARGV[9])
local r = enqueue(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], slice(10, n), slice(10 + n, n))
if r[1] ~= 'enqueued' then
  return r
end
if ARGV[7] ~= '' then
  redis.call('SET', KEYS[4], ARGV[7])
end
if ARGV[8] ~= '' then
  redis.call('SET', KEYS[5], ARGV[8], 'NX')
end
redis.call('SET', KEYS[6], 'playing')
return r
`;

/**
 * KEYS: playlist, settings, lock, history. ARGV: trackId, expectedHeadJson, headJsonUnderNewId, fence ('' = unfenced),
 * honourTrackLoop ('1'/'0'), now (ms), history length.
 * Removes the head only if its id is trackId, so two calls for the same ended track remove one entry.
 * A head that leaves (popped, or moved to the back by loop queue) is pushed onto the history, wrapped
 * as {playedAt, track}; a track that loops on itself is not, or one song would fill it.
 * The loop mode is read here, in the same atomic step: track (when honoured) replaces the head by the
 * new-id copy, queue pops it and appends the new-id copy, anything else (off, absent, garbage) pops it.
 * The new id makes the player restart the track from 0: a status naming the old id never resumes it mid-way.
 * Returns 'lease-lost', 'not-head', 'changed' (the head has the id but other bytes: read again),
 * 'advanced', 'looped-track' or 'looped-queue'.
 */
export const POP_HEAD_LUA = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[4] then
  return 'lease-lost'
end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  return 'not-head'
end
local ok, entry = pcall(cjson.decode, head)
if not ok or type(entry) ~= 'table' or entry.id ~= ARGV[1] then
  return 'not-head'
end
if head ~= ARGV[2] then
  return 'changed'
end
local loop = redis.call('HGET', KEYS[2], 'loop')
if loop == 'track' and ARGV[5] == '1' then
  redis.call('LSET', KEYS[1], 0, ARGV[3])
  return 'looped-track'
end
redis.call('LPOP', KEYS[1])
redis.call('LPUSH', KEYS[4], '{"playedAt":' .. ARGV[6] .. ',"track":' .. head .. '}')
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[7]) - 1)
if loop == 'queue' then
  redis.call('RPUSH', KEYS[1], ARGV[3])
  return 'looped-queue'
end
return 'advanced'
`;

/** KEYS: lock, status. ARGV: lock value, status JSON. Fenced SET: 1 written, 0 the lock is not ours. */
export const WRITE_STATUS_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/**
 * KEYS: channel, state, settings, playlist, history, autoplay marker of each guild, six per guild (numkeys
 * is the caller's, so a resync slice asks about its guilds in one call). Returns one flag per guild: 1 when
 * the guild surely wants no player: no channel, or `stopped` or an empty queue, and `stay` plainly off.
 * An empty queue is not idle while autoplay is on, the guild wants `playing` and the newest history entry
 * is not the track autoplay last followed: the track after it is still to be queued (after a crash or a
 * hand-over between the end of a track and autoplay's write). Anything it cannot read plainly (a wrong
 * type, an odd `stay`) answers 0, so the full snapshot reads and reports it.
 */
export const IS_IDLE_LUA = `
local function kind(key) return redis.call('TYPE', key).ok end
local function plain(key, expected) local k = kind(key) return k == 'none' or k == expected end
local function autoplayDue(settings, wanted, history, followed)
  local auto = redis.call('HGET', settings, 'autoplay')
  if (auto ~= '1' and auto ~= 'true') or wanted ~= 'playing' then return false end
  if not (plain(history, 'list') and plain(followed, 'string')) then return true end
  local head = redis.call('LINDEX', history, 0)
  if not head then return false end
  local ok, entry = pcall(cjson.decode, head)
  if not ok or type(entry) ~= 'table' or type(entry.track) ~= 'table' then return false end
  return entry.track.id ~= redis.call('GET', followed)
end
local function idle(channel, state, settings, playlist, history, followed)
  if not (plain(channel, 'string') and plain(state, 'string') and plain(settings, 'hash') and plain(playlist, 'list')) then return 0 end
  if redis.call('EXISTS', channel) == 0 then return 1 end
  local stay = redis.call('HGET', settings, 'stay')
  if stay ~= false and stay ~= '0' and stay ~= 'false' then return 0 end
  local wanted = redis.call('GET', state)
  if wanted == false or wanted == 'stopped' then return 1 end
  if redis.call('LLEN', playlist) == 0 then
    if autoplayDue(settings, wanted, history, followed) then return 0 end
    return 1
  end
  return 0
end
local flags = {}
for i = 1, #KEYS - 5, 6 do flags[#flags + 1] = idle(KEYS[i], KEYS[i + 1], KEYS[i + 2], KEYS[i + 3], KEYS[i + 4], KEYS[i + 5]) end
return flags
`;

/**
 * KEYS: list. ARGV: index (0-based), tombstone (a value unique to this call).
 * LSET to the tombstone then LREM it: removes exactly that position even if another entry has the same bytes.
 * Returns {'removed', raw} or {'out-of-range', length}.
 */
export const REMOVE_AT_LUA = `
local length = redis.call('LLEN', KEYS[1])
local i = tonumber(ARGV[1])
if not i or i < 0 or i >= length then
  return {'out-of-range', length}
end
local raw = redis.call('LINDEX', KEYS[1], i)
redis.call('LSET', KEYS[1], i, ARGV[2])
redis.call('LREM', KEYS[1], 1, ARGV[2])
return {'removed', raw}
`;

/**
 * KEYS: playlist. ARGV: from, to (0-based; after the move the entry is at index to), tombstone1, tombstone2.
 * Returns {'moved', raw} or {'out-of-range', length}.
 */
export const MOVE_LUA = `
local length = redis.call('LLEN', KEYS[1])
local from = tonumber(ARGV[1])
local to = tonumber(ARGV[2])
if not from or not to or from < 0 or from >= length or to < 0 or to >= length then
  return {'out-of-range', length}
end
local raw = redis.call('LINDEX', KEYS[1], from)
if from == to then
  return {'moved', raw}
end
redis.call('LSET', KEYS[1], from, ARGV[3])
redis.call('LREM', KEYS[1], 1, ARGV[3])
if to == 0 then
  redis.call('LPUSH', KEYS[1], raw)
elseif to >= length - 1 then
  redis.call('RPUSH', KEYS[1], raw)
else
  local pivot = redis.call('LINDEX', KEYS[1], to)
  redis.call('LSET', KEYS[1], to, ARGV[4])
  redis.call('LINSERT', KEYS[1], 'BEFORE', ARGV[4], raw)
  redis.call('LSET', KEYS[1], to + 1, pivot)
end
return {'moved', raw}
`;

/**
 * KEYS: playlist. ARGV: random integers in [0, 2^31), at least one per entry after the head.
 * Fisher-Yates over everything after the head; the head (the current track) stays in place.
 * Returns {'shuffled', count} or {'retry', count} when the queue outgrew the random numbers sent.
 */
export const SHUFFLE_LUA = `
local items = redis.call('LRANGE', KEYS[1], 1, -1)
local n = #items
if n > #ARGV then
  return {'retry', n}
end
if n < 2 then
  return {'shuffled', n}
end
for i = n, 2, -1 do
  local j = (tonumber(ARGV[i]) % i) + 1
  items[i], items[j] = items[j], items[i]
end
redis.call('LTRIM', KEYS[1], 0, 0)
-- unpack has a stack limit of a few thousand values: push in chunks.
for s = 1, n, 500 do
  redis.call('RPUSH', KEYS[1], unpack(items, s, math.min(s + 499, n)))
end
return {'shuffled', n}
`;

/**
 * KEYS: playlist, quarantine, lock. ARGV: raw entry, quarantine entry JSON, fence ('' = unfenced), max entries.
 * Moves the first entry equal to raw into the quarantine; the rest of the queue keeps its order.
 * Returns 'quarantined', 'not-found' (someone removed it first) or 'lease-lost'.
 */
export const QUARANTINE_LUA = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then
  return 'lease-lost'
end
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 'not-found'
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
return 'quarantined'
`;

/**
 * KEYS: quarantine, playlist, guilds. ARGV: index, expected entry JSON, track JSON, guild, tombstone.
 * Takes the entry at index out of the quarantine and appends its track, if the entry is still the one the
 * caller decoded. Returns 'requeued' or 'changed'.
 */
export const REQUEUE_LUA = `
if redis.call('LINDEX', KEYS[1], tonumber(ARGV[1])) ~= ARGV[2] then
  return 'changed'
end
redis.call('LSET', KEYS[1], tonumber(ARGV[1]), ARGV[5])
redis.call('LREM', KEYS[1], 1, ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 'requeued'
`;

/**
 * KEYS: playlist, settings, channel, guilds. ARGV: guild.
 * A guild keeps its place in the index while its queue is not empty, or while it should stay in its
 * channel (stay on and a channel set). Returns 'kept-queue', 'kept-stay', 'forgotten' or 'not-indexed'.
 */
export const FORGET_LUA = `
if redis.call('LLEN', KEYS[1]) > 0 then
  return 'kept-queue'
end
local stay = redis.call('HGET', KEYS[2], 'stay')
if (stay == '1' or stay == 'true') and redis.call('EXISTS', KEYS[3]) == 1 then
  return 'kept-stay'
end
if redis.call('SREM', KEYS[4], ARGV[1]) == 1 then
  return 'forgotten'
end
return 'not-indexed'
`;

/**
 * KEYS: playlist. ARGV: expected head JSON, new head JSON.
 * Replaces the head only if it still has exactly the bytes the caller decoded (a seek writes a copy of
 * the head under a new id). Returns 'replaced', 'changed' or 'empty'.
 */
export const REPLACE_HEAD_LUA = `
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  return 'empty'
end
if head ~= ARGV[1] then
  return 'changed'
end
redis.call('LSET', KEYS[1], 0, ARGV[2])
return 'replaced'
`;

/**
 * KEYS: key. ARGV: expected value ('' = the key must be absent), new value ('' = delete), ttl ms ('' = none).
 * Compare-and-set of a plain string. Returns 1 when written, 0 when the value was not the expected one.
 */
export const COMPARE_AND_SET_LUA = `
local current = redis.call('GET', KEYS[1])
if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and current ~= ARGV[1]) then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
elseif ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1
`;

/**
 * A token bucket as GCRA (the generic cell rate algorithm): the key holds one integer, the theoretical
 * arrival time (ms, Redis server time) at which the bucket is full again. KEYS: key.
 * ARGV: intervalMs (one token comes back every interval), burst (the bucket's size), cost (1 takes a
 * token, 0 only asks whether one is there).
 * The time is Redis's own (TIME), so instances whose clocks disagree still share one bucket.
 * A value that is not a number counts as a full bucket; one beyond what any use can reach (written by
 * hand, or under a longer interval) counts as an empty one, so it cannot block anyone for longer.
 * Returns {1, 0, tokens left} or {0, retryAfterMs, 0}.
 * Known limit: a write after TIME needs effect replication, the default since Redis 5 (as in CLAIM_LUA).
 */
export const TAKE_TOKEN_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local horizon = interval * burst
local tat = tonumber(redis.call('GET', KEYS[1]) or '')
if not tat or tat < now then
  tat = now
elseif tat > now + horizon then
  tat = now + horizon
end
local nextTat = tat + interval
local excess = nextTat - (now + horizon)
if excess > 0 then
  return {0, excess, 0}
end
if cost > 0 then
  redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', string.format('%d', nextTat - now))
end
return {1, 0, math.floor((now + horizon - nextTat) / interval)}
`;

/**
 * One page of the queue and its totals, without sending the whole list. KEYS: playlist. ARGV: start
 * (0-based), count. Returns {length, knownDurationMs, knownCount, raw entries of the page...}, where the
 * durations are summed (durationMs - startMs) over entries that are JSON objects with a numeric
 * durationMs. Known limit: the totals decode every entry inside Redis (about 1 ms per 1000 entries),
 * which blocks the server that long; a queue is capped by max_queue.
 */
export const QUEUE_PAGE_LUA = `
local length = redis.call('LLEN', KEYS[1])
local sum = 0
local known = 0
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' and type(entry.durationMs) == 'number' then
    local from = 0
    if type(entry.startMs) == 'number' then
      from = entry.startMs
    end
    sum = sum + entry.durationMs - from
    known = known + 1
  end
end
local start = tonumber(ARGV[1])
local page = redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
local out = {length, string.format('%d', sum), known}
for i = 1, #page do
  out[3 + i] = page[i]
end
return out
`;

/**
 * KEYS: entry, index (a sorted set of entry keys scored by expiry). ARGV: value, ttlMs, maxEntries.
 * Sets the entry with its TTL and indexes it; drops index members already expired, then deletes the
 * entries closest to expiring while the index is over maxEntries. Returns how many it evicted.
 */
export const CACHE_SET_LUA = `
local ttl = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local now = redis.call('TIME')
-- Microseconds kept: entries written in the same millisecond still expire in the order they came.
local nowMs = tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], nowMs + ttl, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)
local over = redis.call('ZCARD', KEYS[2]) - max
if over <= 0 then return 0 end
local oldest = redis.call('ZRANGE', KEYS[2], 0, over - 1)
for _, key in ipairs(oldest) do redis.call('DEL', key) end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
return over
`;

/**
 * /previous: the newest history entry back at the head, playing. KEYS: history, playlist, guilds, settings,
 * channel, text_channel, state. ARGV: expected raw history entry (the newest, as the caller decoded it), the
 * entry's track JSON under a new id, expected raw head ('' = leave the head alone), the head's replacement
 * (the interrupted track under a new id with startMs at its position), guild, maxLength ('' = none), the
 * settings' raw max_queue as the caller decoded it ('=' .. value, or '-'), channel ('' = keep the guild's),
 * text channel ('' = none; set only when the guild has none).
 * The entry leaves the history (it is pushed again when it ends, so repeated calls walk back through it) and
 * goes in front of the current track, which stays right after it. The queue limit counts the entry;
 * max_per_user does not apply (the track keeps its requester, who already had it queued once).
 * Returns {'restored', 0}, {'empty', 0}, {'changed', 0} (the history, the head or max_queue is not what the
 * caller read: read again), {'no-channel', 0} or {'queue-full', limit}.
 */
export const PREVIOUS_LUA = `
local top = redis.call('LINDEX', KEYS[1], 0)
if not top then
  return {'empty', 0}
end
if top ~= ARGV[1] then
  return {'changed', 0}
end
local head = redis.call('LINDEX', KEYS[2], 0)
if ARGV[3] ~= '' and head ~= ARGV[3] then
  return {'changed', 0}
end
local maxQueue = redis.call('HGET', KEYS[4], 'max_queue')
if (maxQueue and ('=' .. maxQueue) or '-') ~= ARGV[7] then
  return {'changed', 0}
end
if ARGV[8] == '' and redis.call('EXISTS', KEYS[5]) == 0 then
  return {'no-channel', 0}
end
local maxLength = tonumber(ARGV[6])
if maxLength and redis.call('LLEN', KEYS[2]) + 1 > maxLength then
  return {'queue-full', maxLength}
end
redis.call('LPOP', KEYS[1])
if ARGV[3] ~= '' then
  redis.call('LSET', KEYS[2], 0, ARGV[4])
end
redis.call('LPUSH', KEYS[2], ARGV[2])
if ARGV[8] ~= '' then
  redis.call('SET', KEYS[5], ARGV[8])
end
if ARGV[9] ~= '' then
  redis.call('SET', KEYS[6], ARGV[9], 'NX')
end
redis.call('SET', KEYS[7], 'playing')
redis.call('SADD', KEYS[3], ARGV[5])
return {'restored', 0}
`;

/**
 * /skipto: the entry at a 0-based index becomes the head. KEYS: playlist, history, settings. ARGV: index,
 * expected raw head, expected raw entry at index, head JSON under a new id, now (ms), history length.
 * Refuses with 'changed' unless the head and the target are still the bytes the caller read.
 * The head goes to the history like a skip (it was playing); the entries between it and the target were
 * never played and do not. With loop queue everything skipped over goes to the back in its order (the head
 * under its new id), as repeated skips would have put it; otherwise it is dropped.
 * Returns {'skipped', dropped} or {'requeued', dropped} (loop queue), {'changed', 0} or {'out-of-range', length}.
 */
export const SKIP_TO_LUA = `
local length = redis.call('LLEN', KEYS[1])
local index = tonumber(ARGV[1])
if not index or index < 1 or index >= length then
  return {'out-of-range', length}
end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] or redis.call('LINDEX', KEYS[1], index) ~= ARGV[3] then
  return {'changed', 0}
end
local skipped = redis.call('LRANGE', KEYS[1], 0, index - 1)
redis.call('LTRIM', KEYS[1], index, -1)
redis.call('LPUSH', KEYS[2], '{"playedAt":' .. ARGV[5] .. ',"track":' .. ARGV[2] .. '}')
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[6]) - 1)
if redis.call('HGET', KEYS[3], 'loop') == 'queue' then
  skipped[1] = ARGV[4]
  for s = 1, #skipped, 500 do
    redis.call('RPUSH', KEYS[1], unpack(skipped, s, math.min(s + 499, #skipped)))
  end
  return {'requeued', index}
end
return {'skipped', index}
`;

const SCRIPTS = {
  hiqtyQueuePage: { numberOfKeys: 1, lua: QUEUE_PAGE_LUA },
  hiqtyClaim: { numberOfKeys: 4, lua: CLAIM_LUA },
  hiqtyRenew: { numberOfKeys: 1, lua: RENEW_LUA },
  hiqtyRelease: { numberOfKeys: 1, lua: RELEASE_LUA },
  hiqtyEnqueue: { numberOfKeys: 2, lua: ENQUEUE_LUA },
  hiqtyPopHead: { numberOfKeys: 4, lua: POP_HEAD_LUA },
  hiqtyWriteStatus: { numberOfKeys: 2, lua: WRITE_STATUS_LUA },
  // numkeys is the first argument: six per guild asked about.
  hiqtyIsIdle: { lua: IS_IDLE_LUA },
  hiqtyRemoveAt: { numberOfKeys: 1, lua: REMOVE_AT_LUA },
  hiqtyMove: { numberOfKeys: 1, lua: MOVE_LUA },
  hiqtyShuffle: { numberOfKeys: 1, lua: SHUFFLE_LUA },
  hiqtyQuarantine: { numberOfKeys: 3, lua: QUARANTINE_LUA },
  hiqtyRequeue: { numberOfKeys: 3, lua: REQUEUE_LUA },
  hiqtyForget: { numberOfKeys: 4, lua: FORGET_LUA },
  hiqtyReplaceHead: { numberOfKeys: 1, lua: REPLACE_HEAD_LUA },
  hiqtyCompareAndSet: { numberOfKeys: 1, lua: COMPARE_AND_SET_LUA },
  hiqtyEnqueueAndPlay: { numberOfKeys: 6, lua: ENQUEUE_AND_PLAY_LUA },
  hiqtyTakeToken: { numberOfKeys: 1, lua: TAKE_TOKEN_LUA },
  hiqtyCacheSet: { numberOfKeys: 2, lua: CACHE_SET_LUA },
  hiqtyPrevious: { numberOfKeys: 7, lua: PREVIOUS_LUA },
  hiqtySkipTo: { numberOfKeys: 3, lua: SKIP_TO_LUA },
} as const;


const registered = new WeakSet<Redis>();

/** Defines every hiqty script on the client once; safe to call from every constructor. */
export function registerScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const [name, definition] of Object.entries(SCRIPTS)) redis.defineCommand(name, definition);
  registered.add(redis);
}
