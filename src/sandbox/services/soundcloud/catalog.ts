/**
 * What the SoundCloud fake knows: users, tracks (each a tone of its own frequency, so the sandbox's
 * monitor can tell them apart), a set, a user's likes, and the scripted failures. Tests import these
 * constants instead of repeating ids and links.
 */
import { artistLine, SONGS } from '../catalog';

/** How a track streams, as its `media.transcodings` say. */
export type FakeStream =
  /** HLS, AAC in fMP4 with an EXT-X-MAP (preset aac_160k), on playback.media-streaming.soundcloud.cloud. */
  | 'hls-aac'
  /**
   * HLS as the MP3 rendition (preset mp3_0_1, audio/mpeg) on cf-hls-media.sndcdn.com. The fixture's
   * segments are MPEG-TS holding AAC (what makeHlsTone makes), not SoundCloud's MP3 segments: the
   * point is a second segment container, and ffmpeg reads either.
   */
  | 'hls-ts'
  /** A progressive MP3 (preset mp3_1_0) on cf-media.sndcdn.com. */
  | 'progressive'
  /** `snipped: true` transcodings only (a Go+ track's 30 s preview), policy SNIP. */
  | 'preview'
  /** ctr-encrypted-hls and cbc-encrypted-hls only (Widevine / FairPlay). */
  | 'drm'
  /** A transcoding whose `{url}` points at a private address no override maps (the address policy must refuse it). */
  | 'rogue';

export interface FakeUser {
  readonly id: number;
  readonly permalink: string;
  readonly username: string;
}

export interface FakeTrack {
  readonly id: number;
  readonly user: FakeUser;
  /** The last path segment of its permalink. */
  readonly slug: string;
  readonly title: string;
  readonly hz: number;
  /** Offered transcodings, in the order the JSON lists them. */
  readonly streams: readonly FakeStream[];
  readonly policy?: 'ALLOW' | 'MONETIZE' | 'SNIP' | 'BLOCK';
  readonly artist?: string;
  readonly isrc?: string;
}

export const TONES_USER: FakeUser = { id: 100_001, permalink: 'hiqty-tones', username: 'hiqty tones' };
export const FAN_USER: FakeUser = { id: 100_002, permalink: 'tone-fan', username: 'Tone Fan' };
export const RICK_USER: FakeUser = { id: 100_003, permalink: 'rick-astley-official', username: 'Rick Astley' };

/** The plain track: HLS AAC (fMP4), with a DRM variant beside it that must be skipped. */
export const TRACK_HLS: FakeTrack = { id: 200_001, user: TONES_USER, slug: 'tone-440', title: 'Tone 440 Hz', hz: 440, streams: ['drm', 'hls-aac'] };
/** Progressive MP3 offered beside HLS: the source must prefer the file. */
export const TRACK_MP3: FakeTrack = { id: 200_002, user: TONES_USER, slug: 'tone-550', title: 'Tone 550 Hz', hz: 550, streams: ['hls-aac', 'progressive'] };
/** HLS with MPEG-TS segments only. */
export const TRACK_TS: FakeTrack = { id: 200_003, user: TONES_USER, slug: 'tone-660', title: 'Tone 660 Hz', hz: 660, streams: ['hls-ts'] };
/** The top result for "never gonna give you up". */
export const TRACK_RICK: FakeTrack = {
  id: 200_004,
  user: RICK_USER,
  slug: 'never-gonna-give-you-up',
  title: 'Never Gonna Give You Up',
  hz: 330,
  streams: ['hls-aac'],
  policy: 'MONETIZE',
  artist: 'Rick Astley',
  isrc: 'GBARL9300135',
};
export const TRACK_PREVIEW: FakeTrack = { id: 200_005, user: TONES_USER, slug: 'go-plus-only', title: 'Go+ Only Tone', hz: 880, streams: ['preview'], policy: 'SNIP' };
export const TRACK_DRM: FakeTrack = { id: 200_006, user: TONES_USER, slug: 'drm-tone', title: 'DRM Tone', hz: 990, streams: ['drm'], policy: 'MONETIZE' };
export const TRACK_BLOCKED: FakeTrack = { id: 200_007, user: TONES_USER, slug: 'blocked-tone', title: 'Blocked Tone', hz: 770, streams: [], policy: 'BLOCK' };
export const TRACK_ROGUE: FakeTrack = { id: 200_008, user: TONES_USER, slug: 'rogue-tone', title: 'Rogue Tone', hz: 600, streams: ['rogue'] };
export const NYQUIST_USER: FakeUser = { id: 100_004, permalink: 'nyquist', username: 'Nyquist' };
/** A song of the shared catalog found only here (not on YouTube): a Spotify mirror plays it from SoundCloud, its ISRC confirming the match. */
export const TRACK_SAWTOOTH: FakeTrack = {
  id: 200_009,
  user: NYQUIST_USER,
  slug: 'sawtooth-sunrise',
  title: SONGS.sawtoothSunrise.title,
  hz: 2450,
  streams: ['progressive'],
  artist: artistLine(SONGS.sawtoothSunrise),
  ...(SONGS.sawtoothSunrise.isrc === undefined ? {} : { isrc: SONGS.sawtoothSunrise.isrc }),
};

