/**
 * api-v2 JSON as soundcloud.com's web client receives it (field names and shapes observed from the
 * real API; values made up). Extra fields hiqty does not read are there so the decoder is proven to
 * ignore them.
 */
import { permalink, trackUrl, setUrl, type FakeSet, type FakeStream, type FakeTrack, type FakeUser } from './catalog';

export const API = 'https://api-v2.soundcloud.com';
/** A tone's full length in the fake, in ms; what `duration` and `full_duration` say. */
export type Durations = { readonly toneMs: number };

export function userJson(user: FakeUser): Record<string, unknown> {
  return {
    avatar_url: `https://i1.sndcdn.com/avatars-000${user.id}-abcdef-large.jpg`,
    first_name: '',
    full_name: user.username,
    id: user.id,
    kind: 'user',
    last_modified: '2025-01-02T03:04:05Z',
    permalink: user.permalink,
    permalink_url: permalink(user),
    uri: `https://api.soundcloud.com/users/${user.id}`,
    urn: `soundcloud:users:${user.id}`,
    username: user.username,
    verified: false,
    city: null,
    country_code: null,
    badges: { pro: false, pro_unlimited: false, verified: false },
    station_urn: `soundcloud:system-playlists:artist-stations:${user.id}`,
  };
}

/** A stable fake uuid per track and preset, as transcoding URLs carry. */
function uuid(track: FakeTrack, preset: string): string {
  const hex = Buffer.from(`${track.id}:${preset}`).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function transcoding(track: FakeTrack, preset: string, protocol: string, mime: string, kind: 'hls' | 'progressive', durationMs: number, snipped = false): Record<string, unknown> {
  return {
    url: `${API}/media/soundcloud:tracks:${track.id}/${uuid(track, preset)}/${snipped ? 'preview' : 'stream'}/${kind}`,
    preset,
    duration: snipped ? 30_000 : durationMs,
    snipped,
    format: { protocol, mime_type: mime },
    quality: 'sq',
    is_legacy_transcoding: preset.startsWith('mp3'),
  };
}

const AAC = 'audio/mp4; codecs="mp4a.40.2"';

function transcodings(track: FakeTrack, stream: FakeStream, durationMs: number): Record<string, unknown>[] {
  switch (stream) {
    case 'hls-aac':
      return [transcoding(track, 'aac_160k', 'hls', AAC, 'hls', durationMs)];
    case 'hls-ts':
      return [transcoding(track, 'mp3_0_1', 'hls', 'audio/mpeg', 'hls', durationMs)];
    case 'progressive':
      return [transcoding(track, 'mp3_1_0', 'progressive', 'audio/mpeg', 'progressive', durationMs)];
    case 'preview':
      return [
        transcoding(track, 'aac_160k', 'hls', AAC, 'hls', durationMs, true),
        transcoding(track, 'mp3_1_0', 'progressive', 'audio/mpeg', 'progressive', durationMs, true),
      ];
    case 'drm':
      return [
        transcoding(track, 'aac_160k', 'ctr-encrypted-hls', AAC, 'hls', durationMs),
        transcoding(track, 'aac_160k', 'cbc-encrypted-hls', AAC, 'hls', durationMs),
      ];
    case 'rogue':
      return [transcoding(track, 'aac_160k', 'hls', AAC, 'hls', durationMs)];
  }
}

/** The `track_authorization` the fake hands out with a track and expects back on its transcodings. */
export function trackAuthorization(track: FakeTrack): string {
  return `eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ track: track.id })).toString('base64url')}.sig`;
}

export function trackJson(track: FakeTrack, { toneMs }: Durations): Record<string, unknown> {
  const preview = track.policy === 'SNIP';
  return {
    artwork_url: track.id % 2 === 0 ? `https://i1.sndcdn.com/artworks-000${track.id}-abcdef-large.jpg` : null,
    caption: null,
    commentable: true,
    comment_count: 3,
    created_at: '2024-05-06T07:08:09Z',
    description: `A ${track.hz} Hz sine tone`,
    downloadable: false,
    // A preview's `duration` is the preview; `full_duration` is the track.
    duration: preview ? 30_000 : toneMs,
    full_duration: toneMs,
    embeddable_by: 'all',
    genre: 'Tones',
    has_downloads_left: false,
    id: track.id,
    kind: 'track',
    label_name: null,
    last_modified: '2024-05-06T07:08:09Z',
    license: 'all-rights-reserved',
    likes_count: 42,
    permalink: track.slug,
    permalink_url: trackUrl(track),
    playback_count: 1234,
    public: true,
    publisher_metadata: track.artist !== undefined ? { id: track.id, urn: `soundcloud:tracks:${track.id}`, artist: track.artist, contains_music: true, isrc: track.isrc ?? null } : null,
    purchase_title: null,
    purchase_url: null,
    release_date: null,
    reposts_count: 1,
    secret_token: null,
    sharing: 'public',
    state: 'finished',
    streamable: true,
    tag_list: 'tone sine',
    title: track.title,
    track_format: 'single-track',
    uri: `https://api.soundcloud.com/tracks/${track.id}`,
    urn: `soundcloud:tracks:${track.id}`,
    user_id: track.user.id,
    visuals: null,
    waveform_url: `https://wave.sndcdn.com/${track.id}_m.json`,
    display_date: '2024-05-06T07:08:09Z',
    media: { transcodings: track.streams.flatMap((s) => transcodings(track, s, toneMs)) },
    station_urn: `soundcloud:system-playlists:track-stations:${track.id}`,
    station_permalink: `track-stations:${track.id}`,
    track_authorization: trackAuthorization(track),
    monetization_model: track.policy === 'SNIP' ? 'SUB_HIGH_TIER' : track.policy === 'MONETIZE' ? 'AD_SUPPORTED' : 'NOT_APPLICABLE',
    policy: track.policy ?? 'ALLOW',
    user: userJson(track.user),
  };
}

/** A set's entry past the first few, as the web client receives it before asking /tracks?ids=. */
export function trackStubJson(track: FakeTrack): Record<string, unknown> {
  return { id: track.id, kind: 'track', monetization_model: 'NOT_APPLICABLE', policy: track.policy ?? 'ALLOW' };
}

export function setJson(set: FakeSet, durations: Durations, full = false): Record<string, unknown> {
  return {
    artwork_url: null,
    created_at: '2024-05-06T07:08:09Z',
    description: 'Tones in a row',
    duration: durations.toneMs * set.tracks.length,
    embeddable_by: 'all',
    genre: 'Tones',
    id: set.id,
    kind: 'playlist',
    label_name: null,
    last_modified: '2024-05-06T07:08:09Z',
    license: 'all-rights-reserved',
    likes_count: 7,
    managed_by_feeds: false,
    permalink: set.slug,
    permalink_url: setUrl(set),
    public: true,
    purchase_title: null,
    purchase_url: null,
    release_date: null,
    reposts_count: 0,
    secret_token: null,
    sharing: 'public',
    tag_list: '',
    title: set.title,
    uri: `https://api.soundcloud.com/playlists/${set.id}`,
    user_id: set.user.id,
    set_type: '',
    is_album: false,
    published_at: '2024-05-06T07:08:09Z',
    display_date: '2024-05-06T07:08:09Z',
    user: userJson(set.user),
    tracks: set.tracks.map((t, i) => (full || i < set.fullEntries ? trackJson(t, durations) : trackStubJson(t))),
    track_count: set.tracks.length,
  };
}
