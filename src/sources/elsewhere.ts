/**
 * Playing a queued track from a source other than its own (issue 15): the mirror of a metadata source
 * (Spotify, Apple Music, Deezer), which always plays elsewhere, and the fallback of a playable source
 * whose open fails (a login wall, a region block, a 403 re-resolution cannot fix, the service down).
 * Both look for the song on HIQTY_FALLBACK_SOURCES in order (src/sources/mirror.ts) and open it there;
 * the plan's `via` names the source that plays it and why, for the announcement and the now-playing message.
 *
 * Known limit: only an open falls back. A failure mid-stream asks the same source again (attempt > 0, the
 * engine resumes at a byte offset of that source's file); another source's bytes would not line up.
 */
import type { PlanOutcome, PlanVia } from '../media/plan';
import type { SourceBreaker } from './breaker';
import { songOf, type SongMirror } from './mirror';
import type { SourceRegistry } from './registry';
import type { MetadataSource, PlayableTrack, Source, SourceName } from './types';

export interface ElsewhereDeps {
  readonly registry: SourceRegistry;
  readonly mirror: SongMirror;
  /** HIQTY_FALLBACK_SOURCES, in order. */
  readonly order: readonly SourceName[];
  /** Opens count toward a source's health; a source whose circuit is open is not asked. */
  readonly breaker: SourceBreaker;
}

type OpenOptions = { readonly attempt: number; readonly signal: AbortSignal };

/** Finds the song on the sources in order (skipping `except`) and opens it on the first that has it and opens. */
async function openElsewhere(deps: ElsewhereDeps, track: PlayableTrack, except: SourceName | undefined, options: OpenOptions, because: string | undefined): Promise<PlanOutcome | { readonly kind: 'none'; readonly reasons: readonly string[] }> {
  const reasons: string[] = [];
  let remaining = deps.order.filter((name) => name !== except);
  while (remaining.length > 0) {
    const found = await deps.mirror(songOf(track), remaining, options.signal);
    if (found.kind === 'cancelled') return { kind: 'cancelled' };
    if (found.kind === 'none') return { kind: 'none', reasons: [...reasons, ...found.reasons] };
    const { match } = found;
    const source = deps.registry.byName(match.source);
    remaining = remaining.slice(remaining.indexOf(match.source) + 1);
    if (source === undefined) continue;
    const outcome = await openCounted(deps.breaker, source, match.track, options);
    if (outcome.kind === 'plan') {
      const via: PlanVia = { source: source.name, label: source.label, ...(because === undefined ? {} : { because }) };
      return { kind: 'plan', plan: outcome.plan, via };
    }
    if (outcome.kind === 'cancelled') return outcome;
    reasons.push(`${source.label}: ${outcome.reason}`);
  }
  return { kind: 'none', reasons };
}

/** Opens a track, counting a failed service (not a refused track) toward the source's circuit. */
async function openCounted(breaker: SourceBreaker, source: Source, track: PlayableTrack, options: OpenOptions): Promise<PlanOutcome> {
  const outcome = await source.open(track, options);
  if (outcome.kind === 'plan') breaker.succeeded(source.name);
  else if (outcome.kind === 'failed') breaker.failed(source.name);
  return outcome;
}

/** A metadata source as a Source: its tracks open on the first fallback source that has the song. */
export function mirroredSource(meta: MetadataSource, deps: ElsewhereDeps): Source {
  return {
    name: meta.name,
    label: meta.label,
    matches: (url) => meta.matches(url),
    resolve: (url, options) => meta.resolve(url, options),
    async open(track, options) {
      const outcome = await openElsewhere(deps, track, undefined, options, undefined);
      if (outcome.kind !== 'none') return outcome;
      return { kind: 'unplayable', reason: `no playable source has this ${meta.label} song (${outcome.reasons.join('; ') || `HIQTY_FALLBACK_SOURCES is empty`})` };
    },
  };
}

/** A playable source whose failed opens are tried on the other fallback sources before the track is given up. */
export function withFallback(source: Source, deps: ElsewhereDeps): Source {
  return {
    ...source,
    async open(track, options) {
      // While its circuit is open the source is not asked: the track goes straight to the others.
      const resting = options.attempt === 0 && deps.breaker.coolingUntil(source.name) !== undefined;
      const own: PlanOutcome = resting ? { kind: 'failed', reason: 'it is resting after repeated errors' } : await openCounted(deps.breaker, source, track, options);
      // A live stream has no copy on another source: its refusal (off the air) is the answer.
      if (own.kind === 'plan' || own.kind === 'cancelled' || options.attempt > 0 || track.live === true) return own;
      const because = resting ? `${source.label} is resting after repeated errors` : `${source.label} refused it (${own.reason})`;
      const elsewhere = await openElsewhere(deps, track, source.name, options, because);
      if (elsewhere.kind !== 'none') return elsewhere;
      const reasons = [`${source.label}: ${own.reason}`, ...elsewhere.reasons].join('; ');
      return own.kind === 'failed' ? { kind: 'failed', reason: reasons } : { kind: 'unplayable', reason: reasons };
    },
  };
}
