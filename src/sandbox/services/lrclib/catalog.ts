/**
 * What the LRCLIB fake knows: some songs of the shared catalog with lyrics (plain and synced), one
 * instrumental, one with no entry at all, and a title scripted to answer a body that breaks LRCLIB's shape.
 * The synced lines are spaced for the catalog's short tones (the rickroll is 8 s), so a test hears the
 * now-playing message follow them; the plain lyrics of "Sine of the Times" are long enough for several pages.
 */
import { artistLine, SONGS, type CatalogSong } from '../catalog';

export { SONGS, artistLine, type CatalogSong } from '../catalog';

export interface FakeLyrics {
  readonly id: number;
  readonly song: CatalogSong;
  readonly albumName: string;
  readonly instrumental: boolean;
  readonly plainLyrics: string | null;
  readonly syncedLyrics: string | null;
}

/** `[mm:ss.xx] text` lines, as LRCLIB stores synced lyrics. */
export function lrc(lines: readonly (readonly [number, string])[]): string {
  const stamp = (ms: number): string => {
    const m = Math.floor(ms / 60_000);
    const s = (ms % 60_000) / 1000;
    return `[${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}]`;
  };
  return lines.map(([ms, text]) => `${stamp(ms)} ${text}`).join('\n');
}

/** The rickroll's lines (8 s): one every 2.5 s or so, the pace of the now-playing message's edits. */
export const RICKROLL_LINES: readonly (readonly [number, string])[] = [
  [300, 'We are tones, no strangers to sine'],
  [2800, 'You know the rules and so do I'],
  [5400, 'A full commitment to four-forty'],
];

/** The rickroll's synced lyrics as LRCLIB answers them. */
export const RICKROLL_LRC = lrc(RICKROLL_LINES);

export const SQUARE_LINES: readonly (readonly [number, string])[] = [
  [0, 'Step to the left on the odd harmonics'],
  [3000, 'Step to the right, the even ones are gone'],
];

/**
 * The YouTube fake's four-minute tone ("Four Minutes of A5" by "hiqty tones", not a catalog song): a line
 * every 3 s for its first minute, long enough to watch the now-playing message follow several lines.
 */
export const FOUR_MINUTES_SONG: CatalogSong = { title: 'Four Minutes of A5', artists: ['hiqty tones'], durationMs: 240_000 };
export const FOUR_MINUTES_LINES: readonly (readonly [number, string])[] = Array.from({ length: 20 }, (_, i) => [i * 3000 + 500, `A5 line ${i + 1}, eight hundred eighty times a second`] as const);

export const FOUR_MINUTES_LRC = lrc(FOUR_MINUTES_LINES);

/** 120 numbered lines: three pages and more at the /lyrics page size. */
export const SINE_PLAIN = Array.from({ length: 120 }, (_, i) => (i % 8 === 7 ? '' : `Line ${i + 1} of the sine of the times, rising and falling forever`)).join('\n');

const entry = (id: number, song: CatalogSong, albumName: string, lyrics: Partial<Pick<FakeLyrics, 'instrumental' | 'plainLyrics' | 'syncedLyrics'>>): FakeLyrics => ({
  id,
  song,
  albumName,
  instrumental: lyrics.instrumental ?? false,
  plainLyrics: lyrics.plainLyrics ?? null,
  syncedLyrics: lyrics.syncedLyrics ?? null,
});

export const LYRICS = {
  rickroll: entry(910_001, SONGS.rickroll, 'Whenever You Need Somebody', { plainLyrics: RICKROLL_LINES.map(([, l]) => l).join('\n'), syncedLyrics: RICKROLL_LRC }),
  sineOfTheTimes: entry(910_002, SONGS.sineOfTheTimes, 'Waveforms', { plainLyrics: SINE_PLAIN }),
  squareDance: entry(910_003, SONGS.squareDance, 'Waveforms', { plainLyrics: SQUARE_LINES.map(([, l]) => l).join('\n'), syncedLyrics: lrc(SQUARE_LINES) }),
  fourMinutes: entry(910_005, FOUR_MINUTES_SONG, 'Long Tones', { syncedLyrics: FOUR_MINUTES_LRC }),
  /** Instrumental: LRCLIB says so, with no lyrics of either kind. */
  sawtoothSunrise: entry(910_004, SONGS.sawtoothSunrise, 'Waveforms', { instrumental: true }),
} as const satisfies Record<string, FakeLyrics>;

/** "Mains Hum" has no entry: /api/get answers 404 TrackNotFound and /api/search an empty array. */
export const ABSENT = SONGS.mainsHum;

/** A track name whose every answer is HTTP 200 with a body that is not LRCLIB's record. */
export const MALFORMED_TITLE = 'Malformed Lyrics Tone';

export function artistOf(l: FakeLyrics): string {
  return artistLine(l.song);
}
