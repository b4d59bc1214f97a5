/**
 * What the YouTube fake serves: videos as tones (a known frequency per video, so the sandbox's monitor
 * can tell which one it hears), playlists, a mix, and videos scripted to fail the ways YouTube fails.
 * Tests import it to know ids, titles and tones.
 */
import { artistLine, SONGS, type CatalogSong } from '../catalog';

export type FakeTrouble =
  /** playabilityStatus LOGIN_REQUIRED (an age gate). */
  | 'login-required'
  /** playabilityStatus UNPLAYABLE (the owner disabled it here). */
  | 'unplayable'
  /** UNPLAYABLE "not made this video available in your country". */
  | 'geo-block'
  /** playabilityStatus ERROR: removed. */
  | 'removed'
  /** A live stream that is not live: LIVE_STREAM_OFFLINE. */
  | 'live-offline'
  /** Media URLs issued to the first client of DEFAULT order (ANDROID_VR) answer 403 after FORBIDDEN_AFTER_BYTES. */
  | 'forbidden-midstream'
  /** Media URLs issued to ANDROID_VR carry an `expire=` already past: googlevideo answers 403. */
  | 'expired-url'
  /** ANDROID_VR gets only signatureCipher formats (as the web clients do); other clients get URLs. */
  | 'cipher-only'
  /** The player answer is held for the fake's `slowMs` before it is sent. */
  | 'slow'
  /** The player answers HTTP 500. */
  | 'failing'
  /** The player answers 200 with half a JSON document. */
  | 'malformed'
  /** Media URLs point at a link-local address no override covers (169.254.169.254): the policy must refuse it. */
  | 'private-host';

export interface FakeVideo {
  /** An 11-character video id. */
  readonly id: string;
  readonly title: string;
  /** The channel (YouTube) or artist (YouTube Music). */
  readonly artist: string;
  readonly hz: number;
  readonly durationMs: number;
  /** `song`: also found by YouTube Music search. `aac-only`: no itag 251, only 140. */
  readonly kind: 'video' | 'song' | 'live' | 'aac-only';
  readonly trouble?: FakeTrouble;
  /** A song's ISRC: YouTube's search finds a song by it (what mirrors of Spotify tracks rely on), though no answer shows it. */
  readonly isrc?: string;
}

export interface FakePlaylist {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly videoIds: readonly string[];
}

/** Bytes a `forbidden-midstream` URL serves before it answers 403: 64 KiB, a few seconds of Opus. */
export const FORBIDDEN_AFTER_BYTES = 64 * 1024;
/** The client googlevideo is scripted to turn against (expired, 403, cipher-only): the first of hiqty's default order. */
export const TROUBLED_CLIENT = 'ANDROID_VR';

const v = (id: string, title: string, artist: string, hz: number, durationMs: number, kind: FakeVideo['kind'] = 'video', trouble?: FakeTrouble): FakeVideo =>
  trouble === undefined ? { id, title, artist, hz, durationMs, kind } : { id, title, artist, hz, durationMs, kind, trouble };

/** A song of the shared catalog (src/sandbox/services/catalog.ts), as YouTube Music lists it: found by its ISRC too. */
const catalogSong = (id: string, song: CatalogSong, hz: number, title: string = song.title): FakeVideo => ({
  id,
  title,
  artist: artistLine(song),
  hz,
  durationMs: song.durationMs,
  kind: 'song',
  ...(song.isrc === undefined ? {} : { isrc: song.isrc }),
});

export const VIDEOS = {
  rickroll: catalogSong('dQw4w9WgXcQ', SONGS.rickroll, 440, 'Rick Astley - Never Gonna Give You Up (Official Video)'),
  rickrollCover: v('hqRickCov01', 'Never Gonna Give You Up (sine cover)', 'Tone Covers', 466, 6000),
  fourMinutes: v('hqFourMin01', 'Four Minutes of A5', 'hiqty tones', 880, 240_000),
  song: catalogSong('hqSongSine1', SONGS.sineOfTheTimes, 660),
  squareDance: catalogSong('hqSquareDn1', SONGS.squareDance, 2300),
  /** Listed before the real one: its title and artist match "Mains Hum", its length does not (a mirror must pass it over). */
  mainsHumLoop: v('hqMainsLoop', 'Mains Hum (1 hour loop)', 'The Grounded', 2350, 30_000),
  mainsHum: catalogSong('hqMainsHum1', SONGS.mainsHum, 2400),
  aacOnly: v('hqAacOnly01', 'Only in AAC', 'hiqty tones', 550, 6000, 'aac-only'),
  live: v('hqLiveNow01', 'Tone Radio 24/7 (live)', 'hiqty live', 740, 12_000, 'live'),
  toneC: v('hqToneC0001', 'C4 tone', 'hiqty tones', 262, 4000),
  toneE: v('hqToneE0001', 'E4 tone', 'hiqty tones', 330, 4000),
  toneG: v('hqToneG0001', 'G4 tone', 'hiqty tones', 392, 4000),
  loginRequired: v('hqLoginReq1', 'Age-restricted tone', 'hiqty troubles', 300, 4000, 'video', 'login-required'),
  unplayable: v('hqUnplayab1', 'Embedding disabled tone', 'hiqty troubles', 310, 4000, 'video', 'unplayable'),
  geoBlocked: v('hqGeoBlock1', 'Region-locked tone', 'hiqty troubles', 320, 4000, 'video', 'geo-block'),
  removed: v('hqRemoved01', 'Removed tone', 'hiqty troubles', 340, 4000, 'video', 'removed'),
  liveOffline: v('hqOffline01', 'Premiere next week', 'hiqty troubles', 350, 4000, 'live', 'live-offline'),
  forbiddenMidstream: v('hq403Mid001', 'Tone that 403s mid-stream', 'hiqty troubles', 370, 8000, 'video', 'forbidden-midstream'),
  expiredUrl: v('hqExpired01', 'Tone with an expired URL', 'hiqty troubles', 380, 4000, 'video', 'expired-url'),
  cipherOnly: v('hqCipherOn1', 'Tone behind a signature', 'hiqty troubles', 390, 4000, 'video', 'cipher-only'),
  slow: v('hqSlowSvc01', 'Slow tone', 'hiqty troubles', 400, 4000, 'video', 'slow'),
  failing: v('hqFailing01', 'Failing tone', 'hiqty troubles', 410, 4000, 'video', 'failing'),
  malformed: v('hqMalform01', 'Malformed tone', 'hiqty troubles', 420, 4000, 'video', 'malformed'),
  privateHost: v('hqPrivHost1', 'Tone on a private host', 'hiqty troubles', 430, 4000, 'video', 'private-host'),
} as const satisfies Record<string, FakeVideo>;

