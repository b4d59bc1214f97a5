/**
 * The environment, decoded once by one io-ts codec. Every variable has a default or is optional,
 * and a bad value is reported with its name, its value and what was expected (exit code 2).
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import ipaddr from 'ipaddr.js';
import * as t from 'io-ts';
import { isLeft, type Either, left, right } from 'fp-ts/Either';
import { describeErrors, intFromString, oneOf, optional, urlString, withDefault, NonEmptyString, Snowflake } from './codecs';
import { hostPort } from './media/address-policy';
import { formatHostPort, type HostPort } from './state/redis-endpoint';
import { DEFAULT_MAX_OPENING } from './media/open-gate';
import { NO_OVERRIDES, parseOriginOverrides, type OriginOverrides } from './media/origins';
import { DEFAULT_MAX_JOINING } from './voice/join-pacer';
import { DEFAULT_YOUTUBE_CLIENT_ORDER, defaultClientOrder, parseClientOrder, YOUTUBE_CLIENTS, type YoutubeClient } from './sources/youtube/clients';

/** `host:port` pairs that the SSRF guard lets through although they are private (tests' fixture servers). */
const HostPortList = new t.Type<readonly string[], string, unknown>(
  'a comma-separated list of host:port pairs, e.g. 127.0.0.1:8081,localhost:9000',
  (u): u is readonly string[] => Array.isArray(u) && u.every((s) => typeof s === 'string'),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const items = u.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const valid = items.every((item) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(item) && Number(item.slice(item.lastIndexOf(':') + 1)) <= 65535);
    return valid ? t.success(items.map((s) => s.toLowerCase())) : t.failure(u, c);
  },
  (a) => a.join(','),
);

const ServiceOrigins = new t.Type<OriginOverrides, string, unknown>(
  'comma-separated host=origin pairs, e.g. www.youtube.com=https://yt.mirror.example,*.googlevideo.com=http://127.0.0.1:9001',
  (u): u is OriginOverrides => Array.isArray(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const parsed = parseOriginOverrides(u);
    return 'ok' in parsed ? t.success(parsed.ok) : t.failure(u, c, parsed.error);
  },
  (overrides) => overrides.map((o) => `${o.host}=${o.origin.origin}`).join(','),
);

/** The InnerTube clients asked for a video's formats, in order (HIQTY_YOUTUBE_CLIENTS); none may need player JavaScript. */
const YoutubeClients = new t.Type<readonly YoutubeClient[], string, unknown>(
  `a comma-separated list of InnerTube clients that need no player JavaScript (${YOUTUBE_CLIENTS.filter((c) => !c.needsPlayerJs).map((c) => c.id).join(', ')})`,
  (u): u is readonly YoutubeClient[] => Array.isArray(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const parsed = parseClientOrder(u);
    return 'ok' in parsed ? t.success(parsed.ok) : t.failure(u, c, parsed.error);
  },
  (clients) => clients.map((c) => c.id).join(','),
);

/** Source names search may ask, in order (HIQTY_SEARCH_SOURCES). */
export const SEARCHABLE_SOURCES = ['youtube', 'youtube-music', 'soundcloud', 'bandcamp'] as const;
export type SearchableSource = (typeof SEARCHABLE_SOURCES)[number];

/** A comma-separated list of searchable sources, in order, with no repeats; `atLeast` of them. */
const sourceList = (atLeast: 0 | 1) =>
  new t.Type<readonly SearchableSource[], string, unknown>(
    `a comma-separated list of ${SEARCHABLE_SOURCES.join(', ')} (${atLeast === 1 ? 'at least one' : 'or empty'}, no repeats)`,
    (u): u is readonly SearchableSource[] => Array.isArray(u),
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c);
      const names = u.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
      const known = names.filter((n): n is SearchableSource => SEARCHABLE_SOURCES.some((s) => s === n));
      return names.length >= atLeast && known.length === names.length && new Set(known).size === known.length ? t.success(known) : t.failure(u, c);
    },
    (names) => names.join(','),
  );
const SearchSources = sourceList(1);
const FallbackSources = sourceList(0);

/**
 * The dashboard's public origin (HIQTY_DASHBOARD_URL): http(s)://host[:port] and nothing else, since
 * the redirect URI and the Origin check are built from it. A trailing slash is tolerated and dropped.
 */
