/**
 * Deezer API objects as developers.deezer.com/api describes them (track, album, playlist, their
 * /tracks lists, the error object), values made up. A list's entries carry what Deezer's do: a
 * playlist's have the album but no ISRC, an album's have the ISRC but no album.
 */
import type { FakeDeezerAlbum, FakeDeezerPlaylist, FakeDeezerTrack } from './catalog';

export const API = 'https://api.deezer.com';
const SITE = 'https://www.deezer.com';
const IMAGES = 'https://e-cdns-images.dzcdn.net/images';

function md5Like(seed: string | number): string {
  return Buffer.from(String(seed)).toString('hex').padEnd(32, '0').slice(0, 32);
}

function cover(kind: 'cover' | 'artist', seed: string | number): Record<string, string> {
  const md5 = md5Like(seed);
  const size = (px: number): string => `${IMAGES}/${kind}/${md5}/${px}x${px}-000000-80-0-0.jpg`;
  const field = kind === 'cover' ? 'cover' : 'picture';
  return { [`${field}_small`]: size(56), [`${field}_medium`]: size(250), [`${field}_big`]: size(500), [`${field}_xl`]: size(1000) };
}

function artistId(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return 5_000_000 + h;
}

function artistJson(name: string, full: boolean): Record<string, unknown> {
  const id = artistId(name);
  const base = { id, name, tracklist: `${API}/artist/${id}/top?limit=50`, type: 'artist' };
  return full ? { ...base, link: `${SITE}/artist/${id}`, share: `${SITE}/artist/${id}?utm_source=deezer`, picture: `${API}/artist/${id}/image`, ...cover('artist', id), radio: true } : base;
}

function contributorsJson(track: FakeDeezerTrack): Record<string, unknown>[] {
  return track.song.artists.map((name, i) => ({ ...artistJson(name, true), role: i === 0 ? 'Main' : 'Featured' }));
}

function albumStubJson(track: FakeDeezerTrack): Record<string, unknown> {
  return { id: track.albumId, title: track.albumTitle, link: `${SITE}/album/${track.albumId}`, cover: `${API}/album/${track.albumId}/image`, ...cover('cover', track.albumId), md5_image: md5Like(track.albumId), tracklist: `${API}/album/${track.albumId}/tracks`, type: 'album' };
}

function common(track: FakeDeezerTrack): Record<string, unknown> {
  return {
    id: track.id,
    readable: true,
    title: track.song.title,
    title_short: track.song.title,
    title_version: '',
    link: `${SITE}/track/${track.id}`,
    duration: Math.round(track.song.durationMs / 1000),
    rank: 512_345,
    explicit_lyrics: false,
    explicit_content_lyrics: 0,
    explicit_content_cover: 0,
    preview: `https://cdnt-preview.dzcdn.net/api/1/1/${md5Like(track.id).slice(0, 1)}/${md5Like(track.id)}.mp3`,
    md5_image: md5Like(track.albumId),
    type: 'track',
  };
}

export function trackJson(track: FakeDeezerTrack): Record<string, unknown> {
  return {
    ...common(track),
    ...(track.song.isrc === undefined ? {} : { isrc: track.song.isrc }),
    share: `${SITE}/track/${track.id}?utm_source=deezer&utm_content=track-${track.id}&utm_medium=web`,
    track_position: 1,
    disk_number: 1,
    release_date: '2024-05-06',
    bpm: 120,
    gain: -9.1,
    available_countries: ['US', 'GB', 'FR', 'DE'],
    contributors: contributorsJson(track),
    artist: artistJson(track.song.artists[0] ?? 'Unknown', true),
    album: { ...albumStubJson(track), release_date: '2024-05-06' },
  };
}

