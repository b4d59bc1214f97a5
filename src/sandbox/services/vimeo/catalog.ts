/**
 * What the Vimeo fake serves: videos whose audio is a tone of its own (1730 to 2150 Hz, clear of the
 * YouTube, SoundCloud and Bandcamp fakes' tones, so the sandbox's monitor tells them apart), and
 * videos scripted to be refused the ways Vimeo's player refuses them. Tests import these constants instead of repeating ids and links.
 */

/** How a video's config offers its streams, or how the player refuses it. */
export type FakeVimeoKind =
  /** `request.files.progressive`: two MP4s (360p and 240p, video and AAC audio), HLS beside them. */
  | 'progressive'
  /** No progressive files, as most videos are now: HLS with separate audio (two groups of AAC in fMP4) and video renditions. */
  | 'hls'
  /** Private: the config answers 403 with the player's "privacy settings" message. */
  | 'private'
  /** Password-protected: the config answers 200 with `view: 4` and no streams, as yt-dlp observes of the player. */
  | 'password'
  /** Removed: the config answers 404 with the player's "does not exist" message. */
  | 'removed'
  /** The config answers 200 with half a JSON document. */
  | 'malformed';

export interface FakeVimeoVideo {
  readonly id: number;
  readonly title: string;
  readonly owner: { readonly name: string; readonly slug: string };
  readonly hz: number;
  readonly kind: FakeVimeoKind;
  /** An unlisted video's hash: its config answers 401 unless asked with `?h=` this. */
  readonly hash?: string;
}

const TONES = { name: 'hiqty tones on Vimeo', slug: 'hiqtytones' } as const;
const TROUBLES = { name: 'hiqty troubles', slug: 'hiqtytroubles' } as const;

export const VIMEO_VIDEOS = {
  progressive: { id: 900_000_001, title: 'Tone 1730 Hz (progressive MP4)', owner: TONES, hz: 1730, kind: 'progressive' },
  hls: { id: 900_000_002, title: 'Tone 1790 Hz (HLS only)', owner: TONES, hz: 1790, kind: 'hls' },
  unlisted: { id: 900_000_003, title: 'Tone 1950 Hz (unlisted)', owner: TONES, hz: 1950, kind: 'hls', hash: '8c2d4e6f1a' },
  private: { id: 900_000_004, title: 'A private tone', owner: TROUBLES, hz: 2090, kind: 'private' },
  password: { id: 900_000_005, title: 'A tone behind a password', owner: TROUBLES, hz: 2110, kind: 'password' },
  removed: { id: 900_000_006, title: 'A removed tone', owner: TROUBLES, hz: 2130, kind: 'removed' },
  malformed: { id: 900_000_007, title: 'A tone with a broken config', owner: TROUBLES, hz: 2150, kind: 'malformed' },
} as const satisfies Record<string, FakeVimeoVideo>;

const ALL: readonly FakeVimeoVideo[] = Object.values(VIMEO_VIDEOS);

export function fakeVimeoVideo(id: number | string): FakeVimeoVideo | undefined {
  return ALL.find((v) => String(v.id) === String(id));
}

/** The video's page, as a member would paste it (the private link for an unlisted one). */
export function vimeoUrl(video: FakeVimeoVideo): string {
  return video.hash === undefined ? `https://vimeo.com/${video.id}` : `https://vimeo.com/${video.id}/${video.hash}`;
}

/** The embedded player's address (`?h=` for an unlisted one). */
export function vimeoPlayerUrl(video: FakeVimeoVideo): string {
  return video.hash === undefined ? `https://player.vimeo.com/video/${video.id}` : `https://player.vimeo.com/video/${video.id}?h=${video.hash}`;
}
