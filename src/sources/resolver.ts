/**
 * The QueryResolver over the registry (src/sources/query.ts): a link goes to the source that owns it; words
 * are searched in HIQTY_SEARCH_SOURCES order (or the one source a `yt:`, `ytm:`, `sc:` or `bc:` prefix names), and
 * the first source with results gives the best match. Searches are cached in Redis per normalized query;
 * a source whose searches keep failing rests for a while (breaker.ts) and the answer says so.
 */
import type { Logger } from '../log';
import type { SourceCache } from '../state/source-cache';
import type { SourceBreaker } from './breaker';
import { readCached, writeCached } from './cached-answer';
import type { QueryOutcome, QueryResolver, ResolveOptions, SearchResults, SkippedSource } from './query';
import type { SourceRegistry } from './registry';
import { SourceTracksCodec } from './track-codec';
import type { ResolveOutcome, Source, SourceName, SourceTrack } from './types';

/** Results asked of each source per search, whatever the caller's limit: one cached answer serves autocomplete, /search and /play. */
export const RESULTS_PER_SOURCE = 20;

export const SEARCH_PREFIXES: Readonly<Record<string, SourceName>> = { yt: 'youtube', ytm: 'youtube-music', sc: 'soundcloud', bc: 'bandcamp' };

export interface QueryResolverDeps {
  readonly registry: SourceRegistry;
  /** HIQTY_SEARCH_SOURCES, in order of preference. */
  readonly searchSources: readonly SourceName[];
  /** Search results per source and normalized query (hiqty:search_cache:*). */
  readonly searchCache: SourceCache;
  readonly breaker: SourceBreaker;
  readonly log: Logger;
}

