/**
 * io-ts codecs of the Spotify Web API answers hiqty reads (developer.spotify.com's reference: the token
 * endpoint of the client-credentials flow, tracks, albums, playlists and their pages). Only the fields
 * hiqty uses are checked; everything else passes untouched. Fields the reference marks nullable, or
 * that the February 2026 changes dropped for Development Mode apps, are optional here.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/** POST accounts.spotify.com/api/token with grant_type=client_credentials. */
export const TokenAnswer = t.intersection([t.type({ access_token: t.string, expires_in: t.number }), t.partial({ token_type: t.string })]);

/** What accounts.spotify.com answers a refused token request with (OAuth 2.0's error answer). */
export const TokenError = t.intersection([t.type({ error: t.string }), t.partial({ error_description: t.string })]);

/** What api.spotify.com answers an error with. */
export const ApiError = t.type({ error: t.intersection([t.type({ status: t.number }), t.partial({ message: t.string })]) });

export const Image = t.intersection([t.type({ url: t.string }), t.partial({ width: nullable(t.number), height: nullable(t.number) })]);

export const Artist = t.partial({ id: nullable(t.string), name: nullable(t.string) });

/**
 * A track, full (/v1/tracks/{id}, a playlist's entry) or simplified (an album's entry, without album
 * and external_ids). A local file in a playlist has a null id and `is_local`; an episode has
 * `type: 'episode'` (or, for clients that did not ask for episodes, `episode: true`).
 */
export const Track = t.intersection([
  t.type({
    id: nullable(t.string),
    name: t.string,
  }),
  t.partial({
    type: t.string,
    duration_ms: nullable(t.number),
    artists: t.array(Artist),
    album: nullable(t.partial({ name: nullable(t.string), images: t.array(Image) })),
    external_ids: nullable(t.partial({ isrc: nullable(t.string) })),
    is_local: nullable(t.boolean),
    episode: nullable(t.boolean),
    /** An episode's show, for the reason it is skipped. */
    show: nullable(t.partial({ name: nullable(t.string) })),
  }),
]);
export type Track = t.TypeOf<typeof Track>;

/** A paging object: `next` is null on the last page. */
export const Page = t.intersection([t.type({ items: t.array(t.unknown) }), t.partial({ next: nullable(t.string), total: t.number, offset: t.number, limit: t.number })]);
export type Page = t.TypeOf<typeof Page>;

/**
 * A playlist's entry. Its track is null when it was removed from Spotify. The February 2026 changes
 * renamed `track` to `item` for Development Mode apps; both are read.
 */
export const PlaylistEntry = t.partial({ is_local: nullable(t.boolean), track: nullable(t.unknown), item: nullable(t.unknown) });

export const Album = t.intersection([
  t.type({ id: t.string, name: t.string }),
  t.partial({ images: t.array(Image), artists: t.array(Artist), tracks: Page, total_tracks: t.number }),
]);
export type Album = t.TypeOf<typeof Album>;

/**
 * A playlist. Its first page of entries is embedded under `tracks` (`items` after the February 2026
 * rename); for a Development Mode app reading someone else's playlist it is metadata only, a summary
 * `{href, total}` without entries.
 */
export const PlaylistSummary = t.partial({ items: t.array(t.unknown), next: nullable(t.string), total: t.number, href: t.string });

export const Playlist = t.intersection([
  t.type({ id: t.string, name: t.string }),
  t.partial({ images: nullable(t.array(Image)), owner: t.partial({ display_name: nullable(t.string) }), tracks: PlaylistSummary, items: PlaylistSummary }),
]);
export type Playlist = t.TypeOf<typeof Playlist>;