/** Every track /tracks/{id} knows. */
export const TRACKS: readonly FakeTrack[] = [TRACK_HLS, TRACK_MP3, TRACK_TS, TRACK_RICK, TRACK_PREVIEW, TRACK_DRM, TRACK_BLOCKED, TRACK_ROGUE, TRACK_SAWTOOTH];

/** A track that was taken down: its link and id answer 404. */
export const REMOVED_TRACK = { id: 200_099, url: 'https://soundcloud.com/hiqty-tones/taken-down' } as const;

export interface FakeSet {
  readonly id: number;
  readonly user: FakeUser;
  readonly slug: string;
  readonly title: string;
  readonly tracks: readonly FakeTrack[];
  /** How many entries the set's JSON carries in full; the rest are `{id, kind, policy}` stubs. */
  readonly fullEntries: number;
}

/** Three playable tracks and a preview, the last two as stubs. */
export const SET_TONES: FakeSet = {
  id: 300_001,
  user: TONES_USER,
  slug: 'three-tones',
  title: 'Three Tones',
  tracks: [TRACK_HLS, TRACK_MP3, TRACK_TS, TRACK_PREVIEW],
  fullEntries: 2,
};

/** 60 entries, all stubs past the first 5: /tracks?ids= must be asked in batches of 50. */
export const BIG_SET_SIZE = 60;
export const BIG_SET = { id: 300_002, user: TONES_USER, slug: 'sixty-tones', title: 'Sixty Tones', firstTrackId: 400_001, hz: 500 } as const;

/** tone-fan's likes, newest first, two a page: a track, a liked set (not a track), DRM, Rick. */
export const LIKES: readonly ({ readonly track: FakeTrack } | { readonly set: FakeSet })[] = [
  { track: TRACK_HLS },
  { set: SET_TONES },
  { track: TRACK_DRM },
  { track: TRACK_RICK },
];
export const LIKES_PAGE_SIZE = 2;

/** The on.soundcloud.com short code that redirects to TRACK_HLS. */
export const SHORT_CODE = 'Ab3dE9fGh';

export const SEARCH_QUERY = 'never gonna give you up';

export function permalink(user: FakeUser, ...rest: string[]): string {
  return ['https://soundcloud.com', user.permalink, ...rest].join('/');
}

export function trackUrl(track: FakeTrack): string {
  return permalink(track.user, track.slug);
}

export function setUrl(set: { readonly user: FakeUser; readonly slug: string }): string {
  return permalink(set.user, 'sets', set.slug);
}

export function likesUrl(user: FakeUser): string {
  return permalink(user, 'likes');
}

/**
 * What the fake's `GET /tracks/{id}/related` lists for a track: the other catalogue tracks, the same
 * uploader's first, in catalogue order. Unplayable ones (previews, DRM, blocked) are listed too, as
 * SoundCloud lists them: the client must leave them out.
 */
export function relatedTracks(seed: FakeTrack): FakeTrack[] {
  const others = TRACKS.filter((t) => t.id !== seed.id);
  return [...others.filter((t) => t.user.id === seed.user.id), ...others.filter((t) => t.user.id !== seed.user.id)];
}
