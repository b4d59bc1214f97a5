/** The YouTube fake and sources wired to it through the real safeFetch, for the YouTube suites. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../src/log';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch, type FetchOutcome } from '../../src/media/safe-fetch';
import { startYoutubeFake, VIDEOS, type YoutubeFake, type YoutubeFakeOptions } from '../../src/sandbox/services/youtube';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { defaultClientOrder, youtubeSession, type YoutubeDeps, type YoutubeSession } from '../../src/sources/youtube';
import type { Fetcher } from '../../src/sources/types';
import { redisTokenStore } from '../../src/state/source-tokens';

export const TONE_DIR = path.join(tmpdir(), 'hiqty-test-tones');

/** A fake with the media of the videos the suites play made up front, so no `player` answer waits on ffmpeg. */
export async function startFake(options: Partial<YoutubeFakeOptions> = {}): Promise<YoutubeFake> {
  mkdirSync(TONE_DIR, { recursive: true });
  const fake = await startYoutubeFake({ dir: TONE_DIR, ...options });
  try {
    await fake.prepare(Object.values(VIDEOS).map((v) => v.id));
  } catch (e) {
    await fake.stop();
    throw e;
  }
  return fake;
}

export function overridesOf(fake: YoutubeFake): OriginOverrides {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.ok;
}

/** safeFetch as the instance binds it: the fake's listener allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: YoutubeFake, options: { readonly headersTimeoutMs?: number } = {}): Fetcher {
  const overrides = overridesOf(fake);
  return (url, o = {}) => safeFetch(url, { ...o, allow: fake.allow, overrides, ...options });
}

export function sessionFor(fake: YoutubeFake, redis: Redis, deps: Partial<YoutubeDeps> & { readonly headersTimeoutMs?: number } = {}): YoutubeSession {
  const { headersTimeoutMs, ...rest } = deps;
  return youtubeSession({
    fetcher: fetcherFor(fake, headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    tokens: redisTokenStore(redis),
    clients: defaultClientOrder(),
    log: silentLogger,
    ...rest,
  });
}

/** The whole body of an ok fetch, or a thrown description of what it was instead. */
export async function bytesOf(outcome: FetchOutcome): Promise<Buffer> {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The media requests the fake served for one video, oldest first. */
export function mediaRequests(fake: YoutubeFake, videoId: string): URL[] {
  return fake.requests.filter((r) => r.path.startsWith('/videoplayback')).map((r) => new URL(r.path, 'http://fake')).filter((u) => u.searchParams.get('id') === videoId);
}

/** The InnerTube `player` requests the fake served so far. */
export function playerRequests(fake: YoutubeFake): number {
  return fake.requests.filter((r) => r.path.startsWith('/youtubei/v1/player')).length;
}
