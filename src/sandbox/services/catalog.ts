/**
 * The songs the metadata fakes (Spotify, Apple Music, Deezer) know, with what a mirror looks for:
 * title, artists, length and ISRC. The YouTube and SoundCloud fakes can be given the same songs so a
 * metadata link plays in the sandbox: the mirror searches them by ISRC, then by "title artist", and
 * takes a candidate within ±5 s or ±5% of the length. Lengths are whole seconds (Deezer's unit) and
 * tone-short, as the playable fakes' tones are. The ISRCs are made up (QZ is the registrant prefix
 * range for test use), except Rick Astley's, which the SoundCloud fake already carries.
 */

export interface CatalogSong {
  readonly title: string;
  /** In credit order; the metadata sources show them joined with ", ". */
  readonly artists: readonly string[];
  readonly durationMs: number;
  readonly isrc?: string;
}

const song = (title: string, artists: readonly string[], durationMs: number, isrc?: string): CatalogSong => (isrc === undefined ? { title, artists, durationMs } : { title, artists, durationMs, isrc });

export const SONGS = {
  /** The YouTube fake's `rickroll` (8 s) and the SoundCloud fake's TRACK_RICK have it. */
  rickroll: song('Never Gonna Give You Up', ['Rick Astley'], 8000, 'GBARL9300135'),
  /** The YouTube fake's `song` (a YouTube Music song, 6 s) has it, without an ISRC. */
  sineOfTheTimes: song('Sine of the Times', ['The Oscillators'], 6000, 'QZHQT2500001'),
  /** Two artists: "The Oscillators, Tone Covers". */
  squareDance: song('Square Dance', ['The Oscillators', 'Tone Covers'], 7000, 'QZHQT2500002'),
  sawtoothSunrise: song('Sawtooth Sunrise', ['Nyquist'], 6000, 'QZHQT2500003'),
  /** No ISRC: a mirror finds it by title and artist only. */
  mainsHum: song('Mains Hum', ['The Grounded'], 5000),
} as const satisfies Record<string, CatalogSong>;

/** The artists as the metadata sources show them: "A, B". */
export function artistLine(s: CatalogSong): string {
  return s.artists.join(', ');
}

/** Generated songs for long lists (benchmarks, paging, the 1000-track cap): "Bench Tone 7" by "hiqty bench", 6 s, an ISRC each. */
export function generatedSong(prefix: string, n: number, isrcStem: string): CatalogSong {
  return song(`${prefix} ${n}`, ['hiqty bench'], 6000, `${isrcStem}${String(n).padStart(5, '0')}`);
}

/** The 100 songs of the benchmark playlist (Spotify's BENCH_PLAYLIST), Bench Tone 1 to 100. */
export const BENCH_SONGS: readonly CatalogSong[] = Array.from({ length: 100 }, (_, i) => generatedSong('Bench Tone', i + 1, 'QZHQB25'));
