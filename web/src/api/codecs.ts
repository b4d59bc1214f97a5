/**
 * What the dashboard's JSON API answers (the issue 17 contract), decoded with io-ts like every other
 * boundary of hiqty. The codecs name only the fields the page uses; extra fields pass through unread.
 */
import * as t from 'io-ts';

const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);
const optional = <C extends t.Mixed>(c: C) => t.union([c, t.undefined]);

export const Me = t.type({
  user: t.type({ id: t.string, name: t.string, avatarUrl: nullable(t.string) }),
  csrfToken: t.string,
});
export type Me = t.TypeOf<typeof Me>;

export const GuildCard = t.type({
  id: t.string,
  name: t.string,
  iconUrl: nullable(t.string),
  state: t.string,
  nowPlaying: nullable(t.type({ title: t.string, artist: nullable(t.string), artworkUrl: nullable(t.string) })),
  queueLength: t.number,
});
export type GuildCard = t.TypeOf<typeof GuildCard>;
export const GuildList = t.type({ guilds: t.array(GuildCard) });

export const Track = t.type({
  id: t.string,
  url: t.string,
  title: optional(t.string),
  artist: optional(t.string),
  artworkUrl: optional(t.string),
  durationMs: optional(t.number),
  source: optional(t.string),
  live: optional(t.boolean),
  requester: optional(t.type({ id: t.string, name: t.string })),
});
export type Track = t.TypeOf<typeof Track>;

export const LoopMode = t.keyof({ off: null, track: null, queue: null });
export type LoopMode = t.TypeOf<typeof LoopMode>;

export const QueueEntry = t.type({ index: t.number, track: Track });
export type QueueEntry = t.TypeOf<typeof QueueEntry>;

export const GuildView = t.type({
  guild: t.string,
  state: t.string,
  channel: nullable(t.string),
  textChannel: nullable(t.string),
  settings: t.type({
    loop: LoopMode,
    volume: t.number,
    autoplay: t.boolean,
    djRole: nullable(t.string),
    maxQueue: nullable(t.number),
    maxPerUser: nullable(t.number),
    language: nullable(t.string),
    effectiveMaxQueue: t.number,
  }),
  queue: t.array(QueueEntry),
  length: t.number,
  nowPlaying: nullable(t.type({ track: Track, started: t.boolean, positionMs: t.number, durationMs: nullable(t.number) })),
  status: nullable(t.type({ trackId: nullable(t.string), state: t.string })),
  quarantineLength: t.number,
});
export type GuildView = t.TypeOf<typeof GuildView>;

export const ACTIONS = ['play', 'skip', 'previous', 'pause', 'resume', 'seek', 'volume', 'loop', 'shuffle', 'clear', 'remove', 'move', 'filters', 'autoplay', 'requeue', 'settings'] as const;
export type Action = (typeof ACTIONS)[number];

export const Permission = t.intersection([t.type({ allowed: t.boolean }), t.partial({ reason: t.string })]);
export type Permission = t.TypeOf<typeof Permission>;

const Named = t.type({ id: t.string, name: t.string });
export type Named = t.TypeOf<typeof Named>;

export const DashboardGuild = t.type({
  guild: t.type({ id: t.string, name: t.string, iconUrl: nullable(t.string) }),
  view: GuildView,
  can: t.record(t.string, Permission),
  me: t.type({ voiceChannel: nullable(t.string) }),
  roles: t.array(Named),
  textChannels: t.array(Named),
  voiceChannels: t.array(Named),
});
export type DashboardGuild = t.TypeOf<typeof DashboardGuild>;

export const SearchResult = t.type({
  url: t.string,
  title: t.string,
  source: t.string,
  artist: optional(t.string),
  durationMs: optional(t.number),
  artworkUrl: optional(t.string),
});
export type SearchResult = t.TypeOf<typeof SearchResult>;
export const SearchView = t.type({ results: t.array(SearchResult), skipped: t.array(t.unknown) });

export const HistoryPage = t.type({ entries: t.array(t.type({ index: t.number, playedAt: t.number, track: Track })) });
export type HistoryPage = t.TypeOf<typeof HistoryPage>;

export const QuarantineView = t.type({
  entries: t.array(t.type({ index: t.number, raw: t.string, reason: t.string, at: t.number, source: nullable(t.string) })),
});
export type QuarantineView = t.TypeOf<typeof QuarantineView>;

/** The audio filters (src/filters/model.ts): absent fields are off. */
export const Filters = t.partial({
  bassboost: t.string,
  nightcore: t.boolean,
  vaporwave: t.boolean,
  eightD: t.boolean,
  karaoke: t.boolean,
  tremolo: t.boolean,
  vibrato: t.boolean,
  equalizer: t.array(t.number),
  speed: t.number,
  pitch: t.number,
  rate: t.number,
});
export type Filters = t.TypeOf<typeof Filters>;
export const FiltersView = t.type({ filters: Filters });

/** Every error answer: `{error, detail}` (401 adds `login`). */
export const ApiError = t.intersection([t.type({ error: t.string }), t.partial({ detail: t.string })]);
