/**
 * io-ts codecs of the Apple Music API answers hiqty reads (developer.apple.com's "Apple Music API"
 * reference: resources with `attributes` and `relationships`, relationship pages with `next`), as
 * amp-api.music.apple.com serves them to the web player. Only the fields hiqty uses are checked.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/** A JWT's payload as far as hiqty reads it: when it expires (seconds since the epoch). */
export const JwtPayload = t.intersection([t.type({ exp: t.number }), t.partial({ iss: t.string, iat: t.number, root_https_origin: t.array(t.string) })]);

/** `url` is a template with `{w}` and `{h}` (and in newer answers `{c}` and `{f}`). */
export const Artwork = t.intersection([t.type({ url: t.string }), t.partial({ width: nullable(t.number), height: nullable(t.number) })]);

export const SongAttributes = t.intersection([
  t.type({ name: t.string }),
  t.partial({
    artistName: nullable(t.string),
    albumName: nullable(t.string),
    durationInMillis: nullable(t.number),
    isrc: nullable(t.string),
    url: nullable(t.string),
    artwork: nullable(Artwork),
  }),
]);

/**
 * A song (or a music video, in a playlist). A song not sold in the storefront comes without
 * `attributes`: only its id and type.
 */
export const Song = t.intersection([t.type({ id: t.string, type: t.string }), t.partial({ attributes: SongAttributes })]);
export type Song = t.TypeOf<typeof Song>;

/** A relationship or a page of one: `next` is a path on the API host, absent on the last page. */
export const TracksPage = t.intersection([t.type({ data: t.array(t.unknown) }), t.partial({ next: nullable(t.string), meta: t.partial({ total: t.number }) })]);
export type TracksPage = t.TypeOf<typeof TracksPage>;

/** An album or a playlist: its first page of tracks is the `tracks` relationship. */
export const Collection = t.intersection([
  t.type({ id: t.string, type: t.string }),
  t.partial({
    attributes: t.intersection([t.type({ name: t.string }), t.partial({ url: nullable(t.string), artistName: nullable(t.string), curatorName: nullable(t.string), trackCount: t.number, artwork: nullable(Artwork) })]),
    relationships: t.partial({ tracks: TracksPage }),
  }),
]);
export type Collection = t.TypeOf<typeof Collection>;

/** Every resource answer: `data` is a list, of one for a resource asked by id. */
export const Resources = t.type({ data: t.array(t.unknown) });

/** An error answer: `{errors: [{status, code, title, detail}]}`. */
export const ErrorAnswer = t.type({ errors: t.array(t.partial({ status: t.string, code: t.string, title: t.string, detail: t.string })) });
