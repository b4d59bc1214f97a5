/**
 * The Player's way to open a queued track: the source that resolved it makes a fresh plan at play time
 * (on whichever instance plays it now), and media plays the plan. The source is found by the track's
 * `source` field; entries written before there were sources (or by hand) go to the source that owns
 * their URL.
 */
import type { OpenOutcome, TrackRequest } from '../media/open-track';
import type { SourceRegistry } from './registry';
import type { PlayableTrack } from './types';

export interface PlayRequest {
  readonly track: PlayableTrack;
  readonly startMs: number;
  readonly volumePercent: number;
  /** Cancels the open in whatever phase it is (see TrackRequest.signal). */
  readonly signal: AbortSignal;
}

export type PlayOpener = (request: PlayRequest) => Promise<OpenOutcome>;

/** Source names of entries written by earlier versions, played by the source that owns the URL. */
const LEGACY_SOURCES = new Set(['url-playlist']);

export function sourceOpener(registry: SourceRegistry, openTrack: (request: TrackRequest) => Promise<OpenOutcome>): PlayOpener {
  return (request) => {
    const { track } = request;
    const named = track.source === undefined || LEGACY_SOURCES.has(track.source) ? undefined : track.source;
    let source = named === undefined ? undefined : registry.byName(named);
    if (named !== undefined && source === undefined) return Promise.resolve({ kind: 'unplayable', reason: `the ${named} source is not enabled on this bot` });
    if (source === undefined) {
      let url: URL;
      try {
        url = new URL(track.url);
      } catch {
        return Promise.resolve({ kind: 'unplayable', reason: 'refused: the entry has no valid URL' });
      }
      // Entries written straight into Redis meet the same scheme rule as links given to /play.
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve({ kind: 'unplayable', reason: `refused: the scheme ${url.protocol} is not allowed (only http and https)` });
      source = registry.forUrl(url);
    }
    if (source === undefined) return Promise.resolve({ kind: 'unplayable', reason: 'no source on this bot plays that link' });
    const from = source;
    return openTrack({
      url: track.url,
      startMs: request.startMs,
      volumePercent: request.volumePercent,
      isLive: track.live === true,
      ...(track.durationMs === undefined ? {} : { durationMs: track.durationMs }),
      signal: request.signal,
      plan: (attempt, signal) => from.open(track, { attempt, signal }),
    });
  };
}