/** Lower case, one space between words, compatibility forms folded: "Never  Gonna" and "never gonna" share a cache entry. */
export function normalizeQuery(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** `yt: words` → the YouTube source and "words"; anything else → undefined. */
export function parsePrefix(query: string): { readonly source: SourceName; readonly text: string } | undefined {
  const m = /^([a-z]{2,3}):(?!\/\/)\s*(.*)$/is.exec(query);
  const source = m?.[1] === undefined ? undefined : SEARCH_PREFIXES[m[1].toLowerCase()];
  return source === undefined ? undefined : { source, text: (m?.[2] ?? '').trim() };
}

/** A link (with a scheme, or www.): played as it is, never searched for. */
export function looksLikeLink(query: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(query) || /^www\./i.test(query);
}

/** Round-robin by rank: the top result of each source first, then the second of each, and so on. */
function interleave(lists: readonly (readonly SourceTrack[])[], limit: number): SourceTrack[] {
  const out: SourceTrack[] = [];
  for (let rank = 0; out.length < limit && lists.some((l) => rank < l.length); rank++) {
    for (const list of lists) {
      const item = list[rank];
      if (item !== undefined && out.length < limit) out.push(item);
    }
  }
  return out;
}

type OneSearch =
  | { readonly kind: 'results'; readonly tracks: readonly SourceTrack[] }
  /** `failed`: the source was asked and failed (not merely resting or unable to search). */
  | { readonly kind: 'skipped'; readonly skipped: SkippedSource; readonly failed: boolean }
  | { readonly kind: 'cancelled' };

export function createQueryResolver(deps: QueryResolverDeps): QueryResolver {
  const { registry, breaker, searchCache: cache, log } = deps;

  function failedOnce(source: Source, reason: string): void {
    if (breaker.failed(source.name)) log.warn({ source: source.name, reason }, 'source search keeps failing: skipped by search for a while');
  }

  const cached = (source: Source, query: string): Promise<readonly SourceTrack[] | undefined> => readCached(cache, SourceTracksCodec, source.name, query, 'search', log);

  async function searchOne(source: Source, text: string, signal: AbortSignal | undefined): Promise<OneSearch> {
    const search = source.search;
    if (search === undefined) return { kind: 'skipped', skipped: { source: source.name, reason: `${source.label} cannot search` }, failed: false };
    const query = normalizeQuery(text);
    const hit = await cached(source, query);
    if (hit !== undefined) return { kind: 'results', tracks: hit };
    if (breaker.coolingUntil(source.name) !== undefined) {
      return { kind: 'skipped', skipped: { source: source.name, reason: `${source.label} is resting after repeated errors` }, failed: false };
    }
    let outcome;
    try {
      outcome = await search(text, { signal, limit: RESULTS_PER_SOURCE });
    } catch (err) {
      log.error({ err, source: source.name }, 'source search threw');
      outcome = { kind: 'failed' as const, reason: 'an internal error' };
    }
    if (outcome.kind === 'cancelled') return { kind: 'cancelled' };
    if (outcome.kind === 'failed') {
      failedOnce(source, outcome.reason);
      return { kind: 'skipped', skipped: { source: source.name, reason: `${source.label} search failed: ${outcome.reason}` }, failed: true };
    }
    breaker.succeeded(source.name);
    await writeCached(cache, source.name, query, outcome.tracks, 'search', log);
    return { kind: 'results', tracks: outcome.tracks };
  }

  function searchTargets(query: string): { readonly sources: readonly Source[]; readonly text: string; readonly missing: readonly SkippedSource[] } {
    const prefixed = parsePrefix(query);
    const names = prefixed === undefined ? deps.searchSources : [prefixed.source];
    const sources = names.flatMap((n) => registry.byName(n) ?? []);
    const missing = names.filter((n) => registry.byName(n) === undefined).map((n) => ({ source: n, reason: `${n} is not enabled on this bot` }));
    return { sources, text: prefixed?.text ?? query, missing };
  }

  function fromSource(source: Source, outcome: ResolveOutcome): QueryOutcome {
    switch (outcome.kind) {
      case 'tracks':
        breaker.succeeded(source.name);
        if (outcome.tracks.length === 0) return { kind: 'empty', what: `${source.label} returned no playable tracks` };
        return { kind: 'tracks', source: source.name, tracks: outcome.tracks, ...(outcome.playlist ? { playlist: outcome.playlist } : {}), ...(outcome.skipped ? { skipped: outcome.skipped } : {}) };
      case 'refused':
        return { kind: 'refused', reason: outcome.reason };
      case 'unavailable':
        return { kind: 'unavailable', source: source.name, reason: outcome.reason };
      case 'failed':
        failedOnce(source, outcome.reason);
        return { kind: 'service-failed', source: source.name, reason: outcome.reason };
      case 'empty':
        return { kind: 'empty', what: outcome.what };
      case 'cancelled':
        return { kind: 'cancelled' };
    }
  }

  async function resolveLink(query: string, options: ResolveOptions): Promise<QueryOutcome> {
    let url: URL;
    try {
      url = new URL(/^www\./i.test(query) ? `https://${query}` : query);
    } catch {
      return { kind: 'refused', reason: 'that is not a valid link' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'refused', reason: 'only http:// and https:// links are supported' };
    const source = registry.forUrl(url);
    if (source === undefined) return { kind: 'refused', reason: 'no source on this bot plays that link' };
    options.onProgress?.({ kind: 'checking-link', url: url.href });
    try {
      return fromSource(source, await source.resolve(url, { signal: options.signal }));
    } catch (err) {
      log.error({ err, source: source.name }, 'source resolve threw');
      return { kind: 'service-failed', source: source.name, reason: 'an internal error' };
    }
  }

  async function resolveText(query: string, options: ResolveOptions): Promise<QueryOutcome> {
    const { sources, text, missing } = searchTargets(query);
    if (text === '') return { kind: 'no-results', query, skipped: missing };
    options.onProgress?.({ kind: 'searching', sources: sources.map((s) => s.name) });
    const skipped: SkippedSource[] = [...missing];
    const failures: SkippedSource[] = [];
    for (const source of sources) {
      const one = await searchOne(source, text, options.signal);
      if (one.kind === 'cancelled') return { kind: 'cancelled' };
      if (one.kind === 'skipped') {
        skipped.push(one.skipped);
        if (one.failed) failures.push(one.skipped);
        continue;
      }
      const best = one.tracks[0];
      const passedOver = skipped.filter((sk) => sources.some((s) => s.name === sk.source));
      if (best !== undefined) return { kind: 'tracks', source: source.name, tracks: [best], ...(passedOver.length > 0 ? { skippedSources: passedOver } : {}) };
    }
    const resting = sources.filter((s) => breaker.coolingUntil(s.name) !== undefined);
    if (sources.length > 0 && resting.length === sources.length) return { kind: 'cooling-down', sources: resting.map((s) => s.name) };
    // Nothing found is only said when a source could look: when every one asked failed, that is the answer.
    const failed = failures.filter((f) => sources.some((s) => s.name === f.source));
    const first = failed[0];
    if (first !== undefined && failed.length === sources.length) return { kind: 'service-failed', source: first.source, reason: failed.map((f) => f.reason).join('; ') };
    return { kind: 'no-results', query: text, skipped };
  }

  return {
    resolve(raw, options = {}) {
      const query = raw.trim();
      return parsePrefix(query) === undefined && looksLikeLink(query) ? resolveLink(query, options) : resolveText(query, options);
    },
    async search(raw, { signal, limit }): Promise<SearchResults> {
      const { sources, text, missing } = searchTargets(raw.trim());
      if (text === '') return { results: [], skipped: missing };
      const answers = await Promise.all(sources.map((s) => searchOne(s, text, signal)));
      const lists = answers.map((a) => (a.kind === 'results' ? a.tracks : []));
      const skipped = [...missing, ...answers.flatMap((a) => (a.kind === 'skipped' ? [a.skipped] : []))];
      return { results: interleave(lists, Math.min(25, Math.max(1, limit))), skipped };
    },
  };
}
