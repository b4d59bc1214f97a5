/**
 * Web API objects as developer.spotify.com's reference describes them (track, simplified track,
 * album, playlist, playlist track, episode, paging objects), with values made up. Fields hiqty does
 * not read are there so the decoder is proven to ignore them.
 */
import { fakeSpotifyId, type FakePlaylistEntry, type FakeSpotifyAlbum, type FakeSpotifyPlaylist, type FakeSpotifyTrack } from './catalog';

export const API = 'https://api.spotify.com/v1';
const OPEN = 'https://open.spotify.com';

function artistJson(name: string): Record<string, unknown> {
  const id = fakeSpotifyId(`Artist${name}`);
  return { external_urls: { spotify: `${OPEN}/artist/${id}` }, href: `${API}/artists/${id}`, id, name, type: 'artist', uri: `spotify:artist:${id}` };
}

/** Widest first, as Spotify lists them. */
function images(seed: string): Record<string, unknown>[] {
  const hash = Buffer.from(seed).toString('hex').padEnd(24, '0').slice(0, 24);
  return [640, 300, 64].map((px) => ({ url: `https://i.scdn.co/image/ab67616d0000${px === 640 ? 'b273' : px === 300 ? '1e02' : '4851'}${hash}`, height: px, width: px }));
}

export function albumStubJson(album: FakeSpotifyAlbum, totalTracks: number): Record<string, unknown> {
  return {
    album_type: 'album',
    total_tracks: totalTracks,
    available_markets: ['US', 'GB', 'DE'],
    external_urls: { spotify: `${OPEN}/album/${album.id}` },
    href: `${API}/albums/${album.id}`,
    id: album.id,
    images: images(album.id),
    name: album.name,
    release_date: '2024-05-06',
    release_date_precision: 'day',
    type: 'album',
    uri: `spotify:album:${album.id}`,
    artists: album.artists.map(artistJson),
  };
}

/** A simplified track: an album's entry, without album, external_ids or popularity. */
export function simplifiedTrackJson(track: FakeSpotifyTrack, number: number): Record<string, unknown> {
  return {
    artists: track.song.artists.map(artistJson),
    available_markets: ['US', 'GB', 'DE'],
    disc_number: 1,
    duration_ms: track.song.durationMs,
    explicit: false,
    external_urls: { spotify: `${OPEN}/track/${track.id}` },
    href: `${API}/tracks/${track.id}`,
    id: track.id,
    is_local: false,
    name: track.song.title,
    preview_url: null,
    track_number: number,
    type: 'track',
    uri: `spotify:track:${track.id}`,
  };
}

export function trackJson(track: FakeSpotifyTrack, albumTracks: number): Record<string, unknown> {
  return {
    ...simplifiedTrackJson(track, 1),
    album: albumStubJson(track.album, albumTracks),
    external_ids: track.song.isrc === undefined ? {} : { isrc: track.song.isrc },
    popularity: 42,
  };
}

/** A local file: null ids and hrefs, `is_local`, a `spotify:local:` uri. */
function localJson(entry: Extract<FakePlaylistEntry, { kind: 'local' }>): Record<string, unknown> {
  return {
    album: { album_type: null, type: 'album', available_markets: [], external_urls: {}, href: null, id: null, images: [], name: 'Local Files', release_date: null, release_date_precision: null, uri: null, artists: [] },
    artists: [{ external_urls: {}, href: null, id: null, name: entry.artist, type: 'artist', uri: null }],
    available_markets: [],
    disc_number: 0,
    duration_ms: entry.durationMs,
    explicit: false,
    external_ids: {},
    external_urls: {},
    href: null,
    id: null,
    is_local: true,
    name: entry.title,
    popularity: 0,
    preview_url: null,
    track_number: 0,
    type: 'track',
    uri: `spotify:local:${encodeURIComponent(entry.artist)}::${encodeURIComponent(entry.title)}:${Math.round(entry.durationMs / 1000)}`,
  };
}

/**
 * An episode. Asked with `additional_types=episode` it is an episode object; otherwise, as the
 * reference says existing clients get, a track-shaped object flagged `episode: true`.
 */