const DashboardOrigin = new t.Type<string, string, unknown>(
  'an origin such as https://music.example.com or http://127.0.0.1:8080 (http or https, no path, query or fragment)',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    let url: URL;
    try {
      url = new URL(u.trim());
    } catch {
      return t.failure(u, c);
    }
    const bare = (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    return (url.protocol === 'http:' || url.protocol === 'https:') && bare && !/[?#]/.test(u) ? t.success(url.origin) : t.failure(u, c);
  },
  t.identity,
);

/**
 * Proxies whose X-Forwarded-For hiqty believes (HIQTY_TRUST_PROXY): addresses or CIDR ranges, comma
 * separated. Without them every request behind an Ingress comes from the controller's address, and the
 * per-address limits would count all users as one.
 */
const TrustedProxies = new t.Type<readonly string[], string, unknown>(
  'addresses or CIDR ranges, comma separated (e.g. 10.0.0.0/8,192.168.1.5)',
  (u): u is readonly string[] => Array.isArray(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const items = u.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const valid = items.every((item) => (item.includes('/') ? ipaddr.isValidCIDR(item) : ipaddr.isValid(item)));
    return valid ? t.success(items) : t.failure(u, c);
  },
  (items) => items.join(','),
);

/** REDIS_SENTINELS: `host:port,host:port` (IPv6 in brackets). */
const SentinelList = new t.Type<readonly HostPort[], string, unknown>(
  'a comma-separated list of Sentinel host:port pairs, e.g. sentinel-0:26379,sentinel-1:26379,sentinel-2:26379',
  (u): u is readonly HostPort[] => Array.isArray(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const items = u.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const parsed = items.map((item) => /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(item));
    const valid = parsed.every((m) => m !== null && Number(m[3]) >= 1 && Number(m[3]) <= 65535);
    return items.length > 0 && valid ? t.success(parsed.map((m) => ({ host: m?.[1] ?? m?.[2] ?? '', port: Number(m?.[3]) }))) : t.failure(u, c);
  },
  (list) => list.map(formatHostPort).join(','),
);

/** `true` or `false` (also 1/0, yes/no). */
const BooleanString = new t.Type<boolean, string, unknown>(
  'true or false',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    const v = typeof u === 'string' ? u.trim().toLowerCase() : '';
    if (v === 'true' || v === '1' || v === 'yes') return t.success(true);
    if (v === 'false' || v === '0' || v === 'no') return t.success(false);
    return t.failure(u, c);
  },
  String,
);

/**
 * REDIS_TLS_CA_FILE: a path, read at start so that a missing or garbled file is exit 2 rather than a
 * TLS failure later; the decoded value carries the PEM.
 */
const PemFile = new t.Type<{ readonly path: string; readonly pem: string }, string, unknown>(
  'a readable PEM file of CA certificates (-----BEGIN CERTIFICATE-----)',
  (u): u is { readonly path: string; readonly pem: string } => typeof u === 'object' && u !== null && 'pem' in u,
  (u, c) => {
    if (typeof u !== 'string' || u.trim() === '') return t.failure(u, c);
    try {
      const pem = readFileSync(u.trim(), 'utf8');
      return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem) ? t.success({ path: u.trim(), pem }) : t.failure(u, c);
    } catch {
      return t.failure(u, c);
    }
  },
  (f) => f.path,
);