/** The 105 entries of the long playlist: more than the 100 a browse page holds, so a continuation is needed. */
const LONG_PLAYLIST_SIZE = 105;
const longEntries: FakeVideo[] = Array.from({ length: LONG_PLAYLIST_SIZE }, (_, i) =>
  v(`hqPl${String(i + 1).padStart(7, '0')}`, `Playlist tone ${i + 1}`, 'hiqty playlists', 200 + i * 10, 3000),
);

export const PLAYLISTS = {
  /** Three short tones in order (C, E, G). */
  tones: { id: 'PLhiqtyTones0000000000000000000001', title: 'Three tones', owner: 'hiqty tones', videoIds: [VIDEOS.toneC.id, VIDEOS.toneE.id, VIDEOS.toneG.id] },
  long: { id: 'PLhiqtyLong00000000000000000000105', title: 'A long playlist', owner: 'hiqty playlists', videoIds: longEntries.map((e) => e.id) },
} as const satisfies Record<string, FakePlaylist>;

/** A playlist id the fake answers "The playlist does not exist." for. */
export const MISSING_PLAYLIST_ID = 'PLhiqtyGone00000000000000000000000';

/** The mix YouTube makes from the rickroll: `watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ`. */
export const MIX = {
  id: `RD${VIDEOS.rickroll.id}`,
  seedVideoId: VIDEOS.rickroll.id,
  title: `Mix - ${VIDEOS.rickroll.title}`,
  videoIds: [VIDEOS.rickroll.id, VIDEOS.rickrollCover.id, VIDEOS.song.id, VIDEOS.toneC.id],
} as const;

const ALL: readonly FakeVideo[] = [...Object.values(VIDEOS), ...longEntries];
const BY_ID = new Map(ALL.map((e) => [e.id, e]));

export function fakeVideo(id: string): FakeVideo | undefined {
  return BY_ID.get(id);
}

export function fakePlaylist(id: string): FakePlaylist | undefined {
  return Object.values(PLAYLISTS).find((p) => p.id === id);
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

/**
 * Search as the fake ranks it: videos whose title or artist (or a song's ISRC) hold every word of the query, those
 * whose title holds them first; the scripted-trouble videos only when asked for by name.
 */
export function searchCatalog(query: string, musicOnly: boolean): FakeVideo[] {
  const asked = words(query);
  if (asked.length === 0) return [];
  const candidates = Object.values(VIDEOS).filter((e) => (musicOnly ? e.kind === 'song' : true));
  const score = (e: FakeVideo): number => {
    const title = words(e.title);
    const artist = [...words(e.artist), ...words(e.isrc ?? '')];
    const inTitle = asked.filter((w) => title.includes(w)).length;
    const inArtist = asked.filter((w) => artist.includes(w)).length;
    if (inTitle + inArtist < asked.length) return 0;
    return inTitle * 2 + inArtist + (e.trouble === undefined ? 1 : 0);
  };
  return candidates
    .map((e) => ({ e, s: score(e) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .map((x) => x.e);
}

/**
 * What YouTube relates to a video, as the fake answers it (the radio mix `RD<id>` and the "up next"
 * column): the catalogue's playable videos (no scripted trouble, not live), the same channel's first, in
 * catalogue order, the seed left out.
 */
export function relatedVideos(seedId: string): FakeVideo[] {
  const seed = fakeVideo(seedId);
  const playable = Object.values(VIDEOS).filter((v: FakeVideo) => v.id !== seedId && v.trouble === undefined && v.kind !== 'live');
  if (seed === undefined) return playable;
  return [...playable.filter((v) => v.artist === seed.artist), ...playable.filter((v) => v.artist !== seed.artist)];
}
