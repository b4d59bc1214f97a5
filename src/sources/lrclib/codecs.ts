/** LRCLIB's answers (lrclib.net/docs): a lyrics record, and an array of them from /api/search. */
import * as t from 'io-ts';

const nullableString = t.union([t.string, t.null]);

/** One record of `/api/get` and `/api/search`. `duration` is in seconds (a float on some records). */
export const LrclibRecord = t.type({
  id: t.number,
  trackName: t.string,
  artistName: t.string,
  albumName: t.union([nullableString, t.undefined]),
  duration: t.number,
  instrumental: t.boolean,
  plainLyrics: t.union([nullableString, t.undefined]),
  syncedLyrics: t.union([nullableString, t.undefined]),
});
export type LrclibRecord = t.TypeOf<typeof LrclibRecord>;

export const LrclibSearch = t.array(LrclibRecord);

/** What hiqty keeps of a record (in the cache and for /lyrics and the now-playing line). */
export const Lyrics = t.intersection([
  t.type({ id: t.number, trackName: t.string, artistName: t.string, durationS: t.number, instrumental: t.boolean }),
  t.partial({ plain: t.string, synced: t.string }),
]);
export type Lyrics = t.TypeOf<typeof Lyrics>;

/** A cache entry: the lyrics found, or that LRCLIB has none for this song (asked again after the TTL). */
export const CachedLyrics = t.union([t.type({ found: t.literal(true), lyrics: Lyrics }), t.type({ found: t.literal(false) })]);
