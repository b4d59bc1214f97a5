/**
 * A stream plan: how to fetch one track's bytes right now (DESIGN.md §6). Sources make plans at play
 * time, because signed media URLs expire and are bound to the instance that asked; media plays them.
 * Every URL in a plan is fetched through safeFetch, with HIQTY_SERVICE_ORIGINS applied.
 */

/** Headers a service wants on its media requests (a user agent matching the client that asked). */
export type PlanHeaders = Readonly<Record<string, string>>;

/** Inclusive byte range, as DASH formats declare `initRange` and `indexRange`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What a plan's container is known to be, so a seek can use its index before a byte is read. */
export type PlanContainer = 'webm' | 'mp4' | 'mp3' | 'unknown';

export type StreamPlan =
  /** A file at a URL, read from its start or from a Range estimated from its bitrate (an ordinary link). */
  | {
      readonly kind: 'file';
      readonly url: string;
      readonly headers?: PlanHeaders;
      /** An endless stream (Icecast): no size cap, no seek. */
      readonly live?: boolean;
      /** Where known, for a Range estimate on a seek. */
      readonly durationMs?: number;
      readonly contentLength?: number;
    }
  /**
   * A media URL read in ranged chunks (googlevideo throttles single long reads). `rangeParam` puts the
   * range in the query (`&range=0-1048575`), as YouTube's clients do, instead of a Range header.
   */
  | {
      readonly kind: 'ranged';
      readonly url: string;
      readonly headers?: PlanHeaders;
      readonly contentLength: number;
      readonly container: PlanContainer;
      /** The codec the service declared ("opus", "mp4a.40.2"): Opus in WebM passes straight through. */
      readonly codec?: string;
      readonly durationMs?: number;
      /** Default 10 MiB (DEFAULT_CHUNK_BYTES of the ranged reader). */
      readonly chunkBytes?: number;
      readonly rangeParam: boolean;
      /** The header (WebM EBML to Tracks, MP4 ftyp+moov), where the service declares it. */
      readonly initRange?: ByteRange;
      /** The seek index (WebM Cues, MP4 sidx), where the service declares it; else found from the header. */
      readonly indexRange?: ByteRange;
    }
  /** An HLS master or media playlist: hiqty fetches playlists, init segments and segments itself. */
  | {
      readonly kind: 'hls';
      readonly url: string;
      readonly headers?: PlanHeaders;
      /** A live playlist (a sliding window): no seek, no end. The playlist says so too (no ENDLIST). */
      readonly live?: boolean;
      /**
       * The variant a master playlist should be played from, by the NAME or GROUP-ID of its rendition
       * (Twitch's `audio_only`). Absent, or not offered: the best audio the reader finds (chooseAudio).
       */
      readonly rendition?: string;
      /**
       * When the plan's URLs stop being accepted (wall clock, ms since the epoch): a signed token's expiry.
       * The reader asks the source for a fresh plan before then and goes on from the segment it was at.
       */
      readonly expiresAt?: number;
    };

/**
 * What a source answers when asked for a plan. `attempt` counts from 0; a 403 or an expired URL
 * mid-stream asks again with attempt + 1, which a source may use to pick the next client in its table.
 */
/**
 * Set on a plan that plays a track from another source than its own (src/sources/elsewhere.ts): which one,
 * and why when the track's own source refused it ("YouTube refused it (...)"). A mirrored metadata track
 * (Spotify, Apple Music, Deezer) always has one, without a `because`.
 */
export interface PlanVia {
  /** The source's name (Track.source) and how members know it ("SoundCloud"). */
  readonly source: string;
  readonly label: string;
  readonly because?: string;
}

export type PlanOutcome =
  | { readonly kind: 'plan'; readonly plan: StreamPlan; readonly via?: PlanVia }
  /** The track cannot be played from this source (removed, private, DRM, preview only): the reason is for the quarantine. */
  | { readonly kind: 'unplayable'; readonly reason: string }
  /** The service failed (down, malformed answer): the reason is for the quarantine. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export type PlanProvider = (attempt: number, signal: AbortSignal) => Promise<PlanOutcome>;
