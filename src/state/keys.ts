/**
 * Key names of the Redis schema (DESIGN.md §2), the public contract that other interfaces write to.
 *
 * `{g}` in the design is a placeholder, not a Redis Cluster hash tag: the key of guild 123's queue is
 * `hiqty:server:123:playlist`. Known limit: scripts that touch a guild's keys and `hiqty:guilds` together
 * therefore need a single Redis (or a cluster with all hiqty keys on one node); Redis Cluster is unsupported.
 */

export const KEY_PREFIX = 'hiqty';

/** The per-guild key suffixes, in schema order. */
export const GUILD_KEY_KINDS = [
  'playlist',
  'state',
  'channel',
  'text_channel',
  'settings',
  'player_lock',
  'epoch',
  'status',
  'quarantine',
] as const;

export type GuildKeyKind = (typeof GUILD_KEY_KINDS)[number];

export type GuildKeys = { readonly [K in GuildKeyKind]: string };

/** Every key of one guild. The id is used verbatim; a colon in it would make guildIdFromKey ambiguous. */
export function guildKeys(guild: string): GuildKeys {
  const base = `${KEY_PREFIX}:server:${guild}`;
  return {
    playlist: `${base}:playlist`,
    state: `${base}:state`,
    channel: `${base}:channel`,
    text_channel: `${base}:text_channel`,
    settings: `${base}:settings`,
    player_lock: `${base}:player_lock`,
    epoch: `${base}:epoch`,
    status: `${base}:status`,
    quarantine: `${base}:quarantine`,
  };
}

/** The set of guild ids that have desired state: the index a full resync walks. */
export const GUILDS_KEY = `${KEY_PREFIX}:guilds`;

/** De-duplication marker of one Discord interaction (SET NX PX 15 min, DESIGN.md §7). */
export function interactionKey(interactionId: string): string {
  return `${KEY_PREFIX}:interaction:${interactionId}`;
}

/** Pattern matching every per-guild key, e.g. for a keyspace-notification PSUBSCRIBE. */
export const GUILD_KEY_PATTERN = `${KEY_PREFIX}:server:*`;

const KIND_SET: ReadonlySet<string> = new Set(GUILD_KEY_KINDS);

function isGuildKeyKind(s: string): s is GuildKeyKind {
  return KIND_SET.has(s);
}

/** The inverse of guildKeys, for keyspace notifications: which guild and which key, or undefined for other keys. */
export function parseGuildKey(key: string): { readonly guild: string; readonly kind: GuildKeyKind } | undefined {
  const match = /^hiqty:server:([^:]+):([a-z_]+)$/.exec(key);
  const guild = match?.[1];
  const kind = match?.[2];
  if (guild === undefined || kind === undefined || !isGuildKeyKind(kind)) return undefined;
  return { guild, kind };
}

/** The guild a per-guild key belongs to, or undefined when the key is not one of the schema's. */
export function guildIdFromKey(key: string): string | undefined {
  return parseGuildKey(key)?.guild;
}

/**
 * Keys the Responder keeps for itself (additions to the schema; none of them is desired state).
 * Per-user, so not under `hiqty:server:{g}`, and never matched by GUILD_KEY_PATTERN's parser.
 */
export function rateLimitKey(userId: string): string {
  return `${KEY_PREFIX}:ratelimit:${userId}`;
}

/** A REST API token bucket: per token (by its hash, never the token) or per client address (failed authentications). */
export function apiRateLimitKey(kind: 'token' | 'ip', id: string): string {
  return `${KEY_PREFIX}:api_ratelimit:${kind}:${id}`;
}

/** The members who voted to skip one track (a set, with a TTL: votes for a track that ended expire). */
export function skipVotesKey(guild: string, trackId: string): string {
  return `${KEY_PREFIX}:server:${guild}:skip_votes:${trackId}`;
}

/** The guild's one now-playing message: JSON `{channelId, messageId, trackId, signature, editedAt, ended}` (NpRecord). */
export function npMessageKey(guild: string): string {
  return `${KEY_PREFIX}:server:${guild}:np_message`;
}

/**
 * The guild's last played tracks, newest first (a list, at most HISTORY_LENGTH): each element is
 * `{"playedAt":ms,"track":<the queue entry's JSON as it was>}`. Written when a track leaves the head by
 * ending or by a skip (not by /remove, /clear or /stop). Not desired state: nothing reconciles on it.
 */
export function historyKey(guild: string): string {
  return `${KEY_PREFIX}:server:${guild}:history`;
}

/**
 * The id of the history track autoplay last followed (a string): written in the same script that queues
 * the related track (or finds none), so a track is followed once by the whole fleet, also after a crash,
 * a failover or a /clear. Not desired state: nothing reconciles on it.
 */
export function autoplayKey(guild: string): string {
  return `${KEY_PREFIX}:server:${guild}:autoplay`;
}

/**
 * The web dashboard's keys (issue 17), outside any guild's keys. Ids and OAuth2 states are random
 * secrets held by a browser: only their SHA-256 goes into key names, so reading the keys (a
 * `KEYS`, a monitoring tool) never hands anyone a way in.
 */
export function dashboardSessionKey(idHash: string): string {
  return `${KEY_PREFIX}:dashboard:session:${idHash}`;
}

/** A login under way: the OAuth2 state's hash → the PKCE verifier and the browser's nonce hash (10 min, read once). */
export function dashboardLoginKey(stateHash: string): string {
  return `${KEY_PREFIX}:dashboard:login:${stateHash}`;
}

/** The dashboard's token buckets: per session (by its id's hash) and per client address. */
export function dashboardRateLimitKey(kind: 'session' | 'ip', id: string): string {
  return `${KEY_PREFIX}:dashboard_ratelimit:${kind}:${id}`;
}