/** An album's entry (/album/{id}/tracks): ISRC and position, the main artist, no album. */
export function albumEntryJson(track: FakeDeezerTrack, position: number): Record<string, unknown> {
  return { ...common(track), ...(track.song.isrc === undefined ? {} : { isrc: track.song.isrc }), track_position: position, disk_number: 1, artist: artistJson(track.song.artists[0] ?? 'Unknown', false) };
}

/** A playlist's entry (/playlist/{id}/tracks): the album and main artist, no ISRC. */
export function playlistEntryJson(track: FakeDeezerTrack): Record<string, unknown> {
  return { ...common(track), time_add: 1_717_000_000, artist: { ...artistJson(track.song.artists[0] ?? 'Unknown', false), link: `${SITE}/artist/${artistId(track.song.artists[0] ?? '')}` }, album: albumStubJson(track) };
}

/** A list page with Deezer's `next` (and `prev`), which carry `index` and `limit`. */
export function listJson(path: string, data: readonly unknown[], index: number, limit: number, total: number): Record<string, unknown> {
  const at = (i: number): string => `${API}${path}?limit=${limit}&index=${i}`;
  return { data, total, ...(index > 0 ? { prev: at(Math.max(0, index - limit)) } : {}), ...(index + limit < total ? { next: at(index + limit) } : {}) };
}

export function albumJson(album: FakeDeezerAlbum): Record<string, unknown> {
  const first = album.tracks[0];
  return {
    id: album.id,
    title: album.title,
    upc: '0060244579001',
    link: `${SITE}/album/${album.id}`,
    share: `${SITE}/album/${album.id}?utm_source=deezer`,
    cover: `${API}/album/${album.id}/image`,
    ...cover('cover', album.id),
    md5_image: md5Like(album.id),
    genre_id: 106,
    genres: { data: [{ id: 106, name: 'Electro', picture: `${API}/genre/106/image`, type: 'genre' }] },
    label: 'hiqty tones',
    nb_tracks: album.tracks.length,
    duration: album.tracks.reduce((s, t) => s + Math.round(t.song.durationMs / 1000), 0),
    fans: 12,
    release_date: '2024-05-06',
    record_type: 'album',
    available: true,
    tracklist: `${API}/album/${album.id}/tracks`,
    explicit_lyrics: false,
    contributors: first === undefined ? [] : contributorsJson(first),
    artist: artistJson(album.artist, true),
    type: 'album',
    // Entries without ISRC: hiqty reads /album/{id}/tracks for those.
    tracks: { data: album.tracks.map((t) => ({ ...common(t), artist: artistJson(t.song.artists[0] ?? 'Unknown', false), album: albumStubJson(t) })) },
  };
}

export function playlistJson(playlist: FakeDeezerPlaylist): Record<string, unknown> {
  return {
    id: playlist.id,
    title: playlist.title,
    description: 'Tones for the long run',
    duration: playlist.tracks.reduce((s, t) => s + Math.round(t.song.durationMs / 1000), 0),
    public: true,
    is_loved_track: false,
    collaborative: false,
    nb_tracks: playlist.tracks.length,
    fans: 3,
    link: `${SITE}/playlist/${playlist.id}`,
    share: `${SITE}/playlist/${playlist.id}?utm_source=deezer`,
    picture: `${API}/playlist/${playlist.id}/image`,
    ...cover('cover', playlist.id),
    checksum: md5Like(`checksum${playlist.id}`),
    tracklist: `${API}/playlist/${playlist.id}/tracks`,
    creation_date: '2024-05-06 07:08:09',
    md5_image: md5Like(playlist.id),
    picture_type: 'playlist',
    creator: { id: 42, name: playlist.creator, tracklist: `${API}/user/42/flow`, type: 'user' },
    type: 'playlist',
    tracks: { data: playlist.tracks.slice(0, 25).map(playlistEntryJson), checksum: md5Like(`checksum${playlist.id}`) },
  };
}

export function errorJson(code: number, type: string, message: string): Record<string, unknown> {
  return { error: { type, message, code } };
}
