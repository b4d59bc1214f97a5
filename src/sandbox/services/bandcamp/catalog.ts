/**
 * What the Bandcamp fake knows: two artists' sites, an album of three tracks (the second sold only, not
 * streamed), an album streaming nothing, a single streamed and one sold only, and the scripted failures (a removed page, a page with no
 * player data, a page whose player data is broken). Each streamed track is a tone of its own frequency,
 * apart from the YouTube fake's (200-1240 Hz in tens, 262, 330, 392, 466, 740, 880) and the SoundCloud
 * fake's (330-990 Hz), so the sandbox's monitor can tell them and their order apart. Tests import these
 * constants instead of repeating ids and links.
 */

export interface FakeBand {
  readonly id: number;
  /** The artist's site: `{subdomain}.bandcamp.com`. */
  readonly subdomain: string;
  readonly name: string;
}

export interface FakeBandcampTrack {
  readonly id: number;
  readonly band: FakeBand;
  readonly slug: string;
  readonly title: string;
  readonly hz: number;
  /** False: Bandcamp offers it for sale only (`file: null` in its page's trackinfo). */
  readonly streamable: boolean;
  readonly isrc?: string;
  /** A single's own cover; an album's tracks show the album's. */
  readonly artId?: number;
}

export interface FakeAlbum {
  readonly id: number;
  readonly band: FakeBand;
  readonly slug: string;
  readonly title: string;
  /** The cover's art id: fewer than ten digits, so a client must pad it as Bandcamp's image URLs do. */
  readonly artId: number;
  readonly tracks: readonly FakeBandcampTrack[];
}

export const SINE_COLLECTIVE: FakeBand = { id: 1_100_001, subdomain: 'sinecollective', name: 'Sine Collective' };
export const SQUARE_WAVES: FakeBand = { id: 1_100_002, subdomain: 'squarewaves', name: 'Square Waves' };
export const BANDS: readonly FakeBand[] = [SINE_COLLECTIVE, SQUARE_WAVES];

export const FIRST_PARTIAL: FakeBandcampTrack = { id: 2_200_001, band: SINE_COLLECTIVE, slug: 'first-partial', title: 'First Partial', hz: 1310, streamable: true, isrc: 'QZHQT2600101' };
/** Sold only: the album streams the other two. */
export const SECOND_PARTIAL: FakeBandcampTrack = { id: 2_200_002, band: SINE_COLLECTIVE, slug: 'second-partial', title: "Second Partial (Buyer's Cut)", hz: 1470, streamable: false };
export const THIRD_PARTIAL: FakeBandcampTrack = { id: 2_200_003, band: SINE_COLLECTIVE, slug: 'third-partial', title: 'Third Partial', hz: 1650, streamable: true };

/** "Partials & Overtones": an ampersand and an apostrophe to be unescaped on the way. */
export const ALBUM_PARTIALS: FakeAlbum = {
  id: 3_300_001,
  band: SINE_COLLECTIVE,
  slug: 'partials-and-overtones',
  title: 'Partials & Overtones',
  artId: 123_456_789,
  tracks: [FIRST_PARTIAL, SECOND_PARTIAL, THIRD_PARTIAL],
};

export const VAULTED_TONE: FakeBandcampTrack = { id: 2_200_005, band: SINE_COLLECTIVE, slug: 'vaulted-tone', title: 'Vaulted Tone', hz: 2030, streamable: false };
/** Nothing on it streams. */
export const ALBUM_VAULT: FakeAlbum = { id: 3_300_002, band: SINE_COLLECTIVE, slug: 'the-vault', title: 'The Vault', artId: 2_345_678_901, tracks: [VAULTED_TONE] };

/** A single: a track page of its own, in no album. The top result for SEARCH_QUERY. */
export const LONE_OSCILLATOR: FakeBandcampTrack = {
  id: 2_200_004,
  band: SQUARE_WAVES,
  slug: 'lone-oscillator',
  title: 'Lone Oscillator',
  hz: 1870,
  streamable: true,
  isrc: 'QZHQT2600104',
  artId: 3_456_789_012,
};

/** A single sold only. */
export const PAID_PULSE: FakeBandcampTrack = { id: 2_200_006, band: SQUARE_WAVES, slug: 'paid-pulse', title: 'Paid Pulse', hz: 2210, streamable: false, artId: 4_567_890 };

export const ALBUMS: readonly FakeAlbum[] = [ALBUM_PARTIALS, ALBUM_VAULT];
export const SINGLES: readonly FakeBandcampTrack[] = [LONE_OSCILLATOR, PAID_PULSE];
/** Every track a page or a search knows, by id. */
export const ALL_TRACKS: readonly FakeBandcampTrack[] = [...ALBUMS.flatMap((a) => a.tracks), ...SINGLES];

export const SEARCH_QUERY = 'lone oscillator';

export function siteUrl(band: FakeBand): string {
  return `https://${band.subdomain}.bandcamp.com`;
}

export function trackUrl(track: FakeBandcampTrack): string {
  return `${siteUrl(track.band)}/track/${track.slug}`;
}

export function albumUrl(album: FakeAlbum): string {
  return `${siteUrl(album.band)}/album/${album.slug}`;
}

/** Pages that fail on purpose. */
export const TROUBLE = {
  /** Taken down: 404. */
  removed: `${siteUrl(SINE_COLLECTIVE)}/track/taken-down`,
  /** A 200 page without the player's data-tralbum attribute. */
  noTralbum: `${siteUrl(SINE_COLLECTIVE)}/track/no-player`,
  /** data-tralbum holding JSON cut short. */
  malformed: `${siteUrl(SINE_COLLECTIVE)}/album/garbled`,
} as const;

/** The album a track is on, if any. */
export function albumOf(track: FakeBandcampTrack): FakeAlbum | undefined {
  return ALBUMS.find((a) => a.tracks.includes(track));
}

/** The cover a track's page shows. */
export function artIdOf(track: FakeBandcampTrack): number {
  return track.artId ?? albumOf(track)?.artId ?? 0;
}

/** The tone a queued Bandcamp track plays, by its Bandcamp id. */
export function bandcampToneOf(sourceId: string | undefined): number | undefined {
  return ALL_TRACKS.find((t) => String(t.id) === sourceId)?.hz;
}
