/**
 * Request bodies and path parameters: each io-ts codec sits next to the JSON Schema the OpenAPI
 * document shows for it, and every example in the schemas is checked against its codec by a test.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { intFromString, intInRange, Snowflake } from '../../codecs';
import { MAX_PLAY_QUERIES, MAX_SEARCH_LIMIT } from '../../ops';
import { LOCALES } from '../../i18n/locales';
import { DesiredState, GuildLanguage, LoopMode, MAX_QUEUE_LIMIT, orNull } from '../../state';

export type JsonSchema = { readonly [key: string]: unknown };

/** An object with required and optional fields that refuses unknown ones, so a misspelt field is an error, not ignored. */
export function strict<R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) {
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const shape = t.intersection([t.type(required), t.partial(optional)]);
  return new t.Type<t.TypeOf<typeof shape>, t.OutputOf<typeof shape>, unknown>(
    name,
    shape.is,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'expected a JSON object');
      const extra = Object.keys(u).filter((k) => !known.has(k));
      if (extra.length > 0) return t.failure(u, c, `unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${[...known].join(', ')})`);
      return shape.validate(u, c);
    },
    shape.encode,
  );
}

/** Something with a scheme: whether it will play is the resolver's answer (a refused link names its reason). */
const LINK = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

const Url = new t.Type<string, string, unknown>(
  'a link (scheme://...) of at most 2000 characters; words to search for go in "query"',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && LINK.test(u) && u.length <= 2000 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const UrlList = new t.Type<string[], string[], unknown>(
  `a list of 1 to ${MAX_PLAY_QUERIES} links`,
  (u): u is string[] => Array.isArray(u),
  (u, c) => (Array.isArray(u) && u.length >= 1 && u.length <= MAX_PLAY_QUERIES ? t.array(Url).validate(u, c) : t.failure(u, c)),
  t.identity,
);

const Query = new t.Type<string, string, unknown>(
  'words to search for or a link, at most 2000 characters',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= 2000 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const AddTracksShape = strict('add-tracks body', {}, { query: Query, url: Url, urls: UrlList, next: t.boolean, channel: Snowflake });
/** `query` (words or a link, prefixes included), `url` (one link) or `urls` (all or nothing): each becomes the queries of playMany. */
export const AddTracksBody = new t.Type<{ readonly queries: string[]; readonly next: boolean; readonly channel: string | undefined }, unknown, unknown>(
  'an object with query, url or urls',
  (u): u is { queries: string[]; next: boolean; channel: string | undefined } => typeof u === 'object' && u !== null && 'queries' in u,
  (u, c) => {
    const shape = AddTracksShape.validate(u, c);
    if (isLeft(shape)) return shape;
    const { query, url, urls, next, channel } = shape.right;
    const given = [query, url, urls].filter((v) => v !== undefined).length;
    if (given !== 1) return t.failure(u, c, 'give exactly one of "query" (words or a link), "url" (a link) or "urls" (a list of links)');
    return t.success({ queries: query !== undefined ? [query] : url !== undefined ? [url] : (urls ?? []), next: next === true, channel });
  },
  t.identity,
);
export const addTracksSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    query: { type: 'string', maxLength: 2000, description: 'Words to search for (the best match is queued; `yt:`, `ytm:`, `sc:` or `bc:` picks a source), or a link.' },
    url: { type: 'string', maxLength: 2000, description: 'A link: a YouTube or SoundCloud page, an audio file, or an M3U/PLS/XSPF/HLS playlist.' },
    urls: { type: 'array', minItems: 1, maxItems: MAX_PLAY_QUERIES, items: { type: 'string', maxLength: 2000 } },
    next: { type: 'boolean', description: 'Right after the current track instead of at the end.' },
    channel: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'The voice channel to play in; needed while the guild has none.' },
  },
  oneOf: [{ required: ['query'] }, { required: ['url'] }, { required: ['urls'] }],
  examples: [
    { query: 'never gonna give you up', channel: '456' },
    { query: 'sc:lofi beats' },
    { url: 'https://example.org/song.ogg', channel: '456' },
    { urls: ['https://example.org/a.ogg', 'https://example.org/b.mp3'], next: true },
  ],
};

export const MoveBody = strict('move body', { from: intInRange(1, 1_000_000), to: intInRange(1, 1_000_000) }, {});
export const moveSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: { type: 'integer', minimum: 1, description: '1 is the current track.' }, to: { type: 'integer', minimum: 1 } },
  examples: [{ from: 3, to: 2 }],
};

