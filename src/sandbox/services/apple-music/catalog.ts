/**
 * What the Apple Music fake knows: an album of three songs, a song shared from its album page
 * (`?i=`), a long playlist read in pages, and entries Apple leaves without attributes (not in the
 * storefront). Tests import these instead of repeating ids and links.
 */
import { generatedSong, SONGS, type CatalogSong } from '../catalog';

export { SONGS, artistLine, type CatalogSong } from '../catalog';

export const STOREFRONT = 'us';

export interface FakeAppleSong {
  readonly id: string;
  readonly song: CatalogSong;
  /** Apple's own rendering of the artists: "A & B". */
  readonly artistName: string;
  readonly albumId: string;
  readonly albumName: string;
  readonly slug: string;
}

export interface FakeAppleAlbum {
  readonly id: string;
  readonly name: string;
  readonly artistName: string;
  readonly slug: string;
  readonly songs: readonly FakeAppleSong[];
}

export interface FakeApplePlaylist {
  readonly id: string;
  readonly name: string;
  readonly curator: string;
  readonly slug: string;
  /** A song, or `unavailable`: an entry not sold in the storefront, which comes without attributes. */
  readonly entries: readonly (FakeAppleSong | { readonly unavailable: string })[];
}

const slugOf = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const appleSong = (id: string, song: CatalogSong, albumId: string, albumName: string, artistName = song.artists.join(' & ')): FakeAppleSong => ({ id, song, artistName, albumId, albumName, slug: slugOf(song.title) });

export const WAVEFORMS: FakeAppleAlbum = {
  id: '1700000001',
  name: 'Waveforms',
  artistName: 'The Oscillators',
  slug: 'waveforms',
  songs: [appleSong('1700000011', SONGS.sineOfTheTimes, '1700000001', 'Waveforms'), appleSong('1700000012', SONGS.squareDance, '1700000001', 'Waveforms'), appleSong('1700000013', SONGS.sawtoothSunrise, '1700000001', 'Waveforms')],
};

/** Shared the way the app shares a song: its album's page with `?i=`. */
export const RICKROLL: FakeAppleSong = appleSong('1700000021', SONGS.rickroll, '1700000020', 'Whenever You Need Somebody');

/** A song whose answer breaks the API's shape (a number for a name). */
export const MALFORMED_SONG_ID = '1700000098';

/** An album that exists nowhere: 404. */
export const MISSING_ALBUM_ID = '1700000099';

/** 120 songs and, at entry 50, one not in the storefront: pages of 100 by `next`. */
export const LONG_PLAYLIST: FakeApplePlaylist = {
  id: 'pl.0123456789abcdef0123456789abcdef',
  name: 'Tones All Day',
  curator: 'hiqty',
  slug: 'tones-all-day',
  entries: Array.from({ length: 121 }, (_, i) => (i === 49 ? { unavailable: '1700009999' } : appleSong(String(1_700_100_000 + i), generatedSong('Playlist Tone', i < 49 ? i + 1 : i, 'QZHQA25'), '1700000030', 'Playlist Tones'))),
};

export const SONGS_BY_ID: ReadonlyMap<string, FakeAppleSong> = new Map([...WAVEFORMS.songs, RICKROLL, ...LONG_PLAYLIST.entries.flatMap((e) => ('unavailable' in e ? [] : [e]))].map((s) => [s.id, s]));

export function albumUrl(album: { readonly slug: string; readonly id: string }): string {
  return `https://music.apple.com/${STOREFRONT}/album/${album.slug}/${album.id}`;
}

/** A song's page as Apple links it: its album's page with `?i=`. */
export function songUrl(song: FakeAppleSong): string {
  return `https://music.apple.com/${STOREFRONT}/album/${song.slug}/${song.albumId}?i=${song.id}`;
}

export function playlistUrl(playlist: FakeApplePlaylist): string {
  return `https://music.apple.com/${STOREFRONT}/playlist/${playlist.slug}/${playlist.id}`;
}
