/**
 * The contract of a service (DESIGN.md §6 "Services"): one Source per service, kept in a registry.
 * A source turns links into tracks, searches by text, and at play time makes a fresh stream plan.
 * Sources reach the network only through the Fetcher they are given (safeFetch with the address
 * policy and HIQTY_SERVICE_ORIGINS), and keep shared tokens in Redis through a TokenStore.
 */
import type { FetchOutcome, SafeFetchOptions } from '../media/safe-fetch';
import type { PlanOutcome } from '../media/plan';

/** Names as stored in Track.source and accepted as search prefixes' targets. */
export type SourceName =
  | 'youtube'
  | 'youtube-music'
  | 'soundcloud'
  | 'bandcamp'
  | 'twitch'
  | 'vimeo'
  /** Metadata sources: their tracks play through a mirror on a playable source (src/sources/mirror.ts). */
  | 'spotify'
  | 'apple-music'
  | 'deezer'
  | 'url'
  | 'attachment';

/** Track metadata as a source resolves it; becomes a Track (src/state/schema.ts) when queued. */
export interface SourceTrack {
  /** What the track is stored and shown as: a canonical page URL for a service, the link itself for a file. */
  readonly url: string;
  readonly title: string;
  readonly source: SourceName;
  /** The service's own id (a YouTube video id, a SoundCloud track id). */
  readonly sourceId?: string;
  readonly artist?: string;
  readonly durationMs?: number;
  readonly artworkUrl?: string;
  readonly isrc?: string;
  readonly live?: boolean;
}

export interface Playlist {
  readonly url: string;
  readonly title: string;
}

export type ResolveOutcome =
  | {
      readonly kind: 'tracks';
      readonly tracks: readonly SourceTrack[];
      readonly playlist?: Playlist;
      /** Entries of a playlist or set left out because they cannot play (preview only, DRM, a dead link), with why. */
      readonly skipped?: readonly { readonly title: string; readonly reason: string }[];
    }
  /** The link itself will not play: the address policy, an HTTP error, an empty body, not audio. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The service says no for this item: private, removed, LOGIN_REQUIRED, geo-blocked, DRM, preview only. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** The service failed: down, slow, malformed answer. Counts toward the source's cool-down. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'empty'; readonly what: string }
  | { readonly kind: 'cancelled' };

export type SearchOutcome =
  | { readonly kind: 'results'; readonly tracks: readonly SourceTrack[] }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** The part of a queued Track a source needs to play it again, on any instance. */
export interface PlayableTrack {
  readonly url: string;
  readonly source?: string;
  readonly sourceId?: string;
  readonly live?: boolean;
  readonly durationMs?: number;
  /** What a mirror or a fallback looks for on another source (src/sources/mirror.ts). */
  readonly title?: string;
  readonly artist?: string;
  readonly isrc?: string;
}

export interface Source {
  readonly name: SourceName;
  /** Shown in replies ("YouTube", "SoundCloud"). */
  readonly label: string;
  /** Whether this source owns the link. Pure: no network. */
  matches(url: URL): boolean;
  resolve(url: URL, options: { readonly signal?: AbortSignal }): Promise<ResolveOutcome>;
  /** Absent on sources that cannot search (plain links, attachments). `limit` is at most 25. */
  readonly search?: (text: string, options: { readonly signal?: AbortSignal; readonly limit: number }) => Promise<SearchOutcome>;
  /**
   * Tracks the service relates to one of its own (YouTube's radio mix, SoundCloud's related tracks), in
   * the service's order, the track itself left out: what autoplay queues from. Absent on sources without one.
   */
  readonly related?: (track: PlayableTrack, options: { readonly signal?: AbortSignal; readonly limit: number }) => Promise<SearchOutcome>;
  /** A fresh stream plan for a track this source resolved, possibly on another instance long ago. */
  open(track: PlayableTrack, options: { readonly attempt: number; readonly signal: AbortSignal }): Promise<PlanOutcome>;
}

/**
 * A service whose links give metadata only (Spotify, Apple Music, Deezer): title, artists, duration and
 * ISRC, but no audio a bot may fetch. The service layer wraps one in a mirror (src/sources/mirror.ts),
 * which at play time finds the same song on a playable source, so to the rest of hiqty it is a Source.
 * Its tracks carry `source` = its own name and `url` = the service's page of the track.
 */
export interface MetadataSource {
  readonly name: SourceName;
  readonly label: string;
  matches(url: URL): boolean;
  resolve(url: URL, options: { readonly signal?: AbortSignal }): Promise<ResolveOutcome>;
}

/** safeFetch with the instance's policy (allow list, overrides, DNS) already bound. */
export type Fetcher = (url: string, options?: Omit<SafeFetchOptions, 'allow' | 'overrides' | 'lookup'>) => Promise<FetchOutcome>;

export type { TokenStore } from '../state/source-tokens';
