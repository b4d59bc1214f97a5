/**
 * io-ts codecs of every value hiqty keeps in Redis (DESIGN.md §2). Values come from other processes and
 * other interfaces, so each one is decoded here and nothing downstream trusts raw Redis replies.
 */
import { randomUUID } from 'node:crypto';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { decode, intFromString, intInRange, NonEmptyString, oneOf, Snowflake } from '../codecs';
import { FiltersFromString, isNeutral, NO_FILTERS, type Filters } from '../filters';
import { LOCALES, type Locale } from '../i18n/locales';

/** A finite number >= 0 (JSON has no NaN, but hand-written values may still be negative). */
export const NonNegativeNumber = new t.Type<number, number, unknown>(
  'a number >= 0',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * An object with required and optional fields: t.intersection of t.type and t.partial, except that
 * errors name the field ("url") rather than the intersection member ("0.url"). Unknown fields are kept.
 */
export function withOptional<R extends t.Props, O extends t.Props>(required: R, optional: O, name: string) {
  const req = t.type(required);
  const opt = t.partial(optional);
  const both = t.intersection([req, opt]);
  return new t.Type<t.TypeOf<typeof both>, t.OutputOf<typeof both>, unknown>(
    name,
    both.is,
    (u, c) => {
      const a = req.validate(u, c);
      const b = opt.validate(u, c);
      if (isLeft(a) || isLeft(b)) return t.failures([...(isLeft(a) ? a.left : []), ...(isLeft(b) ? b.left : [])]);
      return t.success({ ...a.right, ...b.right });
    },
    both.encode,
  );
}

export const Requester = t.type({ id: NonEmptyString, name: t.string }, 'Requester');

/**
 * A queue entry. `id` is unique per enqueue, so the same URL queued twice is two tracks, and it is what
 * advance and skip compare. Unknown fields are kept: t.type does not strip them, so a track written by
 * another interface survives a loop or a requeue with everything it carried.
 */
export const Track = withOptional(
  { id: NonEmptyString, url: NonEmptyString },
  {
    title: t.string,
    durationMs: NonNegativeNumber,
    requester: Requester,
    /** Which source plays it: youtube, youtube-music, soundcloud, url, attachment (older entries: url-playlist). */
    source: t.string,
    /** The service's own id (a YouTube video id, a SoundCloud track id): what the source re-resolves at play time. */
    sourceId: t.string,
    artist: t.string,
    artworkUrl: t.string,
    /** The recording's ISRC where the service gives it: how another source can find the same recording. */
    isrc: t.string,
    addedAt: NonNegativeNumber,
    /** Where playback of this entry starts, in ms: how a seek is written (the head is replaced under a new id). */
    startMs: NonNegativeNumber,
    /** An endless stream (internet radio): no size cap, no duration. */
    live: t.boolean,
  },
  'a track object with at least id and url',
);
export type Track = t.TypeOf<typeof Track>;

/** How many played tracks a guild's history keeps. */
export const HISTORY_LENGTH = 100;

/** One element of `hiqty:server:{g}:history`: a track that left the head, and when (epoch ms). */
export const HistoryEntry = t.type({ playedAt: NonNegativeNumber, track: Track }, 'a history entry {playedAt, track}');
export type HistoryEntry = t.TypeOf<typeof HistoryEntry>;

/** A fresh track id: random, so ids from different instances and interfaces never collide. */
export function newTrackId(): string {
  return randomUUID();
}

export const DESIRED_STATES = ['playing', 'paused', 'stopped'] as const;
export const DesiredState = oneOf(DESIRED_STATES);
export type DesiredState = t.TypeOf<typeof DesiredState>;

export const LOOP_MODES = ['off', 'track', 'queue'] as const;
export const LoopMode = oneOf(LOOP_MODES);
export type LoopMode = t.TypeOf<typeof LoopMode>;

/** `stay` as written by people and scripts: "1"/"0" or "true"/"false". Encodes as "1"/"0". */
export const BoolFromString = new t.Type<boolean, string, unknown>(
  'one of 1, 0, true, false',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    if (u === '1' || u === 'true') return t.success(true);
    if (u === '0' || u === 'false') return t.success(false);
    return t.failure(u, c);
  },
  (b) => (b ? '1' : '0'),
);

/** Upper bound of the queue-size settings; far above anything a guild needs, low enough for O(n) scripts. */
export const MAX_QUEUE_LIMIT = 100_000;

/** A guild's announcement language: one of hiqty's languages (src/i18n LOCALES), by its code. */
export const GuildLanguage = oneOf(LOCALES);

