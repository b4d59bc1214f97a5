/**
 * io-ts codecs for the api-v2 answers hiqty reads (as observed from soundcloud.com's own web client).
 * Only the fields hiqty uses are checked; everything else passes untouched. Fields SoundCloud sends
 * as null as often as it omits them are `nullable`.
 */
import * as t from 'io-ts';

function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  return t.union([codec, t.null]);
}

/** A transcoding: one way to stream a track (`format.protocol` progressive, hls, or an encrypted HLS). */
export const Transcoding = t.intersection([
  t.type({
    url: t.string,
    preset: t.string,
    format: t.type({ protocol: t.string, mime_type: t.string }),
  }),
  t.partial({
    duration: t.number,
    snipped: t.boolean,
    quality: t.string,
  }),
]);
export type Transcoding = t.TypeOf<typeof Transcoding>;

export const User = t.intersection([
  t.type({ id: t.number, username: t.string }),
  t.partial({ kind: t.string, permalink: t.string, permalink_url: t.string, avatar_url: nullable(t.string) }),
]);
export type User = t.TypeOf<typeof User>;

const PublisherMetadata = t.partial({
  artist: nullable(t.string),
  isrc: nullable(t.string),
});

/** A track as /tracks/{id}, /resolve, /tracks?ids= and search answer it. */
export const Track = t.intersection([
  t.type({
    id: t.number,
    kind: t.literal('track'),
    title: t.string,
    permalink_url: t.string,
  }),
  t.partial({
    duration: t.number,
    full_duration: t.number,
    artwork_url: nullable(t.string),
    user: nullable(User),
    publisher_metadata: nullable(PublisherMetadata),
    /** ALLOW, MONETIZE, SNIP (a 30-second preview), BLOCK (not in this region). */
    policy: nullable(t.string),
    streamable: nullable(t.boolean),
    track_authorization: nullable(t.string),
    /** Absent on a track that never finished processing; media.transcodings is then empty. */
    media: nullable(t.partial({ transcodings: t.array(t.unknown) })),
  }),
]);
export type Track = t.TypeOf<typeof Track>;

/** A set's entry beyond the first few: only the id (and policy, monetization) until fetched with /tracks?ids=. */
export const TrackStub = t.type({ id: t.number });

export const Playlist = t.intersection([
  t.type({
    id: t.number,
    kind: t.literal('playlist'),
    title: t.string,
    permalink_url: t.string,
    /** Full tracks for the first few entries, stubs for the rest, in the set's order. */
    tracks: t.array(t.unknown),
  }),
  t.partial({ track_count: t.number, user: nullable(User) }),
]);
export type Playlist = t.TypeOf<typeof Playlist>;

/** What /resolve answers first: its `kind` says which codec reads the rest. */
export const Kinded = t.type({ kind: t.string });

/** A page of /search/tracks or /users/{id}/likes: `next_href` (with its own cursor) until the last. */
export const Page = t.intersection([
  t.type({ collection: t.array(t.unknown) }),
  t.partial({ next_href: nullable(t.string) }),
]);

/** A like: wraps the liked track or playlist. */
export const Like = t.partial({ track: t.unknown, playlist: t.unknown });

/** What a transcoding's URL answers: the signed media URL (a playlist or a file). */
export const StreamLocation = t.type({ url: t.string });

/** /tracks?ids= answers a plain array, in no promised order. */
export const TrackList = t.array(t.unknown);
