/**
 * io-ts codecs of the Deezer API answers hiqty reads (developers.deezer.com/api: track, album,
 * playlist, their /tracks pages, and the error object Deezer answers with HTTP 200). Only the fields
 * hiqty uses are checked.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/** `{"error": {"type": "DataException", "message": "no data", "code": 800}}`, sent with HTTP 200. */
export const ErrorAnswer = t.type({ error: t.intersection([t.type({ code: t.number }), t.partial({ type: t.string, message: t.string })]) });

const Named = t.intersection([t.type({ name: t.string }), t.partial({ id: t.number, role: t.string })]);

/**
 * A track, full (/track/{id}: isrc, contributors, album) or as a list's entry (a playlist's: album
 * but no isrc; an album's: isrc but no album). `duration` is in seconds.
 */
export const Track = t.intersection([
  t.type({ id: t.number, title: t.string }),
  t.partial({
    type: t.string,
    link: t.string,
    duration: nullable(t.number),
    isrc: nullable(t.string),
    artist: nullable(Named),
    contributors: t.array(Named),
    album: nullable(t.partial({ title: t.string, cover_xl: nullable(t.string), cover_big: nullable(t.string) })),
  }),
]);
export type Track = t.TypeOf<typeof Track>;

export const Album = t.intersection([t.type({ id: t.number, title: t.string }), t.partial({ link: t.string, nb_tracks: t.number, cover_xl: nullable(t.string), cover_big: nullable(t.string) })]);
export type Album = t.TypeOf<typeof Album>;

export const Playlist = t.intersection([t.type({ id: t.number, title: t.string }), t.partial({ link: t.string, nb_tracks: t.number, picture_xl: nullable(t.string) })]);
export type Playlist = t.TypeOf<typeof Playlist>;

/** A list page: `next` is the full URL of the following page, absent on the last. */
export const Page = t.intersection([t.type({ data: t.array(t.unknown) }), t.partial({ total: t.number, next: nullable(t.string) })]);
export type Page = t.TypeOf<typeof Page>;
