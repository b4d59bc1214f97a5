/**
 * What the Deezer fake knows: a track, an album of three, a playlist long enough to be read in pages
 * by `next`, short links to them, and ids scripted to fail (missing: error 800; malformed). Tests
 * import these instead of repeating ids and links.
 */
import { generatedSong, SONGS, type CatalogSong } from '../catalog';

export { SONGS, artistLine, type CatalogSong } from '../catalog';

export interface FakeDeezerTrack {
  readonly id: number;
  readonly song: CatalogSong;
  readonly albumId: number;
  readonly albumTitle: string;
}

export interface FakeDeezerAlbum {
  readonly id: number;
  readonly title: string;
  readonly artist: string;
  readonly tracks: readonly FakeDeezerTrack[];
}

export interface FakeDeezerPlaylist {
  readonly id: number;
  readonly title: string;
  readonly creator: string;
  readonly tracks: readonly FakeDeezerTrack[];
}

const track = (id: number, song: CatalogSong, albumId: number, albumTitle: string): FakeDeezerTrack => ({ id, song, albumId, albumTitle });

export const RICKROLL: FakeDeezerTrack = track(900_000_001, SONGS.rickroll, 900_000_100, 'Whenever You Need Somebody');

export const WAVEFORMS: FakeDeezerAlbum = {
  id: 900_000_200,
  title: 'Waveforms',
  artist: 'The Oscillators',
  tracks: [track(900_000_011, SONGS.sineOfTheTimes, 900_000_200, 'Waveforms'), track(900_000_012, SONGS.squareDance, 900_000_200, 'Waveforms'), track(900_000_013, SONGS.sawtoothSunrise, 900_000_200, 'Waveforms')],
};

/** 230 tracks: three pages of 100, 100 and 30 by Deezer's `next`. */
export const LONG_PLAYLIST: FakeDeezerPlaylist = {
  id: 900_000_300,
  title: 'Tone Marathon',
  creator: 'hiqty',
  tracks: Array.from({ length: 230 }, (_, i) => track(900_100_000 + i, generatedSong('Marathon Tone', i + 1, 'QZHQD25'), 900_000_400, 'Marathon Tones')),
};

/** An id Deezer does not know: HTTP 200 with error 800 (DataException, "no data"). */
export const MISSING_TRACK_ID = 900_000_999;
/** A track whose answer breaks the API's shape (a string id, no title). */
export const MALFORMED_TRACK_ID = 900_000_998;

/** deezer.page.link/{code} → the track; link.deezer.com/s/{code} → the album. */
export const PAGE_LINK_CODE = 'hqTrack1Code';
export const SHARE_LINK_CODE = 'hqAlbum1Code';

export function deezerUrl(kind: 'track' | 'album' | 'playlist', id: number, lang = 'en'): string {
  return `https://www.deezer.com/${lang}/${kind}/${id}`;
}
