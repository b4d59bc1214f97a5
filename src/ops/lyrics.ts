/**
 * The current track's lyrics (issue 16): looked up on LRCLIB by the track's title, artist and length
 * through the deps' LyricsFinder (cached for the fleet), as a closed set of answers an interface folds
 * once. Asking for them also marks the track in Redis (`lyrics_shown`), so the now-playing message
 * follows its synced lines on whichever instance plays the guild.
 */
import type { Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as t from 'io-ts';
import { NonEmptyString, Snowflake } from '../codecs';
import type { Lyrics } from '../sources/lrclib/client';
import { markLyricsShown, type Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { fail, ok, withInput } from './run';

export const LyricsInput = t.intersection([
  t.type({ guild: Snowflake }),
  t.partial({
    /** The track the member is paging through (a button's): anything else playing now is `stale`. */
    trackId: NonEmptyString,
    /** Mark the track so the now-playing message shows its synced lines (the command does; page buttons need not). */
    show: t.boolean,
  }),
]);
export type LyricsInput = t.TypeOf<typeof LyricsInput>;

export type LyricsAnswer =
  | { readonly kind: 'lyrics'; readonly track: Track; readonly lyrics: Lyrics }
  | { readonly kind: 'instrumental'; readonly track: Track; readonly lyrics: Lyrics }
  /** LRCLIB has no lyrics for it (or the track has no title to look for). */
  | { readonly kind: 'none'; readonly track: Track }
  /** The track asked about is no longer the current one. */
  | { readonly kind: 'stale' }
  /** LRCLIB failed, or this instance has no lyrics service. */
  | { readonly kind: 'failed'; readonly track: Track; readonly reason: string };

export const lyrics =
  (deps: OpsDeps) =>
  (input: LyricsInput, signal?: AbortSignal): TaskEither<OpError, LyricsAnswer> =>
    withInput(LyricsInput, input, async (i): Promise<Either<OpError, LyricsAnswer>> => {
      const { snapshot } = await deps.store.snapshot(i.guild, { queue: 'head' });
      const track = snapshot.playlist[0];
      if (i.trackId !== undefined && track?.id !== i.trackId) return ok({ kind: 'stale' });
      if (track === undefined) return fail({ kind: 'queue-empty' });
      const title = track.title?.trim() ?? '';
      if (title === '' || track.live === true) return ok({ kind: 'none', track });
      if (deps.lyrics === undefined) return ok({ kind: 'failed', track, reason: 'no lyrics service is configured' });
      const found = await deps.lyrics(
        { title, ...(track.artist === undefined ? {} : { artist: track.artist }), ...(track.durationMs === undefined ? {} : { durationMs: track.durationMs }) },
        signal,
      );
      switch (found.kind) {
        case 'cancelled':
          return fail({ kind: 'cancelled' });
        case 'failed':
          return ok({ kind: 'failed', track, reason: found.reason });
        case 'none':
          return ok({ kind: 'none', track });
        case 'found':
          if (i.show === true && found.lyrics.synced !== undefined) await markLyricsShown(deps.redis, i.guild, track.id);
          return ok(found.lyrics.instrumental ? { kind: 'instrumental', track, lyrics: found.lyrics } : { kind: 'lyrics', track, lyrics: found.lyrics });
      }
    });
