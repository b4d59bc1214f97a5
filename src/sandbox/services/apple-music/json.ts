/**
 * Apple Music API resources as developer.apple.com's reference describes them (songs, albums,
 * playlists with their `tracks` relationship and `next` pages, error objects), as amp-api serves them
 * to the web player; values made up. Fields hiqty does not read are there so the decoder is proven to
 * ignore them.
 */
import { albumUrl, STOREFRONT, type FakeAppleAlbum, type FakeApplePlaylist, type FakeAppleSong } from './catalog';

const CATALOG = `/v1/catalog/${STOREFRONT}`;

function artworkJson(seed: string): Record<string, unknown> {
  const hex = Buffer.from(seed).toString('hex').padEnd(32, '0').slice(0, 32);
  return {
    width: 3000,
    height: 3000,
    url: `https://is1-ssl.mzstatic.com/image/thumb/Music126/v4/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(4, 6)}/${hex}/${seed}.jpg/{w}x{h}bb.jpg`,
    bgColor: '1a1a1a',
    textColor1: 'ffffff',
    textColor2: 'e0e0e0',
    textColor3: 'c8c8c8',
    textColor4: 'b4b4b4',
  };
}

export function songJson(song: FakeAppleSong): Record<string, unknown> {
  return {
    id: song.id,
    type: 'songs',
    href: `${CATALOG}/songs/${song.id}`,
    attributes: {
      albumName: song.albumName,
      artistName: song.artistName,
      artwork: artworkJson(song.albumId),
      composerName: song.artistName,
      discNumber: 1,
      durationInMillis: song.song.durationMs,
      genreNames: ['Electronic', 'Music'],
      hasLyrics: false,
      isAppleDigitalMaster: false,
      ...(song.song.isrc === undefined ? {} : { isrc: song.song.isrc }),
      name: song.song.title,
      playParams: { id: song.id, kind: 'song' },
      previews: [{ url: `https://audio-ssl.itunes.apple.com/itunes-assets/AudioPreview/${song.id}.plus.aac.p.m4a` }],
      releaseDate: '2024-05-06',
      trackNumber: 1,
      url: `https://music.apple.com/${STOREFRONT}/album/${song.slug}/${song.albumId}?i=${song.id}`,
    },
  };
}

/** An entry not sold in the storefront: its id, type and href only. */
export function unavailableJson(id: string): Record<string, unknown> {
  return { id, type: 'songs', href: `${CATALOG}/songs/${id}` };
}

/** A page of a `tracks` relationship: `next` is a path on the API host, absent on the last page. */
export function tracksPageJson(path: string, data: readonly unknown[], offset: number, limit: number, total: number): Record<string, unknown> {
  return { href: `${path}${offset === 0 ? '' : `?offset=${offset}`}`, ...(offset + limit < total ? { next: `${path}?offset=${offset + limit}` } : {}), data, meta: { total } };
}

export function albumJson(album: FakeAppleAlbum): Record<string, unknown> {
  return {
    id: album.id,
    type: 'albums',
    href: `${CATALOG}/albums/${album.id}`,
    attributes: {
      artistName: album.artistName,
      artwork: artworkJson(album.id),
      copyright: '℗ 2024 hiqty tones',
      genreNames: ['Electronic', 'Music'],
      isComplete: true,
      isSingle: false,
      name: album.name,
      playParams: { id: album.id, kind: 'album' },
      recordLabel: 'hiqty tones',
      releaseDate: '2024-05-06',
      trackCount: album.songs.length,
      upc: '00602445790017',
      url: albumUrl(album),
    },
    relationships: {
      artists: { href: `${CATALOG}/albums/${album.id}/artists`, data: [{ id: '1700000900', type: 'artists', href: `${CATALOG}/artists/1700000900` }] },
      tracks: tracksPageJson(`${CATALOG}/albums/${album.id}/tracks`, album.songs.map(songJson), 0, 300, album.songs.length),
    },
  };
}

export function entryJson(entry: FakeApplePlaylist['entries'][number]): Record<string, unknown> {
  return 'unavailable' in entry ? unavailableJson(entry.unavailable) : songJson(entry);
}

export function playlistJson(playlist: FakeApplePlaylist, firstPage: Record<string, unknown>): Record<string, unknown> {
  return {
    id: playlist.id,
    type: 'playlists',
    href: `${CATALOG}/playlists/${playlist.id}`,
    attributes: {
      artwork: artworkJson(playlist.id),
      curatorName: playlist.curator,
      description: { standard: 'Tones, all day long.' },
      isChart: false,
      lastModifiedDate: '2025-06-07T08:09:10Z',
      name: playlist.name,
      playParams: { id: playlist.id, kind: 'playlist' },
      playlistType: 'editorial',
      url: `https://music.apple.com/${STOREFRONT}/playlist/${playlist.slug}/${playlist.id}`,
    },
    relationships: { tracks: firstPage },
  };
}

export function errorsJson(status: number, title: string, detail: string): Record<string, unknown> {
  return { errors: [{ id: 'HIQTYFAKE0000000000000000', title, detail, status: String(status), code: `${status}00` }] };
}
