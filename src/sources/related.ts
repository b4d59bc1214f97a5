/**
 * Related tracks for autoplay (src/autoplay), through the service layer: the same breaker as search,
 * mirrors and fallback, and a fleet-wide cache of each answer (hiqty:resolve_cache:related-{source}:{id}).
 *
 * Where a queued track's related tracks come from, first that answers:
 * 1. its own source's related API (YouTube's radio mix, SoundCloud's related tracks);
 * 2. a source without one (Spotify, Apple Music, Deezer, Bandcamp, Vimeo, Twitch, links): the song is found
 *    on HIQTY_FALLBACK_SOURCES by the mirror (ISRC, or title, artist and length), and that match's related
 *    tracks are taken;
 * 3. no match (or no length to match by): a search for the artist (else the title) on HIQTY_FALLBACK_SOURCES,
 *    whose results stand in for related tracks.
 */
import type { Logger } from '../log';
import type { SourceCache } from '../state/source-cache';
import type { SourceBreaker } from './breaker';
import { readCached, writeCached } from './cached-answer';
import { songOf, type SongMirror } from './mirror';
import type { SourceRegistry } from './registry';
import { SourceTracksCodec } from './track-codec';
import type { PlayableTrack, SearchOutcome, Source, SourceName, SourceTrack } from './types';

/** Related tracks asked of a service per lookup (25): enough to pass over the guild's last 50 played. */
export const RELATED_LIMIT = 25;

export type RelatedOutcome =
  /** `how`: own (the track's source), mirror (its match elsewhere), search (the artist searched). */
  | { readonly kind: 'found'; readonly tracks: readonly SourceTrack[]; readonly how: 'own' | 'mirror' | 'search'; readonly from: SourceName }
  /** Nothing related was found anywhere; the reasons, one per step. */
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export type RelatedFinder = (track: PlayableTrack, signal: AbortSignal) => Promise<RelatedOutcome>;

export interface RelatedDeps {
  /** The playable sources (no fallback wrapping). */
  readonly registry: SourceRegistry;
  readonly mirror: SongMirror;
  readonly breaker: SourceBreaker;
  /** HIQTY_FALLBACK_SOURCES, in order. */
  readonly order: readonly SourceName[];
  /** Related lists per source and id, shared by the fleet. */
  readonly cache: SourceCache;
  readonly log: Logger;
}

type Asked = { readonly kind: 'tracks'; readonly tracks: readonly SourceTrack[] } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

export function relatedFinder(deps: RelatedDeps): RelatedFinder {
  const { registry, breaker, cache, log } = deps;

  /** One service call, counted toward its circuit; a source that rests is not asked. */
  async function counted(source: Source, ask: () => Promise<SearchOutcome>): Promise<Asked> {
    if (breaker.coolingUntil(source.name) !== undefined) return { kind: 'failed', reason: `${source.label} is resting after repeated errors` };
    let outcome;
    try {
      outcome = await ask();
    } catch (err) {
      log.error({ err, source: source.name }, 'related tracks: the source threw');
      return { kind: 'failed', reason: `${source.label}: an internal error` };
    }
    if (outcome.kind === 'cancelled') return outcome;
    if (outcome.kind === 'failed') {
      if (breaker.failed(source.name)) log.warn({ source: source.name, reason: outcome.reason }, 'source keeps failing: skipped by search, fallback and autoplay for a while');
      return { kind: 'failed', reason: `${source.label}: ${outcome.reason}` };
    }
    breaker.succeeded(source.name);
    return { kind: 'tracks', tracks: outcome.tracks };
  }

  async function relatedOn(source: Source, track: PlayableTrack, signal: AbortSignal): Promise<Asked> {
    const related = source.related;
    if (related === undefined || track.sourceId === undefined) return { kind: 'tracks', tracks: [] };
    const cacheName = `related-${source.name}`;
    const hit = await readCached(cache, SourceTracksCodec, cacheName, track.sourceId, 'related', log);
    if (hit !== undefined) return { kind: 'tracks', tracks: hit };
    const asked = await counted(source, () => related.call(source, track, { signal, limit: RELATED_LIMIT }));
    if (asked.kind === 'tracks' && asked.tracks.length > 0) await writeCached(cache, cacheName, track.sourceId, asked.tracks, 'related', log);
    return asked;
  }

  return async (track, signal) => {
    const reasons: string[] = [];
    const own = track.source === undefined ? undefined : registry.byName(track.source);
    if (own?.related !== undefined) {
      const asked = await relatedOn(own, track, signal);
      if (asked.kind === 'cancelled') return asked;
      if (asked.kind === 'tracks' && asked.tracks.length > 0) return { kind: 'found', tracks: asked.tracks, how: 'own', from: own.name };
      reasons.push(asked.kind === 'failed' ? asked.reason : `${own.label} relates nothing to it`);
    }

    const withRelated = deps.order.filter((name) => name !== own?.name && registry.byName(name)?.related !== undefined);
    if (withRelated.length > 0 && track.title !== undefined) {
      const found = await deps.mirror(songOf(track), withRelated, signal);
      if (found.kind === 'cancelled') return found;
      if (found.kind === 'found') {
        const source = registry.byName(found.match.source);
        const asked = source === undefined ? undefined : await relatedOn(source, found.match.track, signal);
        if (asked?.kind === 'cancelled') return asked;
        if (source !== undefined && asked?.kind === 'tracks' && asked.tracks.length > 0) return { kind: 'found', tracks: asked.tracks, how: 'mirror', from: source.name };
        if (asked?.kind === 'failed') reasons.push(asked.reason);
      } else {
        reasons.push(...found.reasons);
      }
    }

    // Known limit: a search for the artist finds their best-known songs, not the ones most like this one.
    const words = track.artist ?? track.title;
    if (words !== undefined && words.trim() !== '') {
      for (const name of deps.order) {
        const source = registry.byName(name);
        const search = source?.search;
        if (source === undefined || search === undefined) continue;
        const asked = await counted(source, () => search.call(source, words, { signal, limit: RELATED_LIMIT }));
        if (asked.kind === 'cancelled') return asked;
        if (asked.kind === 'failed') {
          reasons.push(asked.reason);
          continue;
        }
        const others = asked.tracks.filter((t) => t.live !== true && (track.title === undefined || t.title.toLowerCase() !== track.title.toLowerCase()));
        if (others.length > 0) return { kind: 'found', tracks: others, how: 'search', from: source.name };
      }
    }
    return { kind: 'none', reason: reasons.length > 0 ? reasons.join('; ') : 'the track has no title or artist to look for' };
  };
}