function episodeJson(entry: Extract<FakePlaylistEntry, { kind: 'episode' }>, episodes: boolean): Record<string, unknown> {
  const common = { duration_ms: entry.durationMs, explicit: false, external_urls: { spotify: `${OPEN}/episode/${entry.id}` }, href: `${API}/episodes/${entry.id}`, id: entry.id, name: entry.title, uri: `spotify:episode:${entry.id}` };
  if (episodes) {
    return {
      ...common,
      audio_preview_url: null,
      description: 'Why sines sound the way they do.',
      images: images(entry.id),
      is_externally_hosted: false,
      is_playable: true,
      language: 'en',
      languages: ['en'],
      release_date: '2025-03-04',
      release_date_precision: 'day',
      show: { id: fakeSpotifyId(`Show${entry.show}`), name: entry.show, publisher: 'hiqty', type: 'show' },
      type: 'episode',
      episode: true,
      track: false,
    };
  }
  return { ...common, album: { name: entry.show, images: images(entry.id), type: 'show' }, artists: [artistJson(entry.show)], type: 'track', episode: true, track: false, is_local: false, external_ids: {} };
}

export function playlistEntryJson(entry: FakePlaylistEntry, index: number, episodes: boolean, albumTracks: (album: FakeSpotifyAlbum) => number): Record<string, unknown> {
  const base = { added_at: `2025-01-02T03:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}Z`, added_by: { external_urls: {}, href: `${API}/users/hiqty`, id: 'hiqty', type: 'user', uri: 'spotify:user:hiqty' }, primary_color: null, video_thumbnail: { url: null } };
  switch (entry.kind) {
    case 'track':
      return { ...base, is_local: false, track: trackJson(entry.track, albumTracks(entry.track.album)) };
    case 'local':
      return { ...base, is_local: true, track: localJson(entry) };
    case 'episode':
      return { ...base, is_local: false, track: episodeJson(entry, episodes) };
    case 'removed':
      return { ...base, is_local: false, track: null };
  }
}

/** A paging object over `items`, with `next` and `previous` as Spotify builds them. */
export function pagingJson(path: string, items: readonly unknown[], offset: number, limit: number, total: number, extraQuery = ''): Record<string, unknown> {
  const at = (o: number): string => `${API}${path}?offset=${o}&limit=${limit}${extraQuery}`;
  return {
    href: at(offset),
    items,
    limit,
    next: offset + limit < total ? at(offset + limit) : null,
    offset,
    previous: offset > 0 ? at(Math.max(0, offset - limit)) : null,
    total,
  };
}

export function playlistJson(playlist: FakeSpotifyPlaylist, firstPage: Record<string, unknown> | undefined, field: 'tracks' | 'items'): Record<string, unknown> {
  return {
    collaborative: false,
    description: `${playlist.entries.length} entries`,
    external_urls: { spotify: `${OPEN}/playlist/${playlist.id}` },
    followers: { href: null, total: 3 },
    href: `${API}/playlists/${playlist.id}`,
    id: playlist.id,
    images: [{ url: `https://mosaic.scdn.co/640/${Buffer.from(playlist.id).toString('hex').slice(0, 40)}`, height: null, width: null }],
    name: playlist.name,
    owner: { display_name: playlist.owner, external_urls: { spotify: `${OPEN}/user/${playlist.owner}` }, href: `${API}/users/${playlist.owner}`, id: playlist.owner, type: 'user', uri: `spotify:user:${playlist.owner}` },
    primary_color: null,
    public: true,
    snapshot_id: 'AAAAB2hpcXR5IHNuYXBzaG90',
    [field]: firstPage ?? { href: `${API}/playlists/${playlist.id}/${field}`, total: playlist.entries.length },
    type: 'playlist',
    uri: `spotify:playlist:${playlist.id}`,
  };
}

export function albumJson(album: FakeSpotifyAlbum, tracksPage: Record<string, unknown>, total: number): Record<string, unknown> {
  return {
    ...albumStubJson(album, total),
    tracks: tracksPage,
    copyrights: [{ text: '2024 hiqty tones', type: 'C' }],
    external_ids: { upc: '00602445790000' },
    genres: [],
    label: 'hiqty tones',
    popularity: 17,
  };
}