/** Codec of each settings hash field. Volume is a percentage of the source level, 0 to 200. */
export const SETTINGS_FIELDS = {
  loop: LoopMode,
  volume: intFromString(0, 200),
  stay: BoolFromString,
  autoplay: BoolFromString,
  dj_role: Snowflake,
  max_queue: intFromString(1, MAX_QUEUE_LIMIT),
  max_per_user: intFromString(1, MAX_QUEUE_LIMIT),
  /** The language of the guild's announcements: one of hiqty's (src/i18n LOCALES). */
  language: GuildLanguage,
  /** Audio filters, JSON of src/filters/codec.ts (`{"nightcore":true,"bassboost":"high"}`); absent is none. */
  filters: FiltersFromString,
} as const;

export type SettingsField = keyof typeof SETTINGS_FIELDS;

export interface Settings {
  /** Default off. */
  readonly loop: LoopMode;
  /** Default 100. */
  readonly volume: number;
  /** 24/7: stay in the channel when the queue is empty. Default false. */
  readonly stay: boolean;
  /** When the queue runs out, queue a related track (src/autoplay). Default false. */
  readonly autoplay: boolean;
  readonly dj_role: string | undefined;
  readonly max_queue: number | undefined;
  readonly max_per_user: number | undefined;
  /** Absent (the default): announcements follow the guild's Discord `preferred_locale`. */
  readonly language?: Locale;
  /** Audio filters (src/filters). Default none. */
  readonly filters: Filters;
}

export const DEFAULT_SETTINGS: Settings = {
  loop: 'off',
  volume: 100,
  stay: false,
  autoplay: false,
  dj_role: undefined,
  max_queue: undefined,
  max_per_user: undefined,
  filters: NO_FILTERS,
};

/** A value that did not decode: what it was and why, in words. */
export interface Corrupt {
  /** Which value: a key kind (`playlist`, `state`...) or `settings.<field>`. */
  readonly where: string;
  /** Position in the list, for list entries. */
  readonly index?: number;
  readonly raw: string;
  readonly reason: string;
}

function field<A, F>(codec: t.Type<A, string, unknown>, hash: Readonly<Record<string, string>>, name: SettingsField, fallback: F, corrupt: Corrupt[]): A | F {
  const raw = hash[name];
  // An empty field is how a form or a CLI "unsets" a value: treat it as absent, not as an error.
  if (raw === undefined || raw === '') return fallback;
  const result = decode(codec, raw);
  if (isLeft(result)) {
    corrupt.push({ where: `settings.${name}`, raw, reason: result.left.join('; ') });
    return fallback;
  }
  return result.right;
}

/** Decodes the settings hash field by field: a bad field falls back to its default and is reported. */
export function decodeSettings(hash: Readonly<Record<string, string>>): { settings: Settings; corrupt: Corrupt[] } {
  const corrupt: Corrupt[] = [];
  const f = SETTINGS_FIELDS;
  const d = DEFAULT_SETTINGS;
  const settings: Settings = {
    loop: field(f.loop, hash, 'loop', d.loop, corrupt),
    volume: field(f.volume, hash, 'volume', d.volume, corrupt),
    stay: field(f.stay, hash, 'stay', d.stay, corrupt),
    autoplay: field(f.autoplay, hash, 'autoplay', d.autoplay, corrupt),
    dj_role: field(f.dj_role, hash, 'dj_role', d.dj_role, corrupt),
    max_queue: field(f.max_queue, hash, 'max_queue', d.max_queue, corrupt),
    max_per_user: field(f.max_per_user, hash, 'max_per_user', d.max_per_user, corrupt),
    filters: field(f.filters, hash, 'filters', d.filters, corrupt),
  };
  const language = field(f.language, hash, 'language', undefined, corrupt);
  return { settings: language === undefined ? settings : { ...settings, language }, corrupt };
}

/** A change to the settings; null removes an optional field (back to its default). */
export interface SettingsPatch {
  readonly loop?: LoopMode;
  readonly volume?: number;
  readonly stay?: boolean;
  readonly autoplay?: boolean;
  readonly dj_role?: string | null;
  readonly max_queue?: number | null;
  readonly max_per_user?: number | null;
  readonly language?: Locale | null;
  /** null (or neutral filters, which are stored as no field) removes them. */
  readonly filters?: Filters | null;
}

/**
 * Turns a patch into hash writes, validating each value with the same codec that reads it back, so the
 * store can never write a setting that it would later report as corrupt.
 */