/** The instance id goes into lock values as `{instance}:{epoch}`, so it may not contain a colon. */
const InstanceId = new t.Type<string, string, unknown>(
  'letters, digits, dot, underscore or dash (1 to 64 characters)',
  (u): u is string => typeof u === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** Where slash commands are registered at start-up. */
export type CommandsScope = { readonly kind: 'global' } | { readonly kind: 'guilds'; readonly ids: readonly string[] } | { readonly kind: 'off' };

const CommandsScope = new t.Type<CommandsScope, string, unknown>(
  'global, off, or guild:<id>[,<id>...] (Discord guild ids)',
  (u): u is CommandsScope => typeof u === 'object' && u !== null && 'kind' in u,
  (u, c) => {
    if (u === 'global') return t.success({ kind: 'global' });
    if (u === 'off') return t.success({ kind: 'off' });
    if (typeof u !== 'string' || !u.startsWith('guild:')) return t.failure(u, c);
    const ids = u.slice('guild:'.length).split(',').map((s) => s.trim());
    return ids.length > 0 && ids.every((id) => /^\d{1,20}$/.test(id)) ? t.success({ kind: 'guilds', ids }) : t.failure(u, c);
  },
  (scope) => (scope.kind === 'guilds' ? `guild:${scope.ids.join(',')}` : scope.kind),
);

/**
 * A token bucket: up to `burst` at once, then one more every `refillMs`. Written `10+1/2s` (a burst of 10,
 * plus 1 every 2 s) or `20+3/1m`; the older `5/10s` (5 per 10 s) still reads as a burst of 5 refilled at
 * the same average rate, 1 every 2 s.
 */
export interface RateLimit {
  readonly burst: number;
  readonly refillMs: number;
}

const PERIOD_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

function periodMs(amount: string, unit: string): number | undefined {
  return unit === 'ms' || unit === 's' || unit === 'm' || unit === 'h' ? Number(amount) * PERIOD_MS[unit] : undefined;
}

const RateLimit = new t.Type<RateLimit, string, unknown>(
  'a token bucket <burst>+<tokens>/<period>, e.g. 10+1/2s (a burst of 10, then 1 every 2 s) or 20+3/1m, or the older <count>/<period> such as 5/10s (burst and tokens 1 to 1000, period 1 ms to 1 h)',
  (u): u is RateLimit => typeof u === 'object' && u !== null && 'burst' in u && 'refillMs' in u,
  (u, c) => {
    const text = typeof u === 'string' ? u.trim() : '';
    const bucket = /^(\d{1,4})\+(\d{1,4})\/(\d{1,7})(ms|s|m|h)$/.exec(text);
    const window = /^(\d{1,4})\/(\d{1,7})(ms|s|m|h)$/.exec(text);
    const [burst, tokens, period] = bucket
      ? [Number(bucket[1]), Number(bucket[2]), periodMs(bucket[3] ?? '', bucket[4] ?? '')]
      : window
        ? [Number(window[1]), Number(window[1]), periodMs(window[2] ?? '', window[3] ?? '')]
        : [0, 0, undefined];
    if (period === undefined || burst < 1 || burst > 1000 || tokens < 1 || tokens > 1000 || period < 1 || period > 3_600_000) return t.failure(u, c);
    return t.success({ burst, refillMs: Math.max(1, Math.round(period / tokens)) });
  },
  (r) => `${r.burst}+1/${r.refillMs}ms`,
);

export const KUBE_MODES = ['auto', 'on', 'off'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Default of HIQTY_VOICE_WORKERS: one voice worker per core this process may use. In a container with a
 * CPU limit (cgroup v2 `cpu.max`, as Kubernetes sets it) that is the limit rounded up, not the node's
 * cores: a pod limited to 2 CPUs on a 64-core node runs 2 workers, not 64.
 */
export function defaultVoiceWorkers(cpuMax: () => string | undefined = readCgroupCpuMax): number {
  const cores = os.availableParallelism();
  const quota = /^(\d+)\s+(\d+)\s*$/.exec(cpuMax() ?? '');
  const limit = quota === null ? cores : Math.ceil(Number(quota[1]) / Number(quota[2]));
  return Math.min(64, Math.max(1, Math.min(cores, limit)));
}

function readCgroupCpuMax(): string | undefined {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
  } catch {
    return undefined;
  }
}

export function defaultInstanceId(): string {
  return `${os.hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 48)}-${process.pid}`;
}

/** The codec over the whole environment. Unknown variables are ignored. */
export function envCodec(instanceIdDefault: string = defaultInstanceId()) {
  return t.type({
    DISCORD_TOKEN: optional(NonEmptyString),
    DISCORD_API_BASE: withDefault(urlString(['http', 'https']), 'https://discord.com/api'),
    REDIS_URL: optional(urlString(['redis', 'rediss'])),
    REDIS_SENTINELS: optional(SentinelList),
    REDIS_SENTINEL_NAME: withDefault(NonEmptyString, 'mymaster'),
    REDIS_SENTINEL_PASSWORD: optional(NonEmptyString),
    REDIS_USERNAME: optional(NonEmptyString),
    REDIS_PASSWORD: optional(NonEmptyString),
    REDIS_TLS: withDefault(BooleanString, false),
    REDIS_TLS_CA_FILE: optional(PemFile),
    HIQTY_REDIS_OUTAGE_GRACE_MS: withDefault(intFromString(0, 600_000), 10_000),
    HIQTY_INSTANCE_ID: withDefault(InstanceId, instanceIdDefault),
    HIQTY_LOCK_TTL_MS: withDefault(intFromString(1000, 60_000), 5000),
    // 250: a replica on a healthy link answers in about a millisecond; and it fits TTL/4 at the smallest TTL (1000).
    HIQTY_REDIS_WAIT_MS: withDefault(intFromString(0, 10_000), 250),
    HIQTY_HTTP_PORT: withDefault(intFromString(0, 65_535), 8080),
    HIQTY_TRUST_PROXY: withDefault(TrustedProxies, []),
    HIQTY_FETCH_ALLOW: withDefault(HostPortList, []),
    HIQTY_SERVICE_ORIGINS: withDefault(ServiceOrigins, NO_OVERRIDES),
    HIQTY_SEARCH_SOURCES: withDefault(SearchSources, ['youtube', 'soundcloud']),
    HIQTY_FALLBACK_SOURCES: withDefault(FallbackSources, ['youtube', 'soundcloud']),
    HIQTY_YOUTUBE_CLIENTS: withDefault(YoutubeClients, defaultClientOrder()),
    HIQTY_YOUTUBE_PO_TOKEN: optional(NonEmptyString),
    HIQTY_YOUTUBE_VISITOR_DATA: optional(NonEmptyString),
    HIQTY_SPOTIFY_CLIENT_ID: optional(NonEmptyString),
    HIQTY_SPOTIFY_CLIENT_SECRET: optional(NonEmptyString),
    HIQTY_MAX_OPENING: withDefault(intFromString(1, 1000), DEFAULT_MAX_OPENING),
    HIQTY_MAX_JOINING: withDefault(intFromString(1, 1000), DEFAULT_MAX_JOINING),
    HIQTY_DRAIN_TIMEOUT_MS: withDefault(intFromString(0, 3_600_000), 240_000),
    HIQTY_RESYNC_INTERVAL_MS: withDefault(intFromString(1000, 3_600_000), 30_000),
    HIQTY_WORKERS: withDefault(intFromString(1, 256), 16),
    HIQTY_VOICE_WORKERS: withDefault(intFromString(0, 64), defaultVoiceWorkers()),
    HIQTY_IDLE_TIMEOUT_MS: withDefault(intFromString(0, 86_400_000), 120_000),
    HIQTY_CHECKPOINT_MS: withDefault(intFromString(100, 60_000), 500),
    HIQTY_DATA_DIR: withDefault(NonEmptyString, '.run'),
    HIQTY_LOG_LEVEL: withDefault(oneOf(LOG_LEVELS), 'info'),
    FFMPEG_PATH: optional(NonEmptyString),
    HIQTY_KUBE: withDefault(oneOf(KUBE_MODES), 'auto'),
    HIQTY_POD_NAME: optional(NonEmptyString),
    HIQTY_COMMANDS_SCOPE: withDefault(CommandsScope, { kind: 'global' }),
    HIQTY_RATE_LIMIT: withDefault(RateLimit, { burst: 10, refillMs: 2000 }),
    HIQTY_MAX_QUEUE: withDefault(intFromString(1, 100_000), 1000),
    HIQTY_API_TOKEN: optional(NonEmptyString),
    HIQTY_API_RATE_LIMIT: withDefault(RateLimit, { burst: 300, refillMs: 200 }),
    HIQTY_API_MAX_STREAMS: withDefault(intFromString(1, 100_000), 200),
    HIQTY_API_MAX_STREAMS_PER_TOKEN: withDefault(intFromString(1, 100_000), 20),
    HIQTY_DASHBOARD_URL: optional(DashboardOrigin),
    HIQTY_DISCORD_CLIENT_ID: optional(Snowflake),
    HIQTY_DISCORD_CLIENT_SECRET: optional(NonEmptyString),
  });
}

export type Config = t.TypeOf<ReturnType<typeof envCodec>>;

/**
 * What each variable does and its default, as the README and .env.example state it.
 * Typed over Config so a new variable cannot go undocumented; a test keeps both files true to it.
 */
export const CONFIG_DOCS: { readonly [K in keyof Config]: { readonly default: string; readonly doc: string; readonly secret?: true } } = {
  DISCORD_TOKEN: { default: '(unset)', doc: 'Bot token. When unset, `hiqty run` starts the local Discord sandbox and plays against it.', secret: true },
  DISCORD_API_BASE: { default: 'https://discord.com/api', doc: 'Discord REST base URL; the gateway URL comes from `/gateway/bot` under it.' },
  REDIS_URL: {
    default: '(unset)',
    doc: '`redis://[user[:password]@]host:port[/db]` URL of the shared Redis, or `rediss://...` for TLS; an ACL user and password go in the URL (percent-encoded). When neither this nor REDIS_SENTINELS is set, `hiqty run` starts an embedded redis-server on a free local port with its data in HIQTY_DATA_DIR.',
    secret: true,
  },
  REDIS_SENTINELS: {
    default: '(unset)',
    doc: 'Sentinel mode: comma-separated `host:port` of Redis Sentinels. hiqty asks them for the primary named REDIS_SENTINEL_NAME, connects to it, and follows every failover (all its connections move to the new primary). Not together with REDIS_URL.',
  },
  REDIS_SENTINEL_NAME: { default: 'mymaster', doc: 'Sentinel mode: the name the Sentinels monitor the primary under (`sentinel monitor <name> ...`).' },
  REDIS_SENTINEL_PASSWORD: { default: '(unset)', doc: 'Sentinel mode: the Sentinels\' own password (their `requirepass`), when they have one.', secret: true },
  REDIS_USERNAME: { default: '(unset)', doc: 'Sentinel mode: the ACL user hiqty logs in to the Redis nodes as (unset: `default`). With REDIS_URL, used only when the URL carries no credentials.' },
  REDIS_PASSWORD: { default: '(unset)', doc: 'Sentinel mode: the Redis nodes\' password (`requirepass`, or the ACL user\'s). With REDIS_URL, used only when the URL carries no credentials.', secret: true },
  REDIS_TLS: { default: 'false', doc: 'Sentinel mode: the Redis nodes and the Sentinels speak TLS. With REDIS_URL, use `rediss://` instead (setting this with a `redis://` URL is an error).' },
  REDIS_TLS_CA_FILE: {
    default: '(unset: the system\'s CAs)',
    doc: 'A PEM file of the CA(s) that sign the Redis servers\' (and Sentinels\') TLS certificates: a managed Redis\'s CA, or your own. Read at start; unreadable or without a certificate is exit 2. Needs `rediss://` or REDIS_TLS=true.',
  },
  HIQTY_REDIS_OUTAGE_GRACE_MS: {
    default: '10000',
    doc: 'How long `/readyz` stays ready while the Redis connection is down (a restart, a failover): the guilds this instance holds keep playing until their lease deadlines, so a short outage should not pull every pod out of its Service at once. After this long without Redis, `/readyz` answers 503 until it is back. 0: not ready as soon as Redis is away.',
  },
  HIQTY_INSTANCE_ID: { default: '(hostname-pid)', doc: 'This instance\'s name in lock values. A restart under the same id takes its own stale locks over at once.' },
  HIQTY_LOCK_TTL_MS: { default: '5000', doc: 'Guild lock TTL (1000-60000). Renewed every TTL/3; a crashed instance\'s guilds resume elsewhere after about this long.' },
  HIQTY_REDIS_WAIT_MS: {
    default: '250',
    doc: 'How long a lease claim or renewal waits for one replica to acknowledge it (`WAIT 1 <ms>`) when the Redis primary has replicas. An unconfirmed claim is not played on, an unconfirmed renewal does not extend the lease, so a failover cannot leave two instances playing one guild past a lease deadline (README, "Redis failover"). 0 turns it off. At most HIQTY_LOCK_TTL_MS / 4 (under the renewal period, TTL/3).',
  },
  HIQTY_HTTP_PORT: { default: '8080', doc: 'Port of `/livez`, `/readyz` and `/metrics` (0 picks a free port).' },
  HIQTY_TRUST_PROXY: {
    default: '(none)',
    doc: 'Reverse proxies (an Ingress controller\'s pod range, say `10.0.0.0/8`) whose `X-Forwarded-For` names the client: addresses or CIDR ranges, comma separated. The per-address limits of the REST API and the dashboard then count each client, not the proxy. Leave unset when clients connect directly, or anyone could pick their own address.',
  },
  HIQTY_FETCH_ALLOW: { default: '(empty)', doc: 'Comma-separated `host:port` pairs exempt from the private-address block, e.g. a local fixture server.' },
  HIQTY_SERVICE_ORIGINS: {
    default: '(empty)',
    doc: 'Comma-separated `host=origin` pairs: requests to a service host (`*.googlevideo.com` for any subdomain) go to that origin instead, path and query unchanged, for every request the sources make, media URLs and redirects included. The address policy still applies to the origin: a plain-http origin must also be in HIQTY_FETCH_ALLOW. The sandbox and `make run` point the services at local fakes this way.',
  },
  HIQTY_SEARCH_SOURCES: {
    default: 'youtube,soundcloud',
    doc: 'Where `/play <words>` searches, in order: the first source with a result gives the track; autocomplete and `/search` show results from all of them. Any of `youtube`, `youtube-music`, `soundcloud`, `bandcamp`. A `yt:`, `ytm:`, `sc:` or `bc:` prefix asks one source whatever this says.',
  },
  HIQTY_FALLBACK_SOURCES: {
    default: 'youtube,soundcloud',
    doc: 'Where a track plays when its own source cannot, in order. A Spotify, Apple Music or Deezer track (metadata only) always plays from the first of these that has the song; a track whose source refuses to open it (a login wall, a region block, the service down) is tried on the others before it is quarantined. A song is looked for by ISRC, then by title and artist, and a candidate is taken only within ±5 s or ±5% of its length, whichever is larger. Any of the `HIQTY_SEARCH_SOURCES` names; empty turns fallback off (metadata links then cannot play).',
  },
  HIQTY_YOUTUBE_CLIENTS: {
    default: DEFAULT_YOUTUBE_CLIENT_ORDER.join(','),
    doc: 'The InnerTube clients asked for a YouTube video\'s formats, in order: a play asks the first, and a 403 or an expired URL mid-stream asks the next. Only clients whose media URLs come without YouTube\'s player JavaScript are accepted (ANDROID_VR, IOS, ANDROID, VISIONOS); a web client (WEB, MWEB, TV, WEB_EMBEDDED) is refused with exit 2, since hiqty never runs remote code.',
  },
  HIQTY_YOUTUBE_PO_TOKEN: {
    default: '(unset)',
    doc: 'A proof-of-origin token for YouTube, sent with the `player` request and as `pot=` on the media URLs of the clients that want one (IOS, ANDROID). Without it those clients may be throttled or refused; ANDROID_VR needs none. It is tied to the visitorData it was made for: set both.',
    secret: true,
  },
  HIQTY_YOUTUBE_VISITOR_DATA: {
    default: '(unset)',
    doc: 'Pins the YouTube visitor (the `visitorData` of a session). When unset, the visitorData YouTube hands back is kept in Redis (`hiqty:source_token:youtube:visitor-data`, 6 h) and shared by every instance.',
    secret: true,
  },
  HIQTY_SPOTIFY_CLIENT_ID: {
    default: '(unset)',
    doc: 'The client id of a Spotify app (developer.spotify.com\'s dashboard), for Spotify links: hiqty reads tracks, albums and playlists with the client-credentials flow and plays each song from HIQTY_FALLBACK_SOURCES. Set it with HIQTY_SPOTIFY_CLIENT_SECRET; without both, Spotify links are refused with a reply saying so. The access token is shared by every instance through Redis (`hiqty:source_token:spotify:access-token:{client id}`, an hour). An app in Development Mode cannot read playlists it does not own (Spotify\'s rule since February 2026): those need Extended Quota.',
  },
  HIQTY_SPOTIFY_CLIENT_SECRET: {
    default: '(unset)',
    doc: 'The client secret of the Spotify app named by HIQTY_SPOTIFY_CLIENT_ID; sent only to accounts.spotify.com to ask for an access token, and never logged.',
    secret: true,
  },
  HIQTY_MAX_OPENING: { default: String(DEFAULT_MAX_OPENING), doc: 'Track starts this instance runs at the same time (1-1000); more wait in arrival order. Once its first bytes are in, a start is CPU-bound (ffmpeg spawning and decoding its first seconds, demuxing the first buffer): more starts at once than cores start a herd (a failover) no sooner and delay the audio of the guilds already playing. DNS, the server\'s answer and the probe run outside the limit; a start stalled after its first bytes gives up its slot after 2 s. About one per core.' },
  HIQTY_MAX_JOINING: { default: String(DEFAULT_MAX_JOINING), doc: 'Voice joins this instance runs at the same time (1-1000); more wait in arrival order and are woken when one finishes. A join is a burst of work (a TLS WebSocket to the voice server, IP discovery, the handshake): a failover herd joining all at once delays the audio of the guilds already playing.' },
  HIQTY_DRAIN_TIMEOUT_MS: { default: '240000', doc: 'On SIGTERM, how long current tracks may play to their end before positions are checkpointed and leases released. Keep it below the pod\'s grace period.' },
  HIQTY_RESYNC_INTERVAL_MS: { default: '30000', doc: 'Period of the full resync of all guilds (jittered), the safety net under keyspace notifications.' },
  HIQTY_WORKERS: { default: '16', doc: 'Reconcile workers: how many guilds are reconciled at the same time.' },
  HIQTY_VOICE_WORKERS: { default: '(the available cores)', doc: 'Voice worker threads (0-64). Each holds the voice connections of its guilds and runs their whole media pipeline (fetch, demux or one ffmpeg, packetizing, DAVE and transport encryption) on its own 20 ms clock, so nothing the main thread does (the gateway, Redis, reconciles, HTTP, garbage collection) delays the audio. Guilds go to the least-loaded worker; a worker that dies is restarted and its guilds resume at their position. 0 runs the engine in the main thread.' },
  HIQTY_IDLE_TIMEOUT_MS: { default: '120000', doc: 'Leave the voice channel after this long with nothing to play (stopped or empty queue), unless `stay` is on.' },
  HIQTY_CHECKPOINT_MS: { default: '500', doc: 'How often the position of each playing guild is written to its status. A crashed guild resumes elsewhere at most this far behind where it stopped.' },
  HIQTY_DATA_DIR: { default: '.run', doc: 'Where the embedded redis-server and the sandbox keep their files (only used without REDIS_URL or DISCORD_TOKEN).' },
  HIQTY_LOG_LEVEL: { default: 'info', doc: `Log level: ${LOG_LEVELS.join(', ')}.` },
  FFMPEG_PATH: { default: '(unset)', doc: 'ffmpeg binary to use. Unset: ffmpeg-static if installed, then `ffmpeg` on PATH.' },
  HIQTY_KUBE: { default: 'auto', doc: 'Kubernetes integration (pod-deletion-cost from the guilds played, drain Events): `auto` when a service-account token is mounted, `on` (fail to start outside a pod) or `off`.' },
  HIQTY_POD_NAME: { default: '(hostname)', doc: 'This pod\'s name for the Kubernetes integration; the Helm chart sets it from the downward API.' },
  HIQTY_COMMANDS_SCOPE: { default: 'global', doc: 'Where slash commands are registered at start-up: `global`, `guild:<id>[,<id>...]` (instant, for testing) or `off`. Only registered when the definitions changed.' },
  HIQTY_RATE_LIMIT: { default: '10+1/2s', doc: 'Each user\'s command budget, a token bucket shared by all instances: `10+1/2s` is a burst of 10 commands, then 1 more every 2 s. Read-only commands (`/queue`, `/nowplaying`, queue page buttons) are free. The older `5/10s` still works (a burst of 5, refilled at 5 per 10 s).' },
  HIQTY_MAX_QUEUE: { default: '1000', doc: 'Longest queue a guild may have, the current track included, unless its `/settings max_queue` says otherwise (1-100000).' },
  HIQTY_API_TOKEN: { default: '(unset)', doc: 'Turns on the REST API under `/api/v1` on the HTTP port; clients send `Authorization: Bearer <token>`. Use a long random value (e.g. `openssl rand -hex 32`). Also what `hiqty --api` sends.', secret: true },
  HIQTY_API_RATE_LIMIT: { default: '300/1m', doc: 'REST API requests per token, a token bucket shared by all instances, in the syntax of HIQTY_RATE_LIMIT: `300/1m` is a burst of 300, refilled at 300 per minute. Failed authentications are limited to a burst of 10, refilled at 10 per minute, per client address.' },
  HIQTY_API_MAX_STREAMS: { default: '200', doc: 'Event streams (`GET /api/v1/guilds/{id}/events`) this instance serves at once; one more gets 429 until a stream closes.' },
  HIQTY_API_MAX_STREAMS_PER_TOKEN: { default: '20', doc: 'Event streams one API token may hold open on this instance at once; one more gets 429 until one of its streams closes.' },
  HIQTY_DASHBOARD_URL: {
    default: '(unset)',
    doc: 'Turns on the web dashboard under `/dashboard` on the HTTP port: the public origin people open it at (`https://music.example.com`, no path). Its redirect URI, `${HIQTY_DASHBOARD_URL}/dashboard/callback`, must be registered in the Discord application\'s OAuth2 settings; writes are only taken from this origin. Needs HIQTY_DISCORD_CLIENT_ID and HIQTY_DISCORD_CLIENT_SECRET. `hiqty run` against the sandbox sets all three itself.',
  },
  HIQTY_DISCORD_CLIENT_ID: { default: '(unset)', doc: 'The Discord application\'s client id (its application id), for the dashboard\'s "Log in with Discord".' },
  HIQTY_DISCORD_CLIENT_SECRET: { default: '(unset)', doc: 'The Discord application\'s OAuth2 client secret, for the dashboard\'s login; sent only to Discord\'s token endpoint, never logged.', secret: true },
};

export interface ConfigError {
  readonly variable: string;
  /** The offending value, or undefined when missing; secrets are never included. */
  readonly value: string | undefined;
  readonly expected: string;
  readonly message: string;
}

const DOCS_BY_NAME: Readonly<Record<string, { readonly secret?: true } | undefined>> = CONFIG_DOCS;

function isSecret(name: string): boolean {
  return DOCS_BY_NAME[name]?.secret === true;
}

/**
 * Rules across variables. A plain-http override sends what was asked over TLS in clear text, so it is
 * only taken for an origin the operator also opened in HIQTY_FETCH_ALLOW (a local fake, a sidecar).
 */
function crossCheck(config: Config): ConfigError[] {
  const origins = config.HIQTY_SERVICE_ORIGINS.filter((o) => o.origin.protocol === 'http:' && !config.HIQTY_FETCH_ALLOW.includes(hostPort(o.origin))).map((o) => ({
    variable: 'HIQTY_SERVICE_ORIGINS',
    value: `${o.host}=${o.origin.origin}`,
    expected: 'a plain-http origin also listed in HIQTY_FETCH_ALLOW (or an https origin)',
    message: `HIQTY_SERVICE_ORIGINS maps ${o.host} to plain-http ${o.origin.origin}, which is not in HIQTY_FETCH_ALLOW: add ${hostPort(o.origin)} there or use https`,
  }));
  return [...origins, ...spotifyPair(config), ...dashboardTrio(config), ...redisRules(config), ...redisWaitRule(config)];
}

/**
 * A renewal round that may wait HIQTY_REDIS_WAIT_MS must end before the next one starts (every TTL/3): a
 * longer wait would skip rounds, leaving a holder with fewer chances of a confirmed renewal before its deadline.
 */
function redisWaitRule(config: Config): ConfigError[] {
  const limit = Math.floor(config.HIQTY_LOCK_TTL_MS / 4);
  if (config.HIQTY_REDIS_WAIT_MS <= limit) return [];
  return [
    {
      variable: 'HIQTY_REDIS_WAIT_MS',
      value: String(config.HIQTY_REDIS_WAIT_MS),
      expected: `at most HIQTY_LOCK_TTL_MS / 4 (${limit})`,
      message: `HIQTY_REDIS_WAIT_MS is ${config.HIQTY_REDIS_WAIT_MS}: with HIQTY_LOCK_TTL_MS ${config.HIQTY_LOCK_TTL_MS} it must be at most ${limit} (under the renewal period, TTL/3), or 0 to turn the wait off`,
    },
  ];
}

/** Where Redis is must be said one way: a URL, or Sentinels; TLS settings must fit the one chosen. */
function redisRules(config: Config): ConfigError[] {
  const problem = (variable: string, expected: string, message: string): ConfigError => ({ variable, value: undefined, expected, message });
  const problems: ConfigError[] = [];
  const url = config.REDIS_URL;
  if (url !== undefined && config.REDIS_SENTINELS !== undefined) {
    problems.push(problem('REDIS_SENTINELS', 'unset when REDIS_URL is set', 'REDIS_URL and REDIS_SENTINELS are both set: use REDIS_URL for one Redis, or REDIS_SENTINELS (with REDIS_SENTINEL_NAME) for a Sentinel-managed primary, not both'));
  }
  const urlTls = url !== undefined && url.toLowerCase().startsWith('rediss:');
  if (url !== undefined && config.REDIS_TLS && !urlTls) {
    problems.push(problem('REDIS_TLS', 'false with a redis:// URL', 'REDIS_TLS=true is for Sentinel mode; with REDIS_URL, write the URL as rediss://... for TLS'));
  }
  const tls = url !== undefined ? urlTls : config.REDIS_TLS;
  if (config.REDIS_TLS_CA_FILE !== undefined && !tls && (url !== undefined || config.REDIS_SENTINELS !== undefined)) {
    problems.push(problem('REDIS_TLS_CA_FILE', 'a TLS connection to use it on', `REDIS_TLS_CA_FILE is set but the connection is not TLS: ${url !== undefined ? 'write REDIS_URL as rediss://...' : 'set REDIS_TLS=true'}`));
  }
  return problems;
}

/** The dashboard needs its OAuth2 client: a URL without the id or the secret would only fail at the first login. */
function dashboardTrio(config: Config): ConfigError[] {
  if (config.HIQTY_DASHBOARD_URL === undefined) return [];
  const missing = (['HIQTY_DISCORD_CLIENT_ID', 'HIQTY_DISCORD_CLIENT_SECRET'] as const).filter((name) => config[name] === undefined);
  return missing.map((name) => ({
    variable: name,
    value: undefined,
    expected: 'set together with HIQTY_DASHBOARD_URL',
    message: `${name} is missing: HIQTY_DASHBOARD_URL is set, and the dashboard's Discord login needs ${missing.join(' and ')} (from the Discord developer portal, OAuth2), or unset HIQTY_DASHBOARD_URL to turn the dashboard off`,
  }));
}

/** Spotify's id and secret only work together: one without the other is a mistake worth exit 2, not a silent refusal. */
function spotifyPair(config: Config): ConfigError[] {
  const id = config.HIQTY_SPOTIFY_CLIENT_ID !== undefined;
  const secret = config.HIQTY_SPOTIFY_CLIENT_SECRET !== undefined;
  if (id === secret) return [];
  const missing = id ? 'HIQTY_SPOTIFY_CLIENT_SECRET' : 'HIQTY_SPOTIFY_CLIENT_ID';
  const set = id ? 'HIQTY_SPOTIFY_CLIENT_ID' : 'HIQTY_SPOTIFY_CLIENT_SECRET';
  return [{ variable: missing, value: undefined, expected: `set together with ${set}`, message: `${missing} is missing: ${set} is set, and Spotify needs both (or neither, to refuse Spotify links)` }];
}

/** Decodes the environment. Never throws. */
export function loadConfig(env: NodeJS.ProcessEnv, instanceIdDefault?: string): Either<ConfigError[], Config> {
  const result = envCodec(instanceIdDefault).decode(env);
  if (!isLeft(result)) {
    const problems = crossCheck(result.right);
    return problems.length === 0 ? right(result.right) : left(problems);
  }
  return left(
    describeErrors(result.left).map(({ path, value, expected }) => {
      const shown = typeof value === 'string' && !isSecret(path) ? value : undefined;
      const what = value === undefined ? 'is missing' : shown === undefined ? 'is invalid' : `is ${JSON.stringify(shown)}`;
      return { variable: path, value: shown, expected, message: `${path} ${what}: expected ${expected}` };
    }),
  );
}

/** Exit code for bad configuration or usage. */
export const EXIT_BAD_CONFIG = 2;
