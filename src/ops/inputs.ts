/** io-ts codecs of every op's input: the one validation that Discord, REST and CLI all go through. */
import * as t from 'io-ts';
import { intInRange, NonEmptyString, Snowflake } from '../codecs';
import { GuildLanguage, LoopMode, MAX_QUEUE_LIMIT, orNull, Requester } from '../state';

export const GuildInput = t.type({ guild: Snowflake });
export type GuildInput = t.TypeOf<typeof GuildInput>;

export const PlayInput = t.intersection([
  t.type({ guild: Snowflake, query: t.string, requester: Requester }),
  t.partial({
    next: t.boolean,
    /** The voice channel to play in; absent keeps the one already desired. */
    channel: Snowflake,
    /** Where announcements go unless the guild chose a channel in its settings. */
    textChannel: Snowflake,
  }),
]);
export type PlayInput = t.TypeOf<typeof PlayInput>;

/** Most results one search returns (Discord's autocomplete shows 25). */
export const MAX_SEARCH_LIMIT = 25;

export const SearchInput = t.type({ query: t.string, limit: intInRange(1, MAX_SEARCH_LIMIT) });
export type SearchInput = t.TypeOf<typeof SearchInput>;

/** Most queries one playMany call takes. */
export const MAX_PLAY_QUERIES = 100;

const Queries = new t.Type<string[], string[], unknown>(
  `a list of 1 to ${MAX_PLAY_QUERIES} queries (links or words)`,
  (u): u is string[] => Array.isArray(u) && u.length >= 1 && u.length <= MAX_PLAY_QUERIES && u.every((q) => typeof q === 'string'),
  (u, c) => (Array.isArray(u) && u.length >= 1 && u.length <= MAX_PLAY_QUERIES ? t.array(t.string).validate(u, c) : t.failure(u, c)),
  t.identity,
);

export const PlayManyInput = t.intersection([
  t.type({ guild: Snowflake, queries: Queries, requester: Requester }),
  t.partial({ next: t.boolean, channel: Snowflake, textChannel: Snowflake }),
]);
export type PlayManyInput = t.TypeOf<typeof PlayManyInput>;

/** 1-based positions: 1 is the current track. Ranges are checked against the queue, not here. */
const Position = intInRange(-1_000_000_000, 1_000_000_000);

export const RemoveInput = t.intersection([
  t.type({ guild: Snowflake, index: Position }),
  t.partial({
    /** Who asks; with mayRemoveOthers false, only their own tracks may go. */
    by: NonEmptyString,
    mayRemoveOthers: t.boolean,
  }),
]);
export type RemoveInput = t.TypeOf<typeof RemoveInput>;

export const MoveInput = t.type({ guild: Snowflake, from: Position, to: Position });
export type MoveInput = t.TypeOf<typeof MoveInput>;

export const LoopInput = t.type({ guild: Snowflake, mode: LoopMode });
export type LoopInput = t.TypeOf<typeof LoopInput>;

export const SeekInput = t.type({ guild: Snowflake, position: t.union([t.string, t.number]) });
export type SeekInput = t.TypeOf<typeof SeekInput>;

/** Any number: the range is the op's answer to give (volume-out-of-range says what is allowed). */
export const VolumeInput = t.type({ guild: Snowflake, percent: t.number });
export type VolumeInput = t.TypeOf<typeof VolumeInput>;

export const StayInput = t.type({ guild: Snowflake, enabled: t.boolean });
export type StayInput = t.TypeOf<typeof StayInput>;

export const SkipInput = t.intersection([t.type({ guild: Snowflake }), t.partial({ trackId: NonEmptyString })]);
export type SkipInput = t.TypeOf<typeof SkipInput>;

export const VoteSkipInput = t.type({
  guild: Snowflake,
  voter: NonEmptyString,
  /** Who is listening now (humans in the bot's channel, the voter included): the majority is of these. */
  listeners: t.array(NonEmptyString),
});
export type VoteSkipInput = t.TypeOf<typeof VoteSkipInput>;

const QueueLimit = intInRange(1, MAX_QUEUE_LIMIT);

/** A field absent is left as it is; null resets it. */
export const SettingsInput = t.intersection([
  t.type({ guild: Snowflake }),
  t.partial({
    djRole: orNull(Snowflake),
    maxQueue: orNull(QueueLimit),
    maxPerUser: orNull(QueueLimit),
    announceChannel: orNull(Snowflake),
    /** null: follow the guild's Discord language again. */
    language: orNull(GuildLanguage),
  }),
]);
export type SettingsInput = t.TypeOf<typeof SettingsInput>;

/** 1-based, like queue positions. */
export const QuarantineIndexInput = t.type({ guild: Snowflake, index: intInRange(1, 1_000_000) });
export type QuarantineIndexInput = t.TypeOf<typeof QuarantineIndexInput>;

export const QueuePageInput = t.intersection([t.type({ guild: Snowflake }), t.partial({ page: intInRange(-1_000_000, 1_000_000), pageSize: intInRange(1, 25) })]);
export type QueuePageInput = t.TypeOf<typeof QueuePageInput>;
