/**
 * What one guild's audio is doing right now, as a discriminated union. Only GuildSession.setPlayback
 * moves between these states, and it stops whatever play the old state held.
 */
import type { PlayPath } from '../../src/media';
import type { PlanVia } from '../../src/media/plan';
import { trackRate, type Filters } from '../../src/filters';
import type { Track } from '../../src/state';
import type { PlayingTrack } from '../../src/voice/port';

/**
 * How a track left the speaker. `failed` tracks are quarantined; `finished` ones advance the queue (a
 * live stream that went off the air is finished, with `streamEnded` saying why, and its members are told).
 */
export type TrackOutcome = { readonly kind: 'finished'; readonly streamEnded?: string } | { readonly kind: 'failed'; readonly reason: string };

/** The track a playback is about: the decoded Track and its exact raw queue entry (fenced scripts compare it). */
export interface QueuedTrack {
  readonly track: Track;
  readonly raw: string;
}

export type Playback =
  | { readonly kind: 'idle' }
  /** The engine is opening the track (plan, fetch, probe, maybe ffmpeg) where its audio will run. */
  | { readonly kind: 'starting'; readonly item: QueuedTrack; readonly startMs: number; readonly volume: number; readonly filters: Filters; readonly audio: PlayingTrack }
  /**
   * `filters`: what this play was opened with; a change restarts it at the position, as a volume change does.
   * `via`: it plays from another source than its own (a mirror, or a fallback).
   */
  | { readonly kind: 'playing'; readonly item: QueuedTrack; readonly startMs: number; readonly volume: number; readonly filters: Filters; readonly path: PlayPath; readonly audio: PlayingTrack; readonly via?: PlanVia }
  /**
   * Paused holds no stream and no ffmpeg: resuming reopens at the position. `stopping` is the play the
   * pause stopped: until it has ended (its engine may be a worker, a message away) `positionMs` is the
   * last position reported; once it has, its own count of what it sent is exact.
   */
  | { readonly kind: 'paused'; readonly item: QueuedTrack; readonly positionMs: number; readonly volume: number; readonly stopping?: StoppedPlay }
  /** The engine that played it went away (a voice worker died): it starts again here, at the position. */
  | { readonly kind: 'interrupted'; readonly item: QueuedTrack; readonly positionMs: number; readonly volume: number }
  /** Waiting for the reconciler to advance or quarantine. */
  | { readonly kind: 'ended'; readonly item: QueuedTrack; readonly outcome: TrackOutcome };

export type PlaybackKind = Playback['kind'];

/** A play that was stopped, with the position it had started at and the filters it played with. */
export interface StoppedPlay {
  readonly startMs: number;
  readonly filters: Filters;
  readonly audio: PlayingTrack;
}

/**
 * Where a play is in its track: the engine counts the audio it sent (listener time), and speed, rate and
 * the presets that carry them (nightcore, vaporwave) cover more or less track time per second heard.
 * The factor is constant for a play (a filter change starts a new play at the position), so the
 * product is exact, and status, resume, failover and seek all stay in track time.
 */
function playedTo(startMs: number, filters: Filters, audio: PlayingTrack): number {
  return startMs + Math.round(audio.positionMs() * trackRate(filters));
}

/** True while a pause's stopped play may still be sending (its final position not yet known). */
export function stillStopping(playback: Playback): boolean {
  return playback.kind === 'paused' && playback.stopping !== undefined && playback.stopping.audio.end() === undefined;
}

/** Where the listener is in the current track. */
export function positionOf(playback: Playback): number | undefined {
  switch (playback.kind) {
    case 'playing':
      return playedTo(playback.startMs, playback.filters, playback.audio);
    case 'starting':
      return playback.startMs;
    case 'paused':
      return playback.stopping?.audio.end() === undefined ? playback.positionMs : playedTo(playback.stopping.startMs, playback.stopping.filters, playback.stopping.audio);
    case 'interrupted':
      return playback.positionMs;
    case 'idle':
    case 'ended':
      return undefined;
  }
}

/** The status field naming the source a playing track plays from, when not its own. */
export function playedFromOf(playback: Playback): { readonly playedFrom?: { readonly source: string; readonly label: string } } {
  return playback.kind === 'playing' && playback.via !== undefined ? { playedFrom: { source: playback.via.source, label: playback.via.label } } : {};
}

export function trackIdOf(playback: Playback): string | undefined {
  return playback.kind === 'idle' ? undefined : playback.item.track.id;
}
