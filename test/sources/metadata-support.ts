/**
 * What the Spotify, Apple Music and Deezer suites share: a fake reached through the real safeFetch
 * (its listeners allowed, HIQTY_SERVICE_ORIGINS parsed as the instance parses it), a clock that
 * honours a Retry-After without the test waiting for it, a logger whose lines a test can read, and
 * readers of outcomes.
 */
import assert from 'node:assert/strict';
import { systemClock, type Clock, type Timer } from '../../src/clock';
import { createLogger, type Logger } from '../../src/log';
import { parseOriginOverrides } from '../../src/media/origins';
import { safeFetch } from '../../src/media/safe-fetch';
import { serviceOriginsValue, type ServiceFake, type ServiceRequest } from '../../src/sandbox/services/types';
import type { Fetcher, ResolveOutcome, SourceTrack } from '../../src/sources/types';

/** safeFetch as the instance binds it: the fake's listeners allowed, HIQTY_SERVICE_ORIGINS applied. */
export function fetcherFor(fake: ServiceFake): Fetcher {
  const parsed = parseOriginOverrides(serviceOriginsValue([fake]));
  if ('error' in parsed) throw new Error(parsed.error);
  const overrides = parsed.ok;
  return (url, options = {}) => safeFetch(url, { ...options, allow: fake.allow, overrides });
}

/**
 * The system clock, except that timers fire at once: a source that waits as a 429's Retry-After asks
 * is seen to ask for the wait (`waits`) without the test spending it.
 */
export class ImpatientClock implements Clock {
  readonly waits: number[] = [];

  now(): number {
    return systemClock.now();
  }

  monotonic(): number {
    return systemClock.monotonic();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    this.waits.push(ms);
    return systemClock.setTimeout(fn, 0);
  }
}

/** A logger writing into `lines`, at debug, so a test can prove what is never logged. */
export function capturingLogger(): { readonly log: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', {}, { write: (line: string) => void lines.push(line) }), lines };
}

export function tracksOf(outcome: ResolveOutcome): readonly SourceTrack[] {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  return outcome.kind === 'tracks' ? outcome.tracks : [];
}

export function reasonOf(outcome: ResolveOutcome, kind: 'refused' | 'unavailable' | 'failed'): string {
  assert.equal(outcome.kind, kind, JSON.stringify(outcome));
  return 'reason' in outcome ? outcome.reason : '';
}

/** The requests a fake served since `from`, as `host path`. */
export function servedSince(fake: ServiceFake, from: number, host?: string): string[] {
  return fake.requests
    .slice(from)
    .filter((r: ServiceRequest) => host === undefined || r.host === host)
    .map((r) => `${r.method} ${r.host}${r.path}`);
}

export const signal = (): AbortSignal => new AbortController().signal;
