/**
 * Autoplay (issue 16): when a guild's queue ran out while it wants `playing`, queue a track related to the
 * last one played. The Player calls `follow` from its reconcile while it holds the guild's lease, so one
 * instance acts per guild; the write re-checks every condition in one fenced script (src/state/autoplay.ts),
 * so racing reconciles or instances never queue twice, and the followed track is recorded in Redis so a
 * crash, a failover or a /clear does not follow it again.
 *
 * Every outcome that did work is logged once and counted (hiqty_autoplay_total); the quiet ones (nothing
 * played yet, the track already followed) are neither, since the Player asks on every silent reconcile.
 */
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { RelatedFinder } from '../sources';
import { newTrackId, type AutoplayStore, type GuildStore, type Lease, type Track } from '../state';
import { AUTOPLAY_NO_REPEAT, pickRelated } from './pick';

/** The requester of a track autoplay queued: /queue and the now-playing message show "Autoplay". */
export const AUTOPLAY_REQUESTER = { id: 'autoplay', name: 'Autoplay' } as const;

/** Outcomes counted in hiqty_autoplay_total. */
export type AutoplayCounted =
  /** A related track was queued. */
  | 'queued'
  /** Nobody but bots in the voice channel: nothing queued (asked again after the next track). */
  | 'no-listeners'
  /** No service related anything to the track. */
  | 'none'
  /** Everything related was among the last 50 played. */
  | 'all-recent'
  /** The guild changed while autoplay looked (a /play, a /stop, autoplay off, another instance first). */
  | 'raced'
  /** The lease was lost: the Player lets the guild go. */
  | 'lease-lost'
  /** Redis or a bug: logged with the error. */
  | 'error';

export type AutoplayOutcome =
  | { readonly kind: AutoplayCounted; readonly followed: string }
  /** Nothing to do: no history, or the newest entry was followed already (here or by another instance). */
  | { readonly kind: 'quiet'; readonly followed: string | undefined }
  | { readonly kind: 'cancelled' };

export interface AutoplayRequest {
  readonly guild: string;
  /** The voice channel the guild plays in: its listeners decide. */
  readonly channel: string;
  readonly textChannel: string | undefined;
  readonly lease: Lease;
}

export interface AutoplayMetrics {
  outcome(outcome: AutoplayCounted): void;
}

export interface AutoplayAnnouncer {
  /** Says in the guild's text channel that autoplay added `track`, related to `after`. Never throws. */
  added(guild: string, textChannel: string, track: Track, after: Track, sourceLabel: string): void;
}

export interface AutoplayDeps {
  readonly store: Pick<GuildStore, 'history'>;
  readonly autoplayStore: Pick<AutoplayStore, 'followed' | 'enqueue'>;
  readonly related: RelatedFinder;
  /** Humans (not bots) in a voice channel, from the gateway's voice states; undefined when the guild is not known here. */
  readonly listeners: (guild: string, channel: string) => number | undefined;
  /** A source's label for the announcement ("YouTube"). */
  readonly sourceLabel: (source: string) => string;
  readonly announce: AutoplayAnnouncer;
  readonly metrics: AutoplayMetrics;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface Autoplayer {
  follow(request: AutoplayRequest, signal: AbortSignal): Promise<AutoplayOutcome>;
}

export function createAutoplayer(deps: AutoplayDeps): Autoplayer {
  const { log } = deps;

  function counted(guild: string, kind: AutoplayCounted, followed: string, fields: Record<string, unknown> = {}): AutoplayOutcome {
    deps.metrics.outcome(kind);
    const line = { guild, outcome: kind, followed, ...fields };
    if (kind === 'queued') log.info(line, 'autoplay queued a related track');
    else if (kind === 'error' || kind === 'lease-lost') log.warn(line, 'autoplay did not queue a track');
    else log.info(line, 'autoplay queued nothing');
    return { kind, followed };
  }

  async function follow(request: AutoplayRequest, signal: AbortSignal): Promise<AutoplayOutcome> {
    const { guild } = request;
    const history = await deps.store.history(guild, AUTOPLAY_NO_REPEAT);
    const newest = history.entries[0];
    // A corrupt newest entry is not followed (the history reports it); the one before it was followed already.
    if (newest === undefined || newest.index !== 0) return { kind: 'quiet', followed: undefined };
    const after = newest.entry.track;
    if ((await deps.autoplayStore.followed(guild)) === after.id) return { kind: 'quiet', followed: after.id };

    const listeners = deps.listeners(guild, request.channel);
    if (listeners === 0) return counted(guild, 'no-listeners', after.id, { channel: request.channel });

    const related = await deps.related(after, signal);
    if (related.kind === 'cancelled' || signal.aborted) return { kind: 'cancelled' };
    const played = history.entries.map((e) => e.entry.track);
    const pick = related.kind === 'found' ? pickRelated(related.tracks, played) : undefined;
    if (pick === undefined) {
      // Recorded as followed, so that neither this instance nor another asks the services again for it.
      const marked = await deps.autoplayStore.enqueue(guild, after.id, undefined, request.lease);
      if (marked === 'lease-lost') return counted(guild, 'lease-lost', after.id);
      return related.kind === 'found'
        ? counted(guild, 'all-recent', after.id, { candidates: related.tracks.length, from: related.from })
        : counted(guild, 'none', after.id, { reason: related.reason });
    }
    const track: Track = {
      id: newTrackId(),
      url: pick.url,
      title: pick.title,
      source: pick.source,
      ...(pick.sourceId === undefined ? {} : { sourceId: pick.sourceId }),
      ...(pick.artist === undefined ? {} : { artist: pick.artist }),
      ...(pick.durationMs === undefined ? {} : { durationMs: pick.durationMs }),
      ...(pick.artworkUrl === undefined ? {} : { artworkUrl: pick.artworkUrl }),
      ...(pick.isrc === undefined ? {} : { isrc: pick.isrc }),
      requester: AUTOPLAY_REQUESTER,
      addedAt: deps.clock.now(),
    };
    const written = await deps.autoplayStore.enqueue(guild, after.id, track, request.lease);
    switch (written) {
      case 'queued':
        if (request.textChannel !== undefined) deps.announce.added(guild, request.textChannel, track, after, deps.sourceLabel(pick.source));
        return counted(guild, 'queued', after.id, { trackId: track.id, url: track.url, how: related.kind === 'found' ? related.how : undefined });
      case 'lease-lost':
        return counted(guild, 'lease-lost', after.id);
      case 'already-followed':
        return { kind: 'quiet', followed: after.id };
      case 'invalid':
        return counted(guild, 'error', after.id, { url: track.url, reason: 'the related track does not make a valid queue entry' });
      default:
        return counted(guild, 'raced', after.id, { because: written });
    }
  }

  return {
    async follow(request, signal) {
      try {
        return await follow(request, signal);
      } catch (err) {
        if (signal.aborted) return { kind: 'cancelled' };
        deps.metrics.outcome('error');
        log.warn({ guild: request.guild, err }, 'autoplay failed');
        return { kind: 'error', followed: '' };
      }
    },
  };
}
