/**
 * What every interface asks of the service layer: turn what a member typed (a link, an attachment's
 * URL, or words with an optional `yt:`, `ytm:`, `sc:` or `bc:` prefix) into tracks, and search. Ops depend on
 * this contract only; src/sources/resolver.ts implements it over the registry of sources.
 */
import type { Playlist, SourceName, SourceTrack } from './types';

/** Progress of a slow resolution, for an interface that can show it. */
export type ResolveProgress =
  | { readonly kind: 'fetching-playlist'; readonly url: string }
  | { readonly kind: 'parsed-playlist'; readonly entries: number }
  | { readonly kind: 'searching'; readonly sources: readonly SourceName[] }
  | { readonly kind: 'checking-link'; readonly url: string };

export type QueryOutcome =
  | {
      readonly kind: 'tracks';
      readonly source: SourceName;
      readonly tracks: readonly SourceTrack[];
      readonly playlist?: Playlist;
      /** Entries of a playlist or set left out because they cannot play, with why: the reply says so. */
      readonly skipped?: readonly { readonly title: string; readonly reason: string }[];
      /** Sources a search passed over (resting, failed) before this one found the track: the reply says so. */
      readonly skippedSources?: readonly SkippedSource[];
    }
  /** A link that will not play, refused before anything is queued: the address policy, an HTTP error, an empty body, not audio, a bad scheme. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The service says this item cannot be played: private, removed, sign-in required, geo-blocked, DRM, preview only. */
  | { readonly kind: 'unavailable'; readonly source: SourceName; readonly reason: string }
  /** The service failed to answer properly. */
  | { readonly kind: 'service-failed'; readonly source: SourceName; readonly reason: string }
  /** Every source the search would ask is cooling down after repeated failures. */
  | { readonly kind: 'cooling-down'; readonly sources: readonly SourceName[] }
  | { readonly kind: 'no-results'; readonly query: string; readonly skipped: readonly SkippedSource[] }
  /** A playlist, set or likes page without a playable entry. */
  | { readonly kind: 'empty'; readonly what: string }
  | { readonly kind: 'cancelled' };

/** A source a search did not ask, or that failed, and why: the reply says so. */
export interface SkippedSource {
  readonly source: SourceName;
  readonly reason: string;
}

export interface SearchResults {
  readonly results: readonly SourceTrack[];
  readonly skipped: readonly SkippedSource[];
}

export interface ResolveOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ResolveProgress) => void;
}

export interface QueryResolver {
  /** Never throws: every failure is an outcome. */
  resolve(query: string, options?: ResolveOptions): Promise<QueryOutcome>;
  /**
   * Search only (autocomplete, /search, GET /api/v1/search): results from the sources in
   * HIQTY_SEARCH_SOURCES or the one a prefix names, best first, at most `limit` (<= 25). Cached in Redis
   * per normalized query. Never throws.
   */
  search(query: string, options: { readonly signal?: AbortSignal; readonly limit: number }): Promise<SearchResults>;
}
