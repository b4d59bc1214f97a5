/**
 * What the Spotify fake knows: tracks (the shared songs of ../catalog), an album, playlists (the five
 * songs a mirror is tested with, one with odd entries, the 100-track benchmark playlist, and one past
 * hiqty's 1000-track cap), and the client credentials it accepts. Tests import these instead of
 * repeating ids and links.
 */
import { BENCH_SONGS, generatedSong, SONGS, type CatalogSong } from '../catalog';

export { SONGS, BENCH_SONGS, artistLine, type CatalogSong } from '../catalog';

/** A made-up Spotify id: 22 base-62 characters, readable in a test's output. */
export function fakeSpotifyId(label: string): string {
  return `hq${label.replace(/[^0-9A-Za-z]/g, '')}`.padEnd(22, 'X').slice(0, 22);
}

export interface FakeSpotifyAlbum {
  readonly id: string;
  readonly name: string;
  readonly artists: readonly string[];
}

export interface FakeSpotifyTrack {
  readonly id: string;
  readonly song: CatalogSong;
  readonly album: FakeSpotifyAlbum;
}

export type FakePlaylistEntry =
  | { readonly kind: 'track'; readonly track: FakeSpotifyTrack }
  /** A file from the owner's device: `is_local`, a null id. */
  | { readonly kind: 'local'; readonly title: string; readonly artist: string; readonly durationMs: number }
  /** A podcast episode. */
  | { readonly kind: 'episode'; readonly id: string; readonly title: string; readonly show: string; readonly durationMs: number }
  /** A track Spotify removed: the entry's track is null. */
  | { readonly kind: 'removed' };

export interface FakeSpotifyPlaylist {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly entries: readonly FakePlaylistEntry[];
}

/** The client credentials the fake's accounts service accepts. */
export const SPOTIFY_CLIENT_ID = 'hiqtyfakeclientid00000000000000a';
export const SPOTIFY_CLIENT_SECRET = 'hiqtyfakeclientsecret0000000000b';

export const WAVEFORMS_ALBUM: FakeSpotifyAlbum = { id: fakeSpotifyId('AlbumWaveforms'), name: 'Waveforms', artists: ['The Oscillators'] };
const SINGLES: FakeSpotifyAlbum = { id: fakeSpotifyId('AlbumSingles'), name: 'Singles', artists: ['Various Artists'] };
export const RICK_ALBUM: FakeSpotifyAlbum = { id: fakeSpotifyId('AlbumWhenever'), name: 'Whenever You Need Somebody', artists: ['Rick Astley'] };

const track = (label: string, song: CatalogSong, album: FakeSpotifyAlbum): FakeSpotifyTrack => ({ id: fakeSpotifyId(label), song, album });

export const TRACKS = {
  rickroll: track('TrackRickroll', SONGS.rickroll, RICK_ALBUM),
  sineOfTheTimes: track('TrackSine', SONGS.sineOfTheTimes, WAVEFORMS_ALBUM),
  squareDance: track('TrackSquare', SONGS.squareDance, WAVEFORMS_ALBUM),
  sawtoothSunrise: track('TrackSawtooth', SONGS.sawtoothSunrise, WAVEFORMS_ALBUM),
  mainsHum: track('TrackMainsHum', SONGS.mainsHum, SINGLES),
} as const;

/** The album's tracks in order: three songs. */
export const WAVEFORMS_TRACKS: readonly FakeSpotifyTrack[] = [TRACKS.sineOfTheTimes, TRACKS.squareDance, TRACKS.sawtoothSunrise];

/** A track whose answer breaks the API's shape (a number for a name): resolving it must fail with a reason. */
export const MALFORMED_TRACK_ID = fakeSpotifyId('TrackMalformed');
/** A well-formed id Spotify does not know: 404. */
export const MISSING_TRACK_ID = fakeSpotifyId('TrackMissing');

const entry = (t: FakeSpotifyTrack): FakePlaylistEntry => ({ kind: 'track', track: t });

/** Five songs, four with an ISRC and one (Mains Hum) without: what the mirror is tested with. */
export const MIRROR_PLAYLIST: FakeSpotifyPlaylist = {
  id: fakeSpotifyId('PlaylistMirror'),
  name: 'hiqty mirror mix',
  owner: 'hiqty',
  entries: [TRACKS.rickroll, TRACKS.sineOfTheTimes, TRACKS.squareDance, TRACKS.sawtoothSunrise, TRACKS.mainsHum].map(entry),
};

/** A song between a local file, an episode and a removed track, which are skipped with their reasons. */
export const ODDS_PLAYLIST: FakeSpotifyPlaylist = {
  id: fakeSpotifyId('PlaylistOdds'),
  name: 'Odds and Ends',
  owner: 'tone-fan',
  entries: [
    { kind: 'local', title: 'Bedroom Demo', artist: 'Tone Fan', durationMs: 183_000 },
    entry(TRACKS.sineOfTheTimes),
    { kind: 'episode', id: fakeSpotifyId('EpisodeTones'), title: 'Episode 12: Why Sines', show: 'The Tone Show', durationMs: 1_800_000 },
    { kind: 'removed' },
  ],
};

const generated = (label: string, prefix: string, isrcStem: string, count: number, album: FakeSpotifyAlbum): FakeSpotifyTrack[] =>
  Array.from({ length: count }, (_, i) => track(`${label}${i + 1}`, generatedSong(prefix, i + 1, isrcStem), album));

export const BENCH_ALBUM: FakeSpotifyAlbum = { id: fakeSpotifyId('AlbumBench'), name: 'Bench Tones', artists: ['hiqty bench'] };
/** The benchmark's playlist: 100 songs (Bench Tone 1 to 100), exactly one page. */
export const BENCH_PLAYLIST: FakeSpotifyPlaylist = {
  id: fakeSpotifyId('PlaylistBench'),
  name: 'hiqty bench 100',
  owner: 'hiqty',
  entries: BENCH_SONGS.map((s, i) => entry(track(`TrackBench${i + 1}`, s, BENCH_ALBUM))),
};

/** 1050 entries: eleven pages of 100, of which hiqty reads ten (its cap is 1000). */
export const LONG_PLAYLIST: FakeSpotifyPlaylist = {
  id: fakeSpotifyId('PlaylistLong'),
  name: 'Very Long Tones',
  owner: 'hiqty',
  entries: generated('TrackLong', 'Long Tone', 'QZHQL25', 1050, BENCH_ALBUM).map(entry),
};
export const LONG_PLAYLIST_SIZE = 1050;

/** 60 tracks: an embedded page of 50, then one more page. */
export const LONG_ALBUM: FakeSpotifyAlbum = { id: fakeSpotifyId('AlbumLong'), name: 'Sixty Tones', artists: ['hiqty bench'] };
export const LONG_ALBUM_TRACKS: readonly FakeSpotifyTrack[] = generated('TrackSixty', 'Sixty Tone', 'QZHQS25', 60, LONG_ALBUM);

export const PLAYLISTS: readonly FakeSpotifyPlaylist[] = [MIRROR_PLAYLIST, ODDS_PLAYLIST, BENCH_PLAYLIST, LONG_PLAYLIST];

export function spotifyUrl(kind: 'track' | 'album' | 'playlist', id: string): string {
  return `https://open.spotify.com/${kind}/${id}`;
}