export const StateBody = strict('state body', { state: DesiredState }, {});
export const stateSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['state'],
  properties: { state: { type: 'string', enum: ['playing', 'paused', 'stopped'], description: '`stopped` also empties the queue, like /stop.' } },
  examples: [{ state: 'paused' }],
};

export const SeekBody = strict('seek body', { position: t.union([t.string, t.number]) }, {});
export const seekSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['position'],
  properties: { position: { oneOf: [{ type: 'number', minimum: 0, description: 'seconds' }, { type: 'string', description: '`83`, `1:23` or `1:02:03`' }] } },
  examples: [{ position: '1:23' }, { position: 83 }],
};

export const SkipBody = strict('skip body', {}, { trackId: t.string });
export const skipSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { trackId: { type: 'string', description: 'Skip only if this is still the current track (409 changed otherwise).' } },
  examples: [{}, { trackId: '0b5e0d9c-4f1e-4a52-9a8e-2f0c8e7e1a11' }],
};

export const EmptyBody = strict('empty body', {}, {});

/** POST /guilds/{id}/previous: like a play, it may name the voice channel. */
export const PreviousBody = strict('previous body', {}, { channel: Snowflake });
export const previousSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { channel: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'The voice channel to play in; needed while the guild has none.' } },
  examples: [{}, { channel: '456' }],
};

export const SkipToBody = strict('skipto body', { index: intInRange(1, 1_000_000) }, {});
export const skipToSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['index'],
  properties: { index: { type: 'integer', minimum: 1, description: 'The queue position to jump to, as GET /guilds/{id} numbers it (1 is the current track).' } },
  examples: [{ index: 3 }],
};

/** GET /guilds/{id}/history's query string: an optional `page` (default 1, 10 entries per page). */
export const HistoryParams = strict('history parameters', {}, { page: intFromString(1, 1_000) });
export const historyParameters: readonly JsonSchema[] = [{ name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 1 }, description: '10 entries per page, newest first.' }];

const QueueLimit = intInRange(1, MAX_QUEUE_LIMIT);
const SettingsShape = strict(
  'settings body',
  {},
  {
    loop: LoopMode,
    volume: intInRange(0, 200),
    stay: t.boolean,
    autoplay: t.boolean,
    djRole: orNull(Snowflake),
    maxQueue: orNull(QueueLimit),
    maxPerUser: orNull(QueueLimit),
    announceChannel: orNull(Snowflake),
    language: orNull(GuildLanguage),
  },
);
export const SettingsBody = new t.Type<t.TypeOf<typeof SettingsShape>, unknown, unknown>(
  'a settings object with at least one field',
  SettingsShape.is,
  (u, c) => {
    const r = SettingsShape.validate(u, c);
    if (isLeft(r)) return r;
    return Object.keys(r.right).length === 0 ? t.failure(u, c, 'name at least one setting to change') : r;
  },
  t.identity,
);
export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    loop: { type: 'string', enum: ['off', 'track', 'queue'] },
    volume: { type: 'integer', minimum: 0, maximum: 200 },
    stay: { type: 'boolean', description: '24/7: stay in the channel with nothing to play.' },
    autoplay: { type: 'boolean', description: 'When the queue runs out, queue a related track.' },
    djRole: { type: ['string', 'null'], pattern: '^[0-9]{1,20}$' },
    maxQueue: { type: ['integer', 'null'], minimum: 1, maximum: MAX_QUEUE_LIMIT, description: 'null: the instance default' },
    maxPerUser: { type: ['integer', 'null'], minimum: 1, maximum: MAX_QUEUE_LIMIT },
    announceChannel: { type: ['string', 'null'], pattern: '^[0-9]{1,20}$' },
    language: { type: ['string', 'null'], enum: [...LOCALES, null], description: "The announcements' language; null: the guild's Discord language" },
  },
  examples: [{ loop: 'queue', volume: 80 }, { maxQueue: null, djRole: '123456789012345678' }],
};

/** GET /search's query string: `q` and an optional `limit` (default 10). */
export const SearchParams = strict('search parameters', { q: Query }, { limit: intFromString(1, MAX_SEARCH_LIMIT) });
export const DEFAULT_SEARCH_LIMIT = 10;
export const searchParameters: readonly JsonSchema[] = [
  { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 2000 }, description: 'Words to search for; `yt:`, `ytm:`, `sc:` or `bc:` searches one source only.' },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT } },
];

/** Path parameters. */
export const GuildId = Snowflake;
export const IndexParam = intFromString(1, 1_000_000);