export function encodeSettingsPatch(patch: SettingsPatch): { set: Record<string, string>; del: string[]; problems: string[] } {
  const set: Record<string, string> = {};
  const del: string[] = [];
  const problems: string[] = [];
  const put = <A>(name: SettingsField, codec: t.Type<A, string, unknown>, value: A | null | undefined): void => {
    if (value === undefined) return;
    if (value === null) {
      del.push(name);
      return;
    }
    const encoded = codec.encode(value);
    const check = decode(codec, encoded);
    if (isLeft(check)) problems.push(...check.left.map((p) => `${name}: ${p}`));
    else set[name] = encoded;
  };
  put('loop', SETTINGS_FIELDS.loop, patch.loop);
  put('volume', SETTINGS_FIELDS.volume, patch.volume);
  put('stay', SETTINGS_FIELDS.stay, patch.stay);
  put('autoplay', SETTINGS_FIELDS.autoplay, patch.autoplay);
  put('dj_role', SETTINGS_FIELDS.dj_role, patch.dj_role);
  put('max_queue', SETTINGS_FIELDS.max_queue, patch.max_queue);
  put('max_per_user', SETTINGS_FIELDS.max_per_user, patch.max_per_user);
  put('language', SETTINGS_FIELDS.language, patch.language);
  put('filters', SETTINGS_FIELDS.filters, patch.filters === undefined || patch.filters === null || !isNeutral(patch.filters) ? patch.filters : null);
  return { set, del, problems };
}

/** The codec, or null; errors name the field once instead of once per union member. */
export function orNull<A, O>(codec: t.Type<A, O, unknown>): t.Type<A | null, O | null, unknown> {
  return new t.Type<A | null, O | null, unknown>(
    `${codec.name} or null`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? null : codec.encode(a)),
  );
}

/** What the audio player is doing, as the lock holder observed it. */
export const OBSERVED_STATES = ['playing', 'paused', 'stopped'] as const;

/** The observed state, checkpointed by the lock holder so another instance can resume at the position. */
export const Status = withOptional(
  {
    instance: NonEmptyString,
    epoch: intInRange(1, Number.MAX_SAFE_INTEGER),
    /** null while nothing is loaded. */
    trackId: orNull(NonEmptyString),
    positionMs: NonNegativeNumber,
    state: oneOf(OBSERVED_STATES),
    /** Wall-clock ms: for people and for other processes, never for deadlines. */
    updatedAt: NonNegativeNumber,
  },
  {
    /**
     * The source the track plays from when it is not its own: a mirrored Spotify, Apple Music or Deezer
     * track, or a fallback after its source refused it. `{source, label}` ("soundcloud", "SoundCloud").
     */
    playedFrom: t.type({ source: NonEmptyString, label: NonEmptyString }),
  },
  'a status object',
);
export type Status = t.TypeOf<typeof Status>;

/** The part of the status the player provides; instance, epoch and updatedAt come from the lease and clock. */
export type StatusUpdate = Pick<Status, 'trackId' | 'positionMs' | 'state' | 'playedFrom'>;

/** `{instance}:{epoch}`, parsed. Instance ids cannot contain a colon (config.ts), so the last colon splits. */
export interface LockValue {
  readonly instance: string;
  readonly epoch: number;
  /** The raw value, as compare-and-set scripts need it. */
  readonly value: string;
}

const LOCK_PATTERN = /^([A-Za-z0-9._-]{1,64}):([1-9]\d{0,15})$/;

export const LockValue = new t.Type<LockValue, string, unknown>(
  'a lock value {instance}:{epoch}',
  (u): u is LockValue => typeof u === 'object' && u !== null && 'instance' in u && 'epoch' in u && 'value' in u,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const m = LOCK_PATTERN.exec(u);
    const instance = m?.[1];
    const epoch = Number(m?.[2]);
    return instance !== undefined && Number.isSafeInteger(epoch) ? t.success({ instance, epoch, value: u }) : t.failure(u, c);
  },
  (l) => `${l.instance}:${l.epoch}`,
);

/** The epoch counter: what INCR leaves behind. */
export const Epoch = intFromString(0, Number.MAX_SAFE_INTEGER);

/** An entry of the quarantine list: the raw value as it was, and why it was set aside. */
export const QuarantineEntry = withOptional(
  { raw: t.string, reason: t.string, at: NonNegativeNumber },
  // Where it came from: `playlist`, `epoch`, or the component that refused it (e.g. a source name).
  { source: t.string },
  'a quarantine entry object with raw, reason and at',
);
export type QuarantineEntry = t.TypeOf<typeof QuarantineEntry>;
