/**
 * The Twitch fake and the Twitch source wired to it through the real safeFetch (HIQTY_SERVICE_ORIGINS
 * parsed as the instance parses it), and a driver for a live stream on a ManualClock: the fake's windows
 * and expiries and the HLS reader's reloads then move with the test, so a minute of stream time takes
 * a second or two.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch } from '../../src/media/safe-fetch';
import { startTwitchFake, type TwitchFake, type TwitchFakeOptions } from '../../src/sandbox/services/twitch';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { twitchSource } from '../../src/sources/twitch';
import type { Fetcher, Source } from '../../src/sources/types';
import { waitFor } from '../support/wait';

export const TONE_DIR = path.join(tmpdir(), 'hiqty-test-tones');

/** One-second segments over a 40-second loop: what every Twitch suite uses, so the renditions are made once. */
export async function startFake(options: Partial<TwitchFakeOptions> = {}): Promise<TwitchFake> {
  mkdirSync(TONE_DIR, { recursive: true });
  return startTwitchFake({ dir: TONE_DIR, segmentMs: 1000, loopMs: 40_000, ...options });
}

export function overridesOf(fake: TwitchFake): OriginOverrides {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.ok;
}

/** safeFetch as the instance binds it: the fake's listeners allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: TwitchFake): Fetcher {
  const overrides = overridesOf(fake);
  return (url, options = {}) => safeFetch(url, { ...options, allow: fake.allow, overrides });
}

export function sourceFor(fake: TwitchFake, options: { readonly clientId?: string } = {}): Source {
  return twitchSource({ fetch: fetcherFor(fake), log: silentLogger, ...options });
}

/**
 * Moves the clock on in steps while `done` is false, each step once the reader is waiting for its next
 * reload (its only timer on this clock), so every fetch it makes between steps has finished.
 */
export async function driveUntil(clock: ManualClock, what: string, done: () => boolean, { stepMs = 250, maxStreamMs = 120_000 } = {}): Promise<void> {
  const until = clock.monotonic() + maxStreamMs;
  while (!done()) {
    if (clock.monotonic() > until) throw new Error(`${what}: not after ${maxStreamMs} ms of stream time`);
    await waitFor(`the reader to wait for its next reload (${what})`, () => clock.pendingTimers() > 0 || done(), { timeoutMs: 10_000, intervalMs: 2 });
    if (done()) return;
    await clock.advance(stepMs);
  }
}
