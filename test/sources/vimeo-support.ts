/** The Vimeo fake and the Vimeo source wired to it through the real safeFetch, for the Vimeo suites. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch } from '../../src/media/safe-fetch';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { startVimeoFake, type VimeoFake } from '../../src/sandbox/services/vimeo';
import type { Fetcher, Source } from '../../src/sources/types';
import { vimeoSource } from '../../src/sources/vimeo';

export const TONE_DIR = path.join(tmpdir(), 'hiqty-test-tones');

/** Four-second videos in two-second segments: enough to hear, quick to make. */
export async function startFake(): Promise<VimeoFake> {
  mkdirSync(TONE_DIR, { recursive: true });
  return startVimeoFake({ dir: TONE_DIR, toneMs: 4000, segmentMs: 2000 });
}

/** HIQTY_SERVICE_ORIGINS as the bot parses it, for the fake's hosts. */
export function overridesOf(fake: VimeoFake): OriginOverrides {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.ok;
}

/** safeFetch as the instance binds it: the fake's listeners allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: VimeoFake): Fetcher {
  const overrides = overridesOf(fake);
  return (url, options = {}) => safeFetch(url, { ...options, allow: fake.allow, overrides });
}

export function sourceFor(fake: VimeoFake): Source {
  return vimeoSource({ fetch: fetcherFor(fake), log: silentLogger });
}
