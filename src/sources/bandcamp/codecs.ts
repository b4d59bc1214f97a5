/**
 * io-ts codecs of what hiqty reads from Bandcamp: a page's `data-tralbum` object and the site search's
 * answer, as yt-dlp, lavaplayer and other maintained clients observe them. Only the fields hiqty uses are
 * checked; everything else passes untouched. Fields Bandcamp sends as null as often as it omits them are
 * `nullable`.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/**
 * One entry of `trackinfo`. `file` maps an encoding to its signed stream URL (`{"mp3-128": "https://t4.bcbits.com/stream/…"}`);
 * it is null or absent for a track Bandcamp does not stream (sold only, or not released yet).
 * `title_link` is the track's page, relative to the artist's site (`/track/slug`).
 */
export const TrackInfo = t.intersection([
  t.type({ title: t.string }),
  t.partial({
    track_id: nullable(t.number),
    id: nullable(t.number),
    title_link: nullable(t.string),
    /** Seconds, with decimals. */
    duration: nullable(t.number),
    file: nullable(t.partial({ 'mp3-128': nullable(t.string) })),
    /** Set on a compilation's tracks by other artists; null otherwise. */
    artist: nullable(t.string),
  }),
]);
export type TrackInfo = t.TypeOf<typeof TrackInfo>;

/** What `current` says of the page's item. */
const Current = t.partial({
  title: nullable(t.string),
  /** On a track page; an album page's tracks carry none. */
  isrc: nullable(t.string),
  type: nullable(t.string),
});

/** The page's tralbum object. Its `trackinfo` entries are decoded one by one, so one odd entry does not lose an album. */
export const Tralbum = t.intersection([
  t.type({ trackinfo: t.array(t.unknown) }),
  t.partial({
    artist: nullable(t.string),
    /** The cover: https://f4.bcbits.com/img/a{art_id, ten digits}_10.jpg. */
    art_id: nullable(t.number),
    /** `album` or `track`. */
    item_type: nullable(t.string),
    /** A track page of a track in an album: that album's page, relative to the artist's site. */
    album_url: nullable(t.string),
    current: nullable(Current),
  }),
]);
export type Tralbum = t.TypeOf<typeof Tralbum>;

/** The search box's answer: `{auto: {results: [...]}}`, results of every type the filter let through. */
export const SearchAnswer = t.type({ auto: t.type({ results: t.array(t.unknown) }) });

/**
 * A track result (`type: "t"`). `item_url_path` is the track's full page URL; `img` its cover where
 * given. Search results carry no duration.
 */
export const SearchTrack = t.intersection([
  t.type({ type: t.literal('t'), id: t.number, name: t.string, item_url_path: t.string }),
  t.partial({
    band_name: nullable(t.string),
    album_name: nullable(t.string),
    img: nullable(t.string),
    art_id: nullable(t.number),
  }),
]);
export type SearchTrack = t.TypeOf<typeof SearchTrack>;
