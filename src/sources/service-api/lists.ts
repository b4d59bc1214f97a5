/**
 * What the metadata sources share about albums and playlists: the cap on a playlist's length, and
 * the outcome a list of tracks becomes.
 */
import type { Playlist, ResolveOutcome, SourceTrack } from '../types';

/** Most tracks taken from one album or playlist; default 1000. Pages past it are not asked for. */
export const DEFAULT_MAX_LIST_TRACKS = 1000;

export type Skipped = { readonly title: string; readonly reason: string };

/** The skipped entry that says a list was cut at the cap: `left` entries were not read (undefined: unknown). */
export function capSkipped(left: number | undefined, max: number): Skipped {
  const title = left === undefined ? 'the tracks after those' : `${left} more ${left === 1 ? 'track' : 'tracks'}`;
  return { title, reason: `hiqty takes the first ${max} tracks of a playlist` };
}

/** A list's tracks, or why there are none. `what` names it for a reason: `the Spotify playlist "Road Trip"`. */
export function listOutcome(what: string, playlist: Playlist, tracks: readonly SourceTrack[], skipped: readonly Skipped[]): ResolveOutcome {
  if (tracks.length === 0) {
    const first = skipped[0];
    return first === undefined ? { kind: 'empty', what } : { kind: 'unavailable', reason: `None of the ${skipped.length} entries of ${what} can be played (${first.reason})` };
  }
  return { kind: 'tracks', tracks, playlist, ...(skipped.length > 0 ? { skipped } : {}) };
}

/** Joins artists' names the way every source shows them: "A, B". Empty names are left out. */
export function joinArtists(names: readonly (string | null | undefined)[]): string | undefined {
  const kept = [...new Set(names.filter((n): n is string => typeof n === 'string' && n.trim() !== '').map((n) => n.trim()))];
  return kept.length === 0 ? undefined : kept.join(', ');
}
