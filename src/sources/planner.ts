/**
 * How a queued track is played, decided on the main thread: the source that resolved it makes a fresh
 * stream plan at play time (on whichever instance plays it now; its API calls and tokens live here),
 * and the voice engine, wherever it runs, fetches the plan's bytes. The source is found by the track's
 * `source` field; entries written before there were sources (or by hand) go to the source that owns
 * their URL.
 */
import type { PlanProvider } from '../media/plan';
import type { SourceRegistry } from './registry';
import type { PlayableTrack } from './types';

/** What media needs to open a track, besides the position and the volume. */
export type PlannedTrack =
  | {
      readonly kind: 'planned';
      /** The link, or for a service track the page it came from (logs). */
      readonly url: string;
      readonly isLive: boolean;
      readonly durationMs?: number;
      /** A service track's plan, asked at open (attempt 0) and again if its media URL expires mid-stream. Absent: `url` is a plain link. */
      readonly plan?: PlanProvider;
    }
  | { readonly kind: 'unplayable'; readonly reason: string };

export type TrackPlanner = (track: PlayableTrack) => PlannedTrack;

/** Source names of entries written by earlier versions, played by the source that owns the URL. */
const LEGACY_SOURCES = new Set(['url-playlist']);

export function sourcePlanner(registry: SourceRegistry): TrackPlanner {
  return (track) => {
    const named = track.source === undefined || LEGACY_SOURCES.has(track.source) ? undefined : track.source;
    let source = named === undefined ? undefined : registry.byName(named);
    if (named !== undefined && source === undefined) return { kind: 'unplayable', reason: `the ${named} source is not enabled on this bot` };
    if (source === undefined) {
      let url: URL;
      try {
        url = new URL(track.url);
      } catch {
        return { kind: 'unplayable', reason: 'refused: the entry has no valid URL' };
      }
      // Entries written straight into Redis meet the same scheme rule as links given to /play.
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'unplayable', reason: `refused: the scheme ${url.protocol} is not allowed (only http and https)` };
      source = registry.forUrl(url);
    }
    if (source === undefined) return { kind: 'unplayable', reason: 'no source on this bot plays that link' };
    const from = source;
    return {
      kind: 'planned',
      url: track.url,
      isLive: track.live === true,
      ...(track.durationMs === undefined ? {} : { durationMs: track.durationMs }),
      plan: (attempt, signal) => from.open(track, { attempt, signal }),
    };
  };
}
