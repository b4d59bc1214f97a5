/**
 * The YouTube and SoundCloud fakes for `make bench`, reached by the bot through HIQTY_SERVICE_ORIGINS
 * as in `make run`. Started here rather than with startServiceFakes because the cost steps need
 * SoundCloud tones longer than its 6 s default (`soundcloudToneMs`). Their media is cached in the OS
 * temp directory across runs, as bench tones are.
 *
 * The baseline has no sources: for it the bench resolves the same tracks the way a youtube-dl/yt-dlp
 * extractor would (the InnerTube `player` answer's itag 251 URL; SoundCloud's resolve → HLS AAC
 * transcoding → `{url}` → playlist), and hands ffmpeg loopback URLs to the very same media bytes.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { decode } from '../src/codecs';
import { SEARCH_QUERY, startSoundcloudFake, TRACK_HLS, trackUrl, type SoundcloudFake } from '../src/sandbox/services/soundcloud';
import { serviceOriginsValue } from '../src/sandbox/services/types';
import { startYoutubeFake, VIDEOS, type YoutubeFake } from '../src/sandbox/services/youtube';

/** What the service sections play: a 240 s YouTube video with an Opus format (passthrough), an HLS AAC SoundCloud track, and the text query. */
export const SERVICE_TRACKS = {
  youtube: `https://www.youtube.com/watch?v=${VIDEOS.fourMinutes.id}`,
  youtubeId: VIDEOS.fourMinutes.id,
  soundcloud: trackUrl(TRACK_HLS),
  query: SEARCH_QUERY,
} as const;

export interface BenchServices {
  readonly youtube: YoutubeFake;
  readonly soundcloud: SoundcloudFake;
  /** HIQTY_SERVICE_ORIGINS and HIQTY_FETCH_ALLOW (the fakes' listeners after `allow`) for a bot. */
  env(allow: readonly string[]): { readonly HIQTY_SERVICE_ORIGINS: string; readonly HIQTY_FETCH_ALLOW: string };
  stop(): Promise<void>;
}

export async function startBenchServices(soundcloudToneMs: number): Promise<BenchServices> {
  const dir = path.join(tmpdir(), 'hiqty-bench-services');
  const [youtube, soundcloud] = await Promise.all([
    startYoutubeFake({ dir: path.join(dir, 'youtube') }),
    startSoundcloudFake({ dir: path.join(dir, 'soundcloud'), toneMs: soundcloudToneMs }),
  ]);
  // Every video's media made before the bot asks, so no cold `player` answer waits on an encode.
  await youtube.prepare(Object.values(VIDEOS).map((v) => v.id));
  const origins = serviceOriginsValue([youtube, soundcloud]);
  return {
    youtube,
    soundcloud,
    env: (allow) => ({ HIQTY_SERVICE_ORIGINS: origins, HIQTY_FETCH_ALLOW: [...allow, ...youtube.allow, ...soundcloud.allow].join(',') }),
    async stop() {
      await Promise.all([youtube.stop(), soundcloud.stop()]);
    },
  };
}

/** A real service URL moved onto the fake listening for its host (exact host or a `*.` wildcard). */
export function onLoopback(url: string, origins: Readonly<Record<string, string>>): string {
  const u = new URL(url);
  const origin = origins[u.hostname] ?? Object.entries(origins).find(([h]) => h.startsWith('*.') && u.hostname.endsWith(h.slice(1)))?.[1];
  if (origin === undefined) throw new Error(`no fake serves ${u.hostname}`);
  return `${origin}${u.pathname}${u.search}`;
}

function decoded<A>(what: string, codec: t.Type<A, unknown, unknown>, value: unknown): A {
  const r = decode(codec, value);
  if (isLeft(r)) throw new Error(`${what}: ${r.left.join('; ')}`);
  return r.right;
}

async function json(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return res.json();
}

const PlayerAnswer = t.type({ streamingData: t.type({ adaptiveFormats: t.array(t.type({ itag: t.number, url: t.string })) }) });

/** The loopback URL of a video's WebM/Opus (itag 251) bytes, from the fake's InnerTube `player` answer. */
export async function youtubeOpusUrl(fake: YoutubeFake, videoId: string): Promise<string> {
  const body = { videoId, context: { client: { clientName: 'WEB', clientVersion: '2.20250101.00.00', hl: 'en', gl: 'US' } } };
  const answer = decoded('the YouTube player answer', PlayerAnswer, await json(`${fake.origin}/youtubei/v1/player`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const opus = answer.streamingData.adaptiveFormats.find((f) => f.itag === 251);
  if (!opus) throw new Error(`video ${videoId} has no itag 251`);
  return onLoopback(opus.url, fake.origins);
}

const ResolvedTrack = t.type({
  track_authorization: t.string,
  media: t.type({ transcodings: t.array(t.type({ url: t.string, preset: t.string, format: t.type({ protocol: t.string }) })) }),
});
const TranscodingAnswer = t.type({ url: t.string });

/**
 * The HLS AAC playlist of a SoundCloud track with every host moved onto its loopback fake, written
 * into `dir` as `name`: ffmpeg reads it (from the fixture server) and fetches the fake's own segments.
 */
export async function soundcloudPlaylistFile(fake: SoundcloudFake, trackLink: string, dir: string, name: string): Promise<void> {
  const api = fake.origins['api-v2.soundcloud.com'] ?? '';
  const clientId = encodeURIComponent(fake.clientId);
  const track = decoded('the SoundCloud resolve answer', ResolvedTrack, await json(`${api}/resolve?url=${encodeURIComponent(trackLink)}&client_id=${clientId}`));
  const hls = track.media.transcodings.find((x) => x.format.protocol === 'hls' && x.preset.startsWith('aac'));
  if (!hls) throw new Error(`${trackLink} has no HLS AAC transcoding`);
  const stream = decoded('the transcoding answer', TranscodingAnswer, await json(`${onLoopback(hls.url, fake.origins)}?client_id=${clientId}&track_authorization=${encodeURIComponent(track.track_authorization)}`));
  const res = await fetch(onLoopback(stream.url, fake.origins));
  if (!res.ok) throw new Error(`the HLS playlist answered HTTP ${res.status}`);
  let text = await res.text();
  for (const [host, origin] of Object.entries(fake.origins)) text = text.split(`https://${host}/`).join(`${origin}/`);
  await writeFile(path.join(dir, name), text);
}
