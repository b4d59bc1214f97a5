/** Read models, built from Redis only (never from a player's memory): the queue page and now playing. */
import type { TaskEither } from 'fp-ts/TaskEither';
import type { DesiredState, GuildSnapshot, LoopMode, Track } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput, QueuePageInput } from './inputs';
import { fail, ok, withInput } from './run';

export const DEFAULT_PAGE_SIZE = 10;

export interface QueuePage {
  readonly kind: 'queue-page';
  /** 1-based. */
  readonly page: number;
  readonly pages: number;
  readonly pageSize: number;
  /** Entries of the page that decode, with their 1-based queue index (an undecodable one leaves a gap). */
  readonly entries: readonly { readonly index: number; readonly track: Track }[];
  readonly length: number;
  /** Sum of the known durations; `unknownDurations` counts the rest. */
  readonly totalDurationMs: number;
  readonly unknownDurations: number;
  readonly state: DesiredState;
  readonly loop: LoopMode;
}

export const queuePage =
  (deps: OpsDeps) =>
  (input: QueuePageInput): TaskEither<OpError, QueuePage> =>
    withInput(QueuePageInput, input, async (i) => {
      // Only the page and the totals are read: the queue may hold 10,000 tracks.
      const pageSize = i.pageSize ?? DEFAULT_PAGE_SIZE;
      const page = i.page ?? 1;
      const start = (Math.max(1, page) - 1) * pageSize;
      const [{ snapshot }, read] = await Promise.all([deps.store.snapshot(i.guild, { queue: 'head' }), deps.store.queuePage(i.guild, start, pageSize)]);
      const length = read.length;
      if (length === 0) return fail({ kind: 'queue-empty' });
      const pages = Math.max(1, Math.ceil(length / pageSize));
      if (page < 1 || page > pages) return fail({ kind: 'page-out-of-range', page, pages });
      return ok({
        kind: 'queue-page',
        page,
        pages,
        pageSize,
        entries: read.entries.map(({ index, track }) => ({ index: index + 1, track })),
        length,
        totalDurationMs: read.knownDurationMs,
        unknownDurations: length - read.knownDurations,
        state: snapshot.state,
        loop: snapshot.settings.loop,
      });
    });

export interface NowPlaying {
  readonly kind: 'now-playing';
  readonly track: Track;
  readonly state: DesiredState;
  /** Whether a player has actually started this track (its status names it). */
  readonly started: boolean;
  readonly positionMs: number;
  readonly durationMs: number | undefined;
  readonly loop: LoopMode;
  readonly volume: number;
  readonly queueLength: number;
  readonly next: Track | undefined;
  /** The source it plays from, when not its own (a mirror or a fallback): "SoundCloud". */
  readonly playedFrom: string | undefined;
}

/**
 * The current track and where it is: the last checkpoint, plus the time since it when the player said
 * it was playing. Known limit: the player's clock and ours differ by whatever NTP leaves.
 */
export function nowPlayingOf(snapshot: GuildSnapshot, now: number): NowPlaying | undefined {
  const track = snapshot.playlist[0];
  if (track === undefined || snapshot.head?.kind !== 'track') return undefined;
  const status = snapshot.status?.trackId === track.id ? snapshot.status : undefined;
  let positionMs = status?.positionMs ?? track.startMs ?? 0;
  if (status?.state === 'playing') positionMs += Math.max(0, now - status.updatedAt);
  if (track.durationMs !== undefined) positionMs = Math.min(positionMs, track.durationMs);
  return {
    kind: 'now-playing',
    track,
    state: snapshot.state,
    started: status !== undefined,
    positionMs,
    durationMs: track.durationMs,
    loop: snapshot.settings.loop,
    volume: snapshot.settings.volume,
    // The whole queue's length: the snapshot may hold only its first entries (SnapshotOptions.queue).
    queueLength: snapshot.playlistLength,
    next: snapshot.playlist[1],
    playedFrom: status?.playedFrom?.label,
  };
}

export const nowPlaying =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, NowPlaying> =>
    withInput(GuildInput, input, async (i) => {
      const { snapshot } = await deps.store.snapshot(i.guild);
      const view = nowPlayingOf(snapshot, deps.clock.now());
      return view === undefined ? fail({ kind: 'queue-empty' }) : ok(view);
    });
