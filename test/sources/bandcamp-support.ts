/** The Bandcamp fake and the source wired to it through the real safeFetch, for the Bandcamp suites. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch, type FetchOutcome } from '../../src/media/safe-fetch';
import { startBandcampFake, type BandcampFake } from '../../src/sandbox/services/bandcamp';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { bandcampSource } from '../../src/sources/bandcamp';
import type { Fetcher, Source } from '../../src/sources/types';

export const TONE_DIR = path.join(tmpdir(), 'hiqty-test-tones');
export const TONE_MS = 4000;

export async function startFake(toneMs = TONE_MS): Promise<BandcampFake> {
  mkdirSync(TONE_DIR, { recursive: true });
  return startBandcampFake({ dir: TONE_DIR, toneMs });
}

/** HIQTY_SERVICE_ORIGINS for the fake, parsed as the instance parses it. */
export function overridesOf(fake: BandcampFake): OriginOverrides {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.ok;
}

/** safeFetch as the instance binds it: the fake's listeners allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: BandcampFake): Fetcher {
  const overrides = overridesOf(fake);
  return (url, options = {}) => safeFetch(url, { ...options, allow: fake.allow, overrides });
}

export function sourceFor(fake: BandcampFake): Source {
  return bandcampSource({ fetch: fetcherFor(fake), log: silentLogger });
}

/** The whole body of an ok fetch, or a thrown description of what it was instead. */
export async function bytesOf(outcome: FetchOutcome): Promise<Buffer> {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
