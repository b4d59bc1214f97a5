/**
 * The Player's one door to Discord voice (DESIGN.md §9): join a channel, play a queued track at a
 * position, stop it, leave, drop; and observe the connection, the position and how each play ended.
 * The Player depends on this port only: its reconciler is unit-tested against a fake, and the engine
 * behind it (src/voice/engine, in this thread or in voice workers) opens, demuxes and sends the audio
 * itself. Nothing the Player holds is a stream: a play is a handle.
 *
 * Pausing is a stop at a position (the Playback union's `paused` holds no stream and no ffmpeg), so the
 * port has no pause command: the engine sends five silence frames whenever a track stops or ends.
 */
import type { PlayPath } from '../media';
import type { PlanVia } from '../media/plan';
import type { Filters } from '../filters';
import type { PlayableTrack } from '../sources/types';

/** A guild's voice connection, as the reconciler needs to tell it apart. */
export type LinkState =
  /** Handshaking with the gateway and the voice server. */
  | 'joining'
  /** Audio can flow. */
  | 'ready'
  /** The connection dropped (a closed voice socket, a refused self-rejoin, a voice worker that died): the reconciler joins again. */
  | 'lost';

export interface VoiceLink {
  readonly channelId: string;
  readonly state: LinkState;
  /** Monotonic time of the join, for the join timeout. */
  readonly joinedAtMs: number;
}

/** What to play: a queued track from a position. The engine opens it where its audio runs. */
export interface PlaySpec {
  readonly track: PlayableTrack;
  readonly startMs: number;
  /** 100 plays the source unchanged (Opus passes straight through); anything else goes through ffmpeg. */
  readonly volumePercent: number;
  /** The guild's audio filters; absent or neutral plays unchanged. Any filter goes through ffmpeg. */
  readonly filters?: Filters;
}

/** How opening a play went. */
export type OpenResult =
  /**
   * The first packet is ready: audio flows from the next 20 ms tick (or once voice is ready). `via`: the
   * track plays from another source than its own (a mirror, or a fallback after its source refused it).
   */
  | { readonly kind: 'playing'; readonly path: PlayPath; readonly via?: PlanVia }
  /** The track cannot be played: the reason is for the quarantine and the guild's members. */
  | { readonly kind: 'unplayable'; readonly reason: string }
  /** stop() came first: nothing is left open, and the track is not at fault. */
  | { readonly kind: 'cancelled' };

/** How a play that opened left the speaker (after its five silence frames). */
export type PlayEnd =
  /**
   * The audio ran to its end and was all sent. `streamEnded`: it was a live stream that ended on its
   * service's side (it went off the air), with why: the members are told.
   */
  | { readonly kind: 'finished'; readonly streamEnded?: string }
  /** It stopped early or could not go on: the reason is for the quarantine. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** stop() or close() ended it. */
  | { readonly kind: 'stopped' }
  /** The engine that held it is gone (a voice worker died): play it again from its position. */
  | { readonly kind: 'interrupted' };

/** One play handed to `play`. */
export interface PlayingTrack {
  /** Settles once: never rejects. */
  readonly opened: Promise<OpenResult>;
  /** Settles after `opened` answered `playing`, once the play is over. Never rejects. */
  readonly ended: Promise<PlayEnd>;
  /** How the play ended, once it has (the synchronous view of `ended`). */
  end(): PlayEnd | undefined;
  /** Milliseconds of this play sent so far (from its startMs), as last reported by the engine. */
  positionMs(): number;
  /** Stops this play (cancels its open, or ends it with five silence frames). Idempotent. */
  stop(): void;
}

/** Called by the engine; each call is a hint to reconcile, never a payload. */
export interface GuildVoiceEvents {
  /** The connection changed state (joined, dropped), or a play ended. */
  changed(): void;
  /** The first packet of the play last passed to `play` left for Discord. */
  firstPacket(): void;
}

/** One guild's voice: a connection (maybe none yet) and at most one play. */
export interface GuildVoice {
  readonly guildId: string;
  /** The current connection, if any. */
  link(): VoiceLink | undefined;
  /** Joins (or moves to) a channel, replacing any connection. False when the guild is not visible. */
  join(channelId: string): boolean;
  /** Opens and plays a track, replacing (stopping) whatever played. */
  play(spec: PlaySpec): PlayingTrack;
  /** Drops the connection WITHOUT a leave payload: a leave would kick the guild's new owner. */
  drop(): void;
  /** Leaves the channel (sends the leave payload). Only for a guild whose lease we hold. */
  leave(): void;
  /** Stops audio at once and drops the connection without a leave payload. Final. */
  close(): void;
}

export interface VoicePort {
  /** Every shard is connected: only then may guilds be claimed. */
  ready(): boolean;
  /** The guild is known to this session (its shard delivered it): only then can we join there. */
  hasGuild(guildId: string): boolean;
  /** Calls back when a guild becomes visible or changes (GUILD_CREATE, GUILD_UPDATE). Returns an unsubscribe. */
  onGuildSeen(listener: (guildId: string) => void): () => void;
  /** Opens a guild's voice, joined nowhere yet. */
  open(guildId: string, events: GuildVoiceEvents): GuildVoice;
}
