/** The SoundCloud fake and sources wired to it through the real safeFetch, for the SoundCloud suites. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch, type FetchOutcome } from '../../src/media/safe-fetch';
import { startSoundcloudFake, type SoundcloudFake } from '../../src/sandbox/services/soundcloud';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { soundcloudSource } from '../../src/sources/soundcloud';
import type { Fetcher, Source } from '../../src/sources/types';
import { redisTokenStore } from '../../src/state/source-tokens';

export const TONE_DIR = path.join(tmpdir(), 'hiqty-test-tones');

export async function startFake(): Promise<SoundcloudFake> {
  mkdirSync(TONE_DIR, { recursive: true });
  return startSoundcloudFake({ dir: TONE_DIR, toneMs: 4000, segmentMs: 2000 });
}

export function overridesOf(fake: SoundcloudFake): OriginOverrides {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.ok;
}

/** safeFetch as the instance binds it: the fake's listeners allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: SoundcloudFake): Fetcher {
  const overrides = overridesOf(fake);
  return (url, options = {}) => safeFetch(url, { ...options, allow: fake.allow, overrides });
}

export function sourceFor(fake: SoundcloudFake, redis: Redis, options: { readonly timeoutMs?: number } = {}): Source {
  return soundcloudSource({ fetch: fetcherFor(fake), tokens: redisTokenStore(redis), clock: systemClock, log: silentLogger, ...options });
}

/** The whole body of an ok fetch, or a thrown description of what it was instead. */
export async function bytesOf(outcome: FetchOutcome): Promise<Buffer> {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
