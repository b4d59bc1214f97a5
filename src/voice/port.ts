/**
 * The Player's one door to Discord voice (DESIGN.md §9): join, play a stream of Opus packets, pause,
 * resume, stop, leave, drop, and observe what happened. The Player depends on this port only, so its
 * reconciler is unit-tested against a fake and the engine behind it can be replaced.
 * src/discord/voice.ts implements it over @discordjs/voice.
 */
import type { Readable } from 'node:stream';

/** A guild's voice connection, as the reconciler needs to tell it apart. */
export type LinkState =
  /** Handshaking with the gateway and the voice server. */
  | 'joining'
  /** Audio can flow. */
  | 'ready'
  /** The connection dropped (a closed voice socket, a refused self-rejoin): the reconciler joins again. */
  | 'lost';

export interface VoiceLink {
  readonly channelId: string;
  readonly state: LinkState;
  /** Monotonic time of the join, for the join timeout. */
  readonly joinedAtMs: number;
}

/** What the audio side of a guild is doing. `idle` after `play` means the stream ran out. */
export type AudioState = 'idle' | 'playing' | 'paused';

/** One stream handed to `play`. */
export interface PlayingAudio {
  /** Milliseconds of this stream played so far. */
  positionMs(): number;
  /** Stops this stream if it is still the one playing; a no-op otherwise. */
  stop(): void;
}

/** Called by the engine; each call is a hint to reconcile, never a payload. */
export interface GuildVoiceEvents {
  /** The connection or the audio changed state (joined, dropped, a stream ran out). */
  changed(): void;
  /** A packet left for Discord; `late` when it came over 40 ms after the previous one of its stream. */
  frame(late: boolean): void;
  /** The first packet of the stream last passed to `play`. */
  firstPacket(): void;
}

/** One guild's voice: a connection (maybe none yet) and its audio. */
export interface GuildVoice {
  readonly guildId: string;
  /** The current connection, if any. */
  link(): VoiceLink | undefined;
  /** Joins (or moves to) a channel, replacing any connection. False when the guild is not visible. */
  join(channelId: string): boolean;
  /** Plays object-mode Opus packets, replacing whatever played. */
  play(packets: Readable): PlayingAudio;
  audio(): AudioState;
  unpause(): void;
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
