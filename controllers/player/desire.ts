/**
 * What a guild's desired state asks of its voice, read from one snapshot. Pure, so the decision
 * table of DESIGN.md §4 can be tested without Redis or Discord.
 */
import type { GuildSnapshot, Settings, Track } from '../../src/state';
import type { QueuedTrack } from './playback';

export type Desire =
  /** Audio in a channel: the head track, playing or paused. */
  | {
      readonly kind: 'audio';
      readonly channel: string;
      readonly head: QueuedTrack;
      readonly paused: boolean;
      /** Where to start the head if it is not already playing here. */
      readonly resumeAtMs: number;
      readonly settings: Settings;
    }
  /** An undecodable head must be quarantined before anything can play. */
  | { readonly kind: 'quarantine-head'; readonly raw: string; readonly reason: string }
  /** Nothing to play. `stay` keeps the bot in `channel` anyway (24/7). */
  | { readonly kind: 'silence'; readonly why: 'stopped' | 'empty' | 'no-channel'; readonly stayIn: string | undefined };

function resumeAt(snapshot: GuildSnapshot, track: Track): number {
  // The status names the track we (or a crashed owner) were playing: continue where it got to.
  if (snapshot.status?.trackId === track.id) return snapshot.status.positionMs;
  return track.startMs ?? 0;
}

export function desireOf(snapshot: GuildSnapshot): Desire {
  const stayIn = snapshot.settings.stay ? snapshot.channel : undefined;
  if (snapshot.channel === undefined) return { kind: 'silence', why: 'no-channel', stayIn: undefined };
  if (snapshot.state === 'stopped') return { kind: 'silence', why: 'stopped', stayIn };
  const head = snapshot.head;
  if (head === undefined) return { kind: 'silence', why: 'empty', stayIn };
  if (head.kind === 'corrupt') return { kind: 'quarantine-head', raw: head.raw, reason: head.reason };
  return {
    kind: 'audio',
    channel: snapshot.channel,
    head: { track: head.track, raw: head.raw },
    paused: snapshot.state === 'paused',
    resumeAtMs: resumeAt(snapshot, head.track),
    settings: snapshot.settings,
  };
}
