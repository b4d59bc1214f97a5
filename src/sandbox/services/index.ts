/**
 * Every service fake at once, for the sandbox, tests, benchmarks and `make run`: what the bot needs is
 * the HIQTY_SERVICE_ORIGINS text and the listeners to add to HIQTY_FETCH_ALLOW.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAppleMusicFake, type AppleMusicFake } from './apple-music';
import { startBandcampFake, type BandcampFake } from './bandcamp';
import { startDeezerFake, type DeezerFake } from './deezer';
import { startLrclibFake, type LrclibFake } from './lrclib';
import { startSoundcloudFake, type SoundcloudFake } from './soundcloud';
import { startSpotifyFake, type SpotifyFake } from './spotify';
import { startTwitchFake, type TwitchFake } from './twitch';
import { serviceOriginsValue, type ServiceFake } from './types';
import { startVimeoFake, type VimeoFake } from './vimeo';
import { startYoutubeFake, VIDEOS, type YoutubeFake } from './youtube';

export interface ServiceFakes {
  readonly youtube: YoutubeFake;
  readonly soundcloud: SoundcloudFake;
  readonly bandcamp: BandcampFake;
  readonly vimeo: VimeoFake;
  readonly twitch: TwitchFake;
  /** Metadata only; its client credentials (`clientId`, `clientSecret`) are what HIQTY_SPOTIFY_CLIENT_ID/SECRET need. */
  readonly spotify: SpotifyFake;
  readonly appleMusic: AppleMusicFake;
  readonly deezer: DeezerFake;
  /** Lyrics (lrclib.net's API). */
  readonly lrclib: LrclibFake;
  /** HIQTY_SERVICE_ORIGINS for a bot that should reach these fakes. */
  readonly origins: string;
  /** host:port pairs to add to HIQTY_FETCH_ALLOW. */
  readonly allow: readonly string[];
  /** The bot's environment for both, merged with an existing allow list. */
  env(existingAllow?: readonly string[]): { readonly HIQTY_SERVICE_ORIGINS: string; readonly HIQTY_FETCH_ALLOW: string };
  stop(): Promise<void>;
}

/**
 * Where the fakes make and cache their media by default: one place per machine, shared by `make run`,
 * tests and benchmarks. The tones are the same everywhere, and every file is written aside and renamed,
 * so concurrent processes never see half a file; making them all takes ffmpeg about 20 s, once.
 */
export const SERVICE_MEDIA_CACHE = path.join(tmpdir(), 'hiqty-service-fakes');

export interface ServiceFakesOptions {
  /** Where the fakes make and cache their media. Default SERVICE_MEDIA_CACHE. */
  readonly dir?: string;
}

export async function startServiceFakes(options: ServiceFakesOptions = {}): Promise<ServiceFakes> {
  const dir = options.dir ?? SERVICE_MEDIA_CACHE;
  const [youtube, soundcloud, bandcamp, vimeo, twitch, spotify, appleMusic, deezer, lrclib] = await Promise.all([
    startYoutubeFake({ dir: path.join(dir, 'youtube') }),
    startSoundcloudFake({ dir: path.join(dir, 'soundcloud') }),
    startBandcampFake({ dir: path.join(dir, 'bandcamp') }),
    startVimeoFake({ dir: path.join(dir, 'vimeo') }),
    // One-second segments: a live stream's end is heard three seconds after it, not six.
    startTwitchFake({ dir: path.join(dir, 'twitch'), segmentMs: 1000 }),
    startSpotifyFake(),
    startAppleMusicFake(),
    startDeezerFake(),
    startLrclibFake(),
  ]);
  // Every tone made before the bot asks, so no player answer waits on ffmpeg.
  await youtube.prepare(Object.values(VIDEOS).map((v) => v.id));
  const all: ServiceFake[] = [youtube, soundcloud, bandcamp, vimeo, twitch, spotify, appleMusic, deezer, lrclib];
  const origins = serviceOriginsValue(all);
  const allow = all.flatMap((f) => f.allow);
  return {
    youtube,
    soundcloud,
    bandcamp,
    vimeo,
    twitch,
    spotify,
    appleMusic,
    deezer,
    lrclib,
    origins,
    allow,
    env: (existingAllow = []) => ({ HIQTY_SERVICE_ORIGINS: origins, HIQTY_FETCH_ALLOW: [...existingAllow, ...allow].join(',') }),
    async stop() {
      await Promise.all(all.map((f) => f.stop()));
    },
  };
}
